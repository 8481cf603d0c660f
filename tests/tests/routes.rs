//! One application, two policies: an app-wide one and a stricter one for `/admin`, through axum,
//! hyper and actix-web. With `.route("/admin", &ADMIN)` on one layer, the admin origin and only
//! it may preflight, write and read the admin routes. Stacked layers (an outer app-wide one
//! around an inner admin one) never widen the inner policy on the way out, but the outer one still
//! answers the preflights: what each setup answers is written out below, request by request.

use std::convert::Infallible;
use std::net::SocketAddr;

use cors_runtime::{CorsLayer, CorsPolicy, cors_policy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

static APP: CorsPolicy = cors_policy! {
    allow_origins: ["https://app.example.com"],
    allow_methods: [PUT, DELETE],
    allow_credentials: true,
    refuse_cross_origin_writes: true,
};

static ADMIN: CorsPolicy = cors_policy! {
    allow_origins: ["https://admin.example.com"],
    allow_methods: [DELETE],
    allow_credentials: true,
    refuse_cross_origin_writes: true,
};

const APP_ORIGIN: &str = "https://app.example.com";
const ADMIN_ORIGIN: &str = "https://admin.example.com";

/// One request a page would make: a preflight for `method`, or the request itself (a write
/// carries `Sec-Fetch-Site: same-site`, as from a sibling subdomain).
#[derive(Clone, Copy, Debug)]
struct Probe {
    preflight: bool,
    method: &'static str,
    path: &'static str,
    origin: &'static str,
}

/// What came back: the status, `Access-Control-Allow-Origin`, and whether a handler ran (every
/// handler here answers with `x-handled`, which no answer of a layer has).
#[derive(Debug, PartialEq)]
struct Seen {
    status: u16,
    allow_origin: Option<String>,
    ran: bool,
}

const fn probe(
    preflight: bool,
    method: &'static str,
    path: &'static str,
    origin: &'static str,
) -> Probe {
    Probe {
        preflight,
        method,
        path,
        origin,
    }
}

/// The probes, in the order of every table below.
const PROBES: [Probe; 12] = [
    probe(true, "DELETE", "/admin/users", APP_ORIGIN),
    probe(true, "DELETE", "/admin/users", ADMIN_ORIGIN),
    probe(false, "DELETE", "/admin/users", APP_ORIGIN),
    probe(false, "DELETE", "/admin/users", ADMIN_ORIGIN),
    probe(false, "GET", "/admin/users", APP_ORIGIN),
    probe(false, "GET", "/admin/users", ADMIN_ORIGIN),
    probe(true, "PUT", "/api/items", APP_ORIGIN),
    probe(false, "PUT", "/api/items", APP_ORIGIN),
    probe(false, "GET", "/api/items", APP_ORIGIN),
    probe(false, "GET", "/api/items", ADMIN_ORIGIN),
    probe(false, "GET", "/administrator", APP_ORIGIN),
    probe(false, "GET", "/%61dmin/users", APP_ORIGIN),
];

/// `(status, the origin allowed, whether the handler ran)`.
type Row = (u16, Option<&'static str>, bool);

const APP_READS: Row = (200, Some(APP_ORIGIN), true);
const ADMIN_READS: Row = (200, Some(ADMIN_ORIGIN), true);
const UNREAD: Row = (200, None, true);
const REFUSED_WRITE: Row = (403, None, false);
const PREFLIGHT_REFUSED: Row = (403, None, false);
/// A path no route serves: the router's 404, under the app-wide policy.
const NOT_FOUND: Row = (404, Some(APP_ORIGIN), false);

/// One layer with `.route("/admin", &ADMIN)`: ADMIN decides everything under `/admin`.
const ROUTED: [Row; 12] = [
    PREFLIGHT_REFUSED,
    (204, Some(ADMIN_ORIGIN), false),
    REFUSED_WRITE,
    ADMIN_READS,
    UNREAD,
    ADMIN_READS,
    (204, Some(APP_ORIGIN), false),
    APP_READS,
    APP_READS,
    UNREAD,
    APP_READS,
    // axum routes on the path as sent: no route is `/%61dmin`.
    NOT_FOUND,
];

/// An app-wide layer around an admin router with its own layer. The outer layer answers every
/// preflight by APP; the inner one decides the admin routes' actual responses and writes, and
/// the outer one leaves them as they are.
const STACKED: [Row; 12] = [
    // The outer layer's preflight: the page may send the DELETE…
    (204, Some(APP_ORIGIN), false),
    // …and ADMIN's origin cannot even preflight, since APP does not list it.
    PREFLIGHT_REFUSED,
    // …which the inner layer refuses all the same.
    REFUSED_WRITE,
    // The outer layer refuses the write from ADMIN's origin before the inner one sees it:
    // stacking only ever narrows.
    REFUSED_WRITE,
    // The inner layer withheld the headers, and the outer one did not write its own.
    UNREAD,
    ADMIN_READS,
    (204, Some(APP_ORIGIN), false),
    APP_READS,
    APP_READS,
    UNREAD,
    APP_READS,
    NOT_FOUND,
];

fn check(server: &str, seen: &[Seen], expected: &[Row]) {
    for ((probe, seen), &(status, allow_origin, ran)) in PROBES.iter().zip(seen).zip(expected) {
        let expected = Seen {
            status,
            allow_origin: allow_origin.map(str::to_owned),
            ran,
        };
        assert_eq!(seen, &expected, "{server}: {probe:?}");
    }
}

/// Sends every probe to a server on loopback, over HTTP/1.1 as a browser does.
async fn probe_all(address: SocketAddr) -> Vec<Seen> {
    let mut seen = Vec::new();
    for probe in PROBES {
        let mut head = if probe.preflight {
            format!(
                "OPTIONS {} HTTP/1.1\r\nhost: api.example.com\r\norigin: {}\r\n\
                 access-control-request-method: {}\r\n",
                probe.path, probe.origin, probe.method
            )
        } else {
            format!(
                "{} {} HTTP/1.1\r\nhost: api.example.com\r\norigin: {}\r\n\
                 sec-fetch-site: same-site\r\n",
                probe.method, probe.path, probe.origin
            )
        };
        head.push_str("content-length: 0\r\nconnection: close\r\n\r\n");
        let mut client = TcpStream::connect(address).await.unwrap();
        client.write_all(head.as_bytes()).await.unwrap();
        let mut raw = Vec::new();
        client.read_to_end(&mut raw).await.unwrap();
        let text = String::from_utf8_lossy(&raw).to_ascii_lowercase();
        let head = text.split("\r\n\r\n").next().unwrap_or_default();
        let allow_origin = head
            .lines()
            .find_map(|line| line.strip_prefix("access-control-allow-origin: "))
            .map(|value| value.trim().to_owned());
        seen.push(Seen {
            status: text[9..12].parse().unwrap(),
            allow_origin,
            ran: head.lines().any(|line| line.starts_with("x-handled:")),
        });
    }
    seen
}

mod axum {
    use ::axum::Router;
    use ::axum::routing::any;

    use super::*;

    async fn handler() -> ([(&'static str, &'static str); 1], &'static str) {
        ([("x-handled", "1")], "handled")
    }

    async fn serve(router: Router) -> Vec<Seen> {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let server = tokio::spawn(async move { ::axum::serve(listener, router).await });
        let seen = probe_all(address).await;
        server.abort();
        seen
    }

    fn app(admin: Router) -> Router {
        Router::new()
            .route("/api/items", any(handler))
            .route("/administrator", any(handler))
            .nest("/admin", admin)
    }

    #[tokio::test(flavor = "current_thread")]
    async fn one_layer_with_a_route_gives_the_admin_routes_to_the_admin_policy() {
        let layer = CorsLayer::new(&APP).route("/admin", &ADMIN).unwrap();
        let router = app(Router::new().route("/users", any(handler))).layer(layer);
        check("axum, .route()", &serve(router).await, &ROUTED);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_nested_router_with_its_own_layer_is_never_widened_by_the_outer_one() {
        let admin = Router::new()
            .route("/users", any(handler))
            .layer(ADMIN.layer());
        let router = app(admin).layer(APP.layer());
        check("axum, nested layer", &serve(router).await, &STACKED);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_route_layer_under_an_outer_layer_is_never_widened_either() {
        let admin = Router::new()
            .route("/users", any(handler))
            .route_layer(ADMIN.layer());
        let router = app(admin).layer(APP.layer());
        check("axum, route_layer", &serve(router).await, &STACKED);
    }
}

mod hyper {
    use std::future::{Ready, ready};
    use std::task::{Context, Poll};

    use ::hyper::body::{Bytes, Incoming};
    use ::hyper::server::conn::http1;
    use http::{Request, Response};
    use http_body_util::Full;
    use hyper_util::rt::TokioIo;
    use hyper_util::service::TowerToHyperService;
    use tower::{Layer, Service};

    use super::*;

    /// The one handler of a server without a router: every path reaches it.
    #[derive(Clone)]
    struct Handler;

    impl Service<Request<Incoming>> for Handler {
        type Response = Response<Full<Bytes>>;
        type Error = Infallible;
        type Future = Ready<Result<Self::Response, Infallible>>;

        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, _: Request<Incoming>) -> Self::Future {
            let mut response = Response::new(Full::new(Bytes::from_static(b"handled")));
            response
                .headers_mut()
                .insert("x-handled", http::HeaderValue::from_static("1"));
            ready(Ok(response))
        }
    }

    async fn serve<S>(make: fn(Handler) -> S) -> Vec<Seen>
    where
        S: Service<Request<Incoming>, Response = Response<Full<Bytes>>, Error = Infallible>
            + Clone
            + Send
            + 'static,
        S::Future: Send,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                let service = TowerToHyperService::new(make(Handler));
                tokio::spawn(http1::Builder::new().serve_connection(TokioIo::new(stream), service));
            }
        });
        let seen = probe_all(address).await;
        server.abort();
        seen
    }

    #[tokio::test(flavor = "current_thread")]
    async fn one_layer_with_a_route_gives_the_admin_paths_to_the_admin_policy() {
        let seen = serve(|handler| {
            CorsLayer::new(&APP)
                .route("/admin", &ADMIN)
                .unwrap()
                .layer(handler)
        })
        .await;
        // Without a router, `/%61dmin/users` reaches the handler, under APP.
        let mut expected = ROUTED;
        expected[11] = APP_READS;
        check("hyper, .route()", &seen, &expected);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn stacked_layers_around_one_service_leave_every_answer_to_the_inner_one() {
        let seen = serve(|handler| APP.layer().layer(ADMIN.layer().layer(handler))).await;
        // Every path goes through both layers: the outer one answers the preflights and refuses
        // the writes it does not trust; the inner one decides every actual response.
        let expected: [Row; 12] = [
            (204, Some(APP_ORIGIN), false),
            PREFLIGHT_REFUSED,
            REFUSED_WRITE,
            REFUSED_WRITE,
            UNREAD,
            ADMIN_READS,
            (204, Some(APP_ORIGIN), false),
            REFUSED_WRITE,
            UNREAD,
            ADMIN_READS,
            UNREAD,
            UNREAD,
        ];
        check("hyper, stacked", &seen, &expected);
    }
}

mod actix {
    use actix_web::{App, HttpResponse, web};
    use cors_runtime::actix::Cors;

    use super::*;

    async fn handler() -> HttpResponse {
        HttpResponse::Ok()
            .insert_header(("x-handled", "1"))
            .body("handled")
    }

    /// Serves `$app` with the app's routes added, and sends it every probe.
    macro_rules! probe_app {
        ($app:expr) => {{
            let (address, stop) = crate::common::actix_server!(|| {
                $app.route("/api/items", web::route().to(handler))
                    .route("/administrator", web::route().to(handler))
            });
            let seen = probe_all(address).await;
            stop.await;
            seen
        }};
    }

    #[actix_web::test]
    async fn one_middleware_with_a_route_gives_the_admin_scope_to_the_admin_policy() {
        let seen = probe_app!(
            App::new()
                .wrap(Cors::new(&APP).route("/admin", &ADMIN).unwrap())
                .service(web::scope("/admin").route("/users", web::route().to(handler)))
        );
        // actix-web routes `/%61dmin/users` to the `/admin` scope: ADMIN decides it too.
        let mut expected = ROUTED;
        expected[11] = UNREAD;
        check("actix-web, .route()", &seen, &expected);
    }

    #[actix_web::test]
    async fn a_scope_with_its_own_middleware_is_never_widened_by_the_apps() {
        let seen = probe_app!(
            App::new().wrap(APP.actix()).service(
                web::scope("/admin")
                    .wrap(ADMIN.actix())
                    .route("/users", web::route().to(handler)),
            )
        );
        let mut expected = STACKED;
        expected[11] = UNREAD;
        check("actix-web, Scope::wrap", &seen, &expected);
    }

    #[actix_web::test]
    async fn a_resource_with_its_own_middleware_is_never_widened_either() {
        let seen = probe_app!(
            App::new().wrap(APP.actix()).service(
                web::resource("/admin/users")
                    .wrap(ADMIN.actix())
                    .route(web::route().to(handler)),
            )
        );
        let mut expected = STACKED;
        expected[11] = UNREAD;
        check("actix-web, Resource::wrap", &seen, &expected);
    }

    #[actix_web::test]
    async fn a_scopes_middleware_chooses_by_the_path_under_the_scope() {
        let (address, stop) = crate::common::actix_server!(|| {
            App::new().service(
                web::scope("/api")
                    .wrap(Cors::new(&APP).route("/admin", &ADMIN).unwrap())
                    .route("/admin/users", web::route().to(handler))
                    .route("/items", web::route().to(handler)),
            )
        });
        let mut seen = Vec::new();
        for (path, origin) in [
            ("/api/admin/users", ADMIN_ORIGIN),
            ("/api/items", APP_ORIGIN),
        ] {
            let head = format!(
                "GET {path} HTTP/1.1\r\nhost: h\r\norigin: {origin}\r\nconnection: close\r\n\r\n"
            );
            let mut client = TcpStream::connect(address).await.unwrap();
            client.write_all(head.as_bytes()).await.unwrap();
            let mut raw = String::new();
            client.read_to_string(&mut raw).await.unwrap();
            seen.push(
                raw.to_ascii_lowercase()
                    .contains(&format!("access-control-allow-origin: {origin}")),
            );
        }
        stop.await;
        assert_eq!(seen, [true, true]);
    }
}

#[test]
fn bad_and_duplicate_prefixes_are_refused_when_the_layer_is_built() {
    let twice = CorsLayer::new(&APP)
        .route("/admin", &ADMIN)
        .unwrap()
        .route("/admin", &APP)
        .unwrap_err();
    assert_eq!(twice.prefix(), "/admin");
    assert!(twice.to_string().contains("given twice"), "{twice}");
    let error = cors_runtime::actix::Cors::new(&APP)
        .route("admin", &ADMIN)
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "route prefix `admin` is not a path: write it from the root, `/admin`"
    );
}

#[test]
fn shared_and_reloadable_policies_take_routes_each_with_its_own_handle() {
    use cors_runtime::RoutePolicy;
    use tower::{Layer, ServiceExt, service_fn};

    let (admin, handle) = RoutePolicy::reloadable(ADMIN.clone());
    let layer = CorsLayer::shared(APP.with_origins(["https://app.example.com"]).unwrap())
        .route("/admin", admin)
        .unwrap()
        .route(
            "/partners",
            APP.with_origins(["https://partner.example"]).unwrap(),
        )
        .unwrap();
    let allowed = |path: &'static str, origin: &'static str| {
        let service = layer.layer(service_fn(|_: http::Request<()>| async {
            Ok::<_, Infallible>(http::Response::new(()))
        }));
        async move {
            let request = http::Request::get(path)
                .header("origin", origin)
                .body(())
                .unwrap();
            let response = service.oneshot(request).await.unwrap();
            response
                .headers()
                .get("access-control-allow-origin")
                .is_some()
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(async {
        assert!(allowed("/items", APP_ORIGIN).await);
        assert!(allowed("/admin/users", ADMIN_ORIGIN).await);
        assert!(!allowed("/admin/users", APP_ORIGIN).await);
        assert!(allowed("/partners/x", "https://partner.example").await);
        assert!(!allowed("/partners/x", APP_ORIGIN).await);
        // Replacing the admin route's origins changes that route only.
        handle.set_origins(["https://ops.example.com"]).unwrap();
        assert!(allowed("/admin/users", "https://ops.example.com").await);
        assert!(!allowed("/admin/users", ADMIN_ORIGIN).await);
        assert!(allowed("/items", APP_ORIGIN).await);
    });
}

//! `cors_runtime::actix::Cors` under real actix-web apps: through `actix_web::test`, beside an
//! axum router under the same policy (same status, same headers), and over a real loopback
//! `HttpServer`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpResponse, error, test, web};
use axum::Router;
use cors_runtime::actix::Cors;
use cors_runtime::{CorsPolicy, cors_policy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower::ServiceExt;

static API: CorsPolicy = cors_policy! {
    allow_origins: ["https://app.example.com", "https://*.example.com"],
    allow_methods: [PUT, DELETE],
    allow_headers: ["content-type", "x-request-id"],
    expose_headers: ["x-request-id"],
    allow_credentials: true,
    max_age: 600,
    allow_private_network: true,
};

static PUBLIC: CorsPolicy = cors_policy! {
    allow_origins: *,
    allow_methods: *,
    allow_headers: *,
    expose_headers: *,
};

const APP: &str = "https://app.example.com";

/// A request as name/value pairs, sent the same way to both frameworks.
type Pairs = &'static [(&'static str, &'static str)];

/// The requests both frameworks answer: preflights allowed and refused for each reason, and
/// actual requests with and without an allowed origin.
const CASES: &[(&str, Pairs)] = &[
    (
        "OPTIONS",
        &[("origin", APP), ("access-control-request-method", "PUT")],
    ),
    (
        "OPTIONS",
        &[
            ("origin", "https://eu.example.com"),
            ("access-control-request-method", "DELETE"),
            (
                "access-control-request-headers",
                "Content-Type, x-request-id",
            ),
            ("access-control-request-private-network", "true"),
        ],
    ),
    (
        "OPTIONS",
        &[
            ("origin", APP),
            ("access-control-request-method", "POST"),
            ("access-control-request-headers", "content-type"),
            ("access-control-request-headers", "x-request-id"),
        ],
    ),
    (
        "OPTIONS",
        &[
            ("origin", "https://evil.example"),
            ("access-control-request-method", "PUT"),
        ],
    ),
    (
        "OPTIONS",
        &[("origin", APP), ("access-control-request-method", "PATCH")],
    ),
    (
        "OPTIONS",
        &[
            ("origin", APP),
            ("access-control-request-method", "PUT"),
            ("access-control-request-headers", "x-secret"),
        ],
    ),
    ("OPTIONS", &[("origin", APP)]),
    ("GET", &[("origin", APP)]),
    ("GET", &[("origin", "https://chat.example.com")]),
    ("PUT", &[("origin", "https://evil.example")]),
    ("GET", &[("origin", APP), ("origin", APP)]),
    ("GET", &[]),
    ("POST", &[("origin", "null")]),
];

/// Status and headers, without those each server adds of its own accord.
type Answer = (u16, Vec<(String, String)>);

fn sorted(mut headers: Vec<(String, String)>) -> Vec<(String, String)> {
    headers.retain(|(name, _)| !matches!(name.as_str(), "content-length" | "date"));
    // Lines of one name keep their order; names are sorted.
    headers.sort_by(|a, b| a.0.cmp(&b.0));
    headers
}

/// The handler both frameworks run: it sets `Vary: Accept-Encoding` and counts its calls.
fn handled(calls: &AtomicUsize) -> HttpResponse {
    calls.fetch_add(1, Ordering::SeqCst);
    HttpResponse::Ok()
        .insert_header(("vary", "Accept-Encoding"))
        .finish()
}

/// [`handled`] for any method, counting into `calls`.
fn counted(calls: &Arc<AtomicUsize>) -> actix_web::Route {
    let calls = Arc::clone(calls);
    web::route().to(move || {
        let calls = Arc::clone(&calls);
        async move { handled(&calls) }
    })
}

async fn through_axum(policy: &'static CorsPolicy, method: &str, pairs: Pairs) -> Answer {
    let router = Router::new()
        .route(
            "/items",
            axum::routing::any(|| async { [("vary", "Accept-Encoding")] }),
        )
        .layer(policy.layer());
    let mut request = axum::http::Request::builder().method(method).uri("/items");
    for (name, value) in pairs {
        request = request.header(*name, *value);
    }
    let response = router
        .oneshot(request.body(axum::body::Body::empty()).unwrap())
        .await
        .unwrap();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_owned()))
        .collect();
    (response.status().as_u16(), sorted(headers))
}

fn answer<B>(response: &ServiceResponse<B>) -> Answer {
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_owned()))
        .collect();
    (response.status().as_u16(), sorted(headers))
}

fn request(method: &str, path: &str, pairs: Pairs) -> test::TestRequest {
    let mut request = test::TestRequest::default()
        .method(method.parse().unwrap())
        .uri(path);
    for pair in pairs {
        request = request.append_header(*pair);
    }
    request
}

fn header<'a, B>(response: &'a ServiceResponse<B>, name: &str) -> Vec<&'a str> {
    response
        .headers()
        .get_all(name)
        .map(|value| value.to_str().unwrap())
        .collect()
}

#[actix_web::test]
async fn actix_answers_as_axum_does_under_the_same_policy() {
    for policy in [&API, &PUBLIC] {
        let calls = Arc::new(AtomicUsize::new(0));
        let app = test::init_service(
            App::new()
                .wrap(policy.actix())
                .route("/items", counted(&calls)),
        )
        .await;
        let mut preflights = 0;
        for (method, pairs) in CASES {
            let response =
                test::call_service(&app, request(method, "/items", pairs).to_request()).await;
            let expected = through_axum(policy, method, pairs).await;
            assert_eq!(answer(&response), expected, "{method} {pairs:?}");
            let is_preflight = *method == "OPTIONS"
                && pairs.iter().any(|(n, _)| *n == "origin")
                && pairs
                    .iter()
                    .any(|(n, _)| *n == "access-control-request-method");
            preflights += usize::from(is_preflight);
        }
        // Every request but the preflights reached the handler.
        assert_eq!(calls.load(Ordering::SeqCst), CASES.len() - preflights);
        assert_eq!(preflights, 6);
    }
}

#[actix_web::test]
async fn preflights_never_reach_the_handler_and_get_the_policys_answer() {
    let calls = Arc::new(AtomicUsize::new(0));
    let app = test::init_service(
        App::new()
            .wrap(API.actix())
            .route("/items", counted(&calls)),
    )
    .await;
    let response =
        test::call_service(&app, request("OPTIONS", "/items", CASES[1].1).to_request()).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        header(&response, "access-control-allow-origin"),
        ["https://eu.example.com"]
    );
    assert_eq!(
        header(&response, "access-control-allow-methods"),
        ["DELETE"]
    );
    assert_eq!(
        header(&response, "access-control-allow-headers"),
        ["Content-Type, x-request-id"]
    );
    assert_eq!(
        header(&response, "access-control-allow-private-network"),
        ["true"]
    );
    assert_eq!(header(&response, "access-control-max-age"), ["600"]);
    let body = test::read_body(response).await;
    assert!(body.is_empty());

    let refused =
        test::call_service(&app, request("OPTIONS", "/items", CASES[3].1).to_request()).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(header(&refused, "access-control-allow-origin").is_empty());
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[actix_web::test]
async fn handler_errors_and_the_default_404_get_the_headers_and_keep_vary() {
    let app = test::init_service(
        App::new()
            .wrap(API.actix())
            .route(
                "/fails",
                web::get()
                    .to(|| async { Err::<HttpResponse, _>(error::ErrorBadRequest("bad input")) }),
            )
            .route(
                "/varies",
                web::get().to(|| async { handled(&AtomicUsize::new(0)) }),
            ),
    )
    .await;
    let origin: Pairs = &[("origin", APP)];
    for (path, status) in [("/fails", 400), ("/missing", 404), ("/varies", 200)] {
        let response = test::call_service(&app, request("GET", path, origin).to_request()).await;
        assert_eq!(response.status().as_u16(), status, "{path}");
        assert_eq!(
            header(&response, "access-control-allow-origin"),
            [APP],
            "{path}"
        );
        assert_eq!(
            header(&response, "access-control-allow-credentials"),
            ["true"],
            "{path}"
        );
        assert_eq!(
            header(&response, "access-control-expose-headers"),
            ["x-request-id"],
            "{path}"
        );
    }
    let response = test::call_service(&app, request("GET", "/varies", origin).to_request()).await;
    assert_eq!(header(&response, "vary"), ["Accept-Encoding", "Origin"]);
    let refused = test::call_service(
        &app,
        request("GET", "/missing", &[("origin", "https://evil.example")]).to_request(),
    )
    .await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    assert!(header(&refused, "access-control-allow-origin").is_empty());
    assert_eq!(header(&refused, "vary"), ["Origin"]);
}

#[actix_web::test]
async fn an_inner_middlewares_error_is_answered_with_the_headers() {
    // `wrap` order: the last is outermost, so the failing middleware is inside `Cors`.
    let app = test::init_service(
        App::new()
            .wrap(from_fn(
                |_, _: actix_web::middleware::Next<actix_web::body::BoxBody>| async {
                    Err::<ServiceResponse, _>(error::ErrorForbidden("refused inside"))
                },
            ))
            .wrap(API.actix())
            .route("/items", web::get().to(HttpResponse::Ok)),
    )
    .await;
    let error = app
        .call(request("GET", "/items", &[("origin", APP)]).to_request())
        .await
        .unwrap_err();
    let response = error.error_response();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        response
            .headers()
            .get("access-control-allow-origin")
            .unwrap(),
        APP
    );
    assert_eq!(response.headers().get("vary").unwrap(), "Origin");
}

#[actix_web::test]
async fn scope_and_resource_wrap_only_what_they_hold() {
    let app = test::init_service(
        App::new()
            .service(
                web::scope("/api")
                    .wrap(API.actix())
                    .route("/items", web::get().to(HttpResponse::Ok)),
            )
            .service(
                web::resource("/one")
                    .wrap(PUBLIC.actix())
                    .route(web::get().to(HttpResponse::Ok)),
            )
            .route("/plain", web::get().to(HttpResponse::Ok)),
    )
    .await;
    let origin: Pairs = &[("origin", APP)];
    let scoped = test::call_service(&app, request("GET", "/api/items", origin).to_request()).await;
    assert_eq!(header(&scoped, "access-control-allow-origin"), [APP]);
    let preflight = test::call_service(
        &app,
        request("OPTIONS", "/api/items", CASES[0].1).to_request(),
    )
    .await;
    assert_eq!(preflight.status(), StatusCode::NO_CONTENT);
    let resource = test::call_service(&app, request("GET", "/one", origin).to_request()).await;
    assert_eq!(header(&resource, "access-control-allow-origin"), ["*"]);
    let plain = test::call_service(&app, request("GET", "/plain", origin).to_request()).await;
    assert!(header(&plain, "access-control-allow-origin").is_empty());
}

#[actix_web::test]
async fn owned_and_reloadable_policies() {
    let owned = API.with_origins(["https://owned.example"]).unwrap();
    let (reloadable, handle) = Cors::reloadable(API.with_origins(["https://a.example"]).unwrap());
    let app = test::init_service(
        App::new()
            .service(
                web::scope("/owned")
                    .wrap(Cors::shared(owned))
                    .route("", web::get().to(HttpResponse::Ok)),
            )
            .service(
                web::scope("/reloadable")
                    .wrap(reloadable)
                    .route("", web::get().to(HttpResponse::Ok)),
            ),
    )
    .await;
    let allowed = |path: &'static str, origin: &'static str| {
        let request = test::TestRequest::get()
            .uri(path)
            .insert_header(("origin", origin))
            .to_request();
        let app = &app;
        async move {
            let response = test::call_service(app, request).await;
            response
                .headers()
                .get("access-control-allow-origin")
                .is_some()
        }
    };
    assert!(allowed("/owned", "https://owned.example").await);
    assert!(!allowed("/owned", APP).await);
    assert!(allowed("/reloadable", "https://a.example").await);
    handle.set_origins(["https://b.example"]).unwrap();
    assert!(!allowed("/reloadable", "https://a.example").await);
    assert!(allowed("/reloadable", "https://b.example").await);
}

/// Sends `request` to a real `HttpServer` on a fresh loopback port and returns the raw response.
async fn exchange(request: &str) -> String {
    let (address, stop) = crate::common::actix_server!(|| {
        App::new().wrap(API.actix()).route(
            "/items",
            web::route().to(|| async { HttpResponse::Ok().body("handled") }),
        )
    });
    let mut client = actix_web::rt::net::TcpStream::connect(address)
        .await
        .unwrap();
    client.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    client.read_to_string(&mut response).await.unwrap();
    stop.await;
    response.to_ascii_lowercase()
}

#[actix_web::test]
async fn a_real_server_answers_preflights_and_actual_requests() {
    let preflight = exchange(
        "OPTIONS /items HTTP/1.1\r\nhost: api\r\norigin: https://eu.example.com\r\n\
         access-control-request-method: PUT\r\nconnection: close\r\n\r\n",
    )
    .await;
    assert!(preflight.starts_with("http/1.1 204"), "{preflight}");
    assert!(
        preflight.contains("access-control-allow-origin: https://eu.example.com\r\n"),
        "{preflight}"
    );
    assert!(
        preflight.contains("access-control-allow-methods: put\r\n"),
        "{preflight}"
    );
    assert!(!preflight.contains("handled"), "{preflight}");

    let actual = exchange(
        "GET /items HTTP/1.1\r\nhost: api\r\norigin: https://app.example.com\r\n\
         connection: close\r\n\r\n",
    )
    .await;
    assert!(actual.starts_with("http/1.1 200"), "{actual}");
    assert!(
        actual.contains("access-control-allow-origin: https://app.example.com\r\n"),
        "{actual}"
    );
    assert!(actual.contains("vary: origin\r\n"), "{actual}");
    assert!(actual.ends_with("handled"), "{actual}");
}

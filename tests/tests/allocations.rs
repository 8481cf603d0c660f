//! `check` and `write_headers` allocate nothing, on every path (refused writes included), and
//! neither does the tower service nor the actix-web middleware around them: a counting global
//! allocator (allocation-counter) says so.
//!
//! Request header values are built the way hyper builds them, as slices of one shared read
//! buffer, so that echoing a value (a wildcard-matched origin, a header list) shares it instead
//! of copying it. Responses are pre-sized, so that the `HeaderMap` growing, which is the map's
//! cost and not ours, is out of the count.

use std::convert::Infallible;
use std::future::{Ready, ready};
use std::task::{Context, Poll};

use std::sync::LazyLock;

use cors_runtime::{CorsLayer, CorsPolicy, Verdict, cors_policy};
use cors_tests::drive;
use http::header::{HeaderMap, HeaderValue};
use http::{Method, Request, Response};
use tower::{Layer, Service};

/// How many allocations `work` makes on this thread (allocation-counter installs a counting
/// global allocator in this test binary).
fn allocations(work: impl FnOnce()) -> u64 {
    allocation_counter::measure(work).count_total
}

static API: CorsPolicy = cors_policy! {
    allow_origins: ["https://app.example.com", "https://*.example.com", "http://localhost:*"],
    allow_methods: [PUT, DELETE, "purge"],
    allow_headers: ["content-type", "x-request-id", "authorization"],
    expose_headers: ["x-request-id", "x-trace"],
    allow_credentials: true,
    max_age: 600,
    allow_private_network: true,
    refuse_cross_origin_writes: true,
};

/// [`API`] with the same origins given again at startup.
static STARTUP: LazyLock<CorsPolicy> = LazyLock::new(|| {
    API.with_origins(API.origin_patterns())
        .expect("the compiled origins pass again")
});

static ANY: CorsPolicy = cors_policy! {
    allow_origins: *,
    allow_methods: *,
    allow_headers: [*, "authorization"],
    expose_headers: *,
    max_age: 60,
};

/// A request's headers, as hyper makes them: every value a slice of one shared buffer (the
/// benchmarks' builder, so that both measure the same requests).
fn request(pairs: &[(&str, &str)]) -> HeaderMap {
    cors_tests::request(Method::GET, pairs)
        .into_parts()
        .0
        .headers
}

/// A response map with room for every header the policy writes, including second lines of a
/// header (echoing a request-header list that came in two lines writes two lines), which a map
/// keeps in a separate list: it is made by appending two lines once and clearing the map, which
/// keeps the capacity, as a server reusing its maps would.
fn response() -> HeaderMap {
    let mut map = HeaderMap::with_capacity(32);
    for _ in 0..4 {
        map.append(http::header::WARNING, HeaderValue::from_static("room"));
    }
    map.clear();
    map
}

/// The allocations of `check` plus `write_headers` for one request, with the outcome: allowed,
/// or for a write, let through to the handler.
fn count(policy: &CorsPolicy, method: &Method, headers: &HeaderMap) -> (u64, bool) {
    let mut out = response();
    let mut allowed = false;
    let mut refused = false;
    let n = allocations(|| match policy.check(method, headers) {
        Verdict::Preflight(preflight) => {
            allowed = preflight.is_allowed();
            let _ = preflight.status();
            let _ = preflight.rejection();
            preflight.write_headers(&mut out);
        }
        Verdict::Actual(actual) => {
            allowed = actual.is_allowed() || *method == Method::POST;
            actual.write_headers(&mut out);
        }
        Verdict::RefusedWrite(write) => {
            refused = true;
            let _ = write.status();
            let _ = write.rejection();
        }
    });
    assert_eq!(
        out.is_empty(),
        refused,
        "every path but a refused write writes at least Vary or a CORS header"
    );
    (n, allowed)
}

const APP: &str = "https://app.example.com";

/// What a case is, its request headers, and whether it is allowed.
type Case = (&'static str, &'static [(&'static str, &'static str)], bool);

#[rustfmt::skip]
const PREFLIGHTS: &[Case] = &[
    ("exact origin, listed method, two headers", &[("origin", APP), ("access-control-request-method", "PUT"), ("access-control-request-headers", "content-type,x-request-id")], true),
    ("subdomain, echoed", &[("origin", "https://a.b.example.com"), ("access-control-request-method", "DELETE")], true),
    ("any port", &[("origin", "http://localhost:5173"), ("access-control-request-method", "purge")], true),
    ("header list over two lines", &[("origin", APP), ("access-control-request-method", "GET"), ("access-control-request-headers", "content-type"), ("access-control-request-headers", " authorization ,, ")], true),
    ("private network", &[("origin", APP), ("access-control-request-method", "PUT"), ("access-control-request-private-network", "true")], true),
    ("origin refused", &[("origin", "https://evil.example"), ("access-control-request-method", "PUT")], false),
    ("two origins", &[("origin", APP), ("origin", APP), ("access-control-request-method", "PUT")], false),
    ("method refused", &[("origin", APP), ("access-control-request-method", "PATCH")], false),
    ("header refused", &[("origin", APP), ("access-control-request-method", "PUT"), ("access-control-request-headers", "x-other")], false),
];

#[rustfmt::skip]
const ACTUALS: &[Case] = &[
    ("exact origin", &[("origin", APP)], true),
    ("subdomain, echoed", &[("origin", "https://eu.example.com")], true),
    ("disallowed origin", &[("origin", "https://evil.example")], false),
    ("no origin", &[("accept", "*/*")], false),
];

/// Writes (POST), and whether they reach the handler under `refuse_cross_origin_writes`.
#[rustfmt::skip]
const WRITES: &[Case] = &[
    ("same-origin", &[("origin", "https://api.example.net"), ("sec-fetch-site", "same-origin")], true),
    ("cross-site, listed", &[("origin", APP), ("sec-fetch-site", "cross-site")], true),
    ("cross-site, subdomain", &[("origin", "https://eu.example.com"), ("sec-fetch-site", "same-site")], true),
    ("no Sec-Fetch-Site, own origin", &[("origin", "http://api.test:8080"), ("host", "api.test:8080")], true),
    ("not a browser", &[("accept", "*/*")], true),
    ("cross-site, unlisted", &[("origin", "https://evil.example"), ("sec-fetch-site", "cross-site")], false),
    ("cross-site, null", &[("origin", "null"), ("sec-fetch-site", "cross-site")], false),
    ("no Sec-Fetch-Site, host without the port", &[("origin", "http://api.test:8080"), ("host", "api.test")], false),
    ("two origins", &[("origin", APP), ("origin", APP), ("sec-fetch-site", "same-origin")], false),
    ("two Sec-Fetch-Site", &[("origin", APP), ("sec-fetch-site", "same-origin"), ("sec-fetch-site", "cross-site")], false),
];

fn assert_no_allocation(policy: &CorsPolicy, method: &Method, (what, pairs, expected): Case) {
    let (n, allowed) = count(policy, method, &request(pairs));
    assert_eq!(allowed, expected, "{what}");
    assert_eq!(n, 0, "{what}: {n} allocations");
}

#[test]
fn preflights_allocate_nothing_allowed_or_refused() {
    for &case in PREFLIGHTS {
        assert_no_allocation(&API, &Method::OPTIONS, case);
    }
    let commas = ",".repeat(8192);
    let long_origin = format!("https://{}.example.com", "a".repeat(8192));
    let adversarial = [
        request(&[
            ("origin", APP),
            ("access-control-request-method", "PUT"),
            ("access-control-request-headers", &commas),
        ]),
        request(&[
            ("origin", &long_origin),
            ("access-control-request-method", "PUT"),
        ]),
    ];
    for headers in &adversarial {
        assert_eq!(count(&API, &Method::OPTIONS, headers), (0, false));
    }
    let any = request(&[
        ("origin", "https://x.example"),
        ("access-control-request-method", "PATCH"),
        ("access-control-request-headers", "x-a,authorization"),
    ]);
    assert_eq!(count(&ANY, &Method::OPTIONS, &any), (0, true));
}

#[test]
fn actual_requests_allocate_nothing() {
    for &case in ACTUALS {
        assert_no_allocation(&API, &Method::GET, case);
    }
    // OPTIONS without Access-Control-Request-Method is an actual request.
    assert_no_allocation(
        &API,
        &Method::OPTIONS,
        ("OPTIONS", &[("origin", APP)], true),
    );
    for pairs in [&[("origin", APP)][..], &[]] {
        assert_eq!(count(&ANY, &Method::POST, &request(pairs)), (0, true));
    }
}

#[test]
fn writes_allocate_nothing_let_through_or_refused() {
    for &case in WRITES {
        assert_no_allocation(&API, &Method::POST, case);
        assert_no_allocation(&STARTUP, &Method::POST, case);
    }
    for &(what, pairs, through) in WRITES {
        let (n, response) = through_layer(Method::POST, pairs);
        assert_eq!(n, 0, "{what}: {n} allocations through the layer");
        assert_eq!(
            response.status() == http::StatusCode::FORBIDDEN,
            !through,
            "{what}"
        );
    }
}

/// A service that answers with a response prepared beforehand, so that it allocates nothing.
struct Prepared(Option<Response<()>>);

impl Service<Request<()>> for Prepared {
    type Response = Response<()>;
    type Error = Infallible;
    type Future = Ready<Result<Response<()>, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: Request<()>) -> Self::Future {
        ready(Ok(self.0.take().expect("one call per service")))
    }
}

/// `poll_ready`, `call` and one poll of the future, as a server does it (the benchmarks'
/// driver); the allocations made.
fn through_layer(method: Method, pairs: &[(&str, &str)]) -> (u64, Response<()>) {
    through(&API.layer(), method, pairs)
}

fn through(layer: &CorsLayer, method: Method, pairs: &[(&str, &str)]) -> (u64, Response<()>) {
    through_path(layer, method, "/", pairs)
}

/// [`through`], to `path`.
fn through_path(
    layer: &CorsLayer,
    method: Method,
    path: &'static str,
    pairs: &[(&str, &str)],
) -> (u64, Response<()>) {
    let mut prepared = Response::new(());
    *prepared.headers_mut() = response();
    let mut service = layer.layer(Prepared(Some(prepared)));
    let mut request = cors_tests::request(method, pairs);
    *request.uri_mut() = http::Uri::from_static(path);
    let mut answer = None;
    let n = allocations(|| answer = Some(drive(&mut service, request)));
    (n, answer.expect("ready at once"))
}

#[test]
fn the_tower_service_adds_no_allocation() {
    for origin in [APP, "https://eu.example.com", "https://evil.example"] {
        let (n, response) = through_layer(Method::GET, &[("origin", origin)]);
        assert_eq!(n, 0, "actual request from {origin}: {n} allocations");
        assert!(response.headers().contains_key(http::header::VARY));
    }
    // A preflight's answer is a new response: its header map grows as headers go in, exactly
    // as much as the same headers written into a new map without the layer.
    let preflight = [
        ("origin", "https://eu.example.com"),
        ("access-control-request-method", "PUT"),
        ("access-control-request-headers", "content-type"),
    ];
    let (layer, response) = through_layer(Method::OPTIONS, &preflight);
    assert_eq!(response.status(), http::StatusCode::NO_CONTENT);
    let headers = request(&preflight);
    let map_growth = allocations(|| {
        let Verdict::Preflight(preflight) = API.check(&Method::OPTIONS, &headers) else {
            unreachable!()
        };
        let mut map = HeaderMap::new();
        preflight.write_headers(&mut map);
        assert_eq!(&map, response.headers());
    });
    assert_eq!(
        layer, map_growth,
        "the layer's own allocations beyond the map's growth"
    );
}

#[test]
fn a_policy_built_at_startup_allocates_nothing() {
    for &case in PREFLIGHTS {
        assert_no_allocation(&STARTUP, &Method::OPTIONS, case);
    }
    for &case in ACTUALS {
        assert_no_allocation(&STARTUP, &Method::GET, case);
    }
}

#[test]
fn shared_and_reloadable_layers_add_no_allocation() {
    let origins = [APP, "https://eu.example.com", "https://evil.example"];
    let shared = CorsLayer::shared(API.with_origins(API.origin_patterns()).unwrap());
    let (reloadable, handle) =
        CorsLayer::reloadable(API.with_origins(API.origin_patterns()).unwrap());
    for layer in [&shared, &reloadable] {
        for origin in origins {
            let (n, response) = through(layer, Method::GET, &[("origin", origin)]);
            assert_eq!(n, 0, "actual request from {origin}: {n} allocations");
            assert!(response.headers().contains_key(http::header::VARY));
        }
    }
    // A service made before the swap finds the new policy on its next request: an atomic load
    // sees the change, and the new policy is shared, not copied.
    let mut prepared = Response::new(());
    *prepared.headers_mut() = response();
    let mut service = reloadable.layer(Prepared(Some(prepared)));
    handle
        .set_origins(["https://new.example"])
        .expect("a valid origin");
    let request = cors_tests::request(Method::GET, &[("origin", "https://new.example")]);
    let mut answer = None;
    let n = allocations(|| answer = Some(drive(&mut service, request)));
    assert_eq!(n, 0, "the first request after a swap: {n} allocations");
    let answer = answer.unwrap();
    assert_eq!(
        answer.headers()[http::header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://new.example"
    );
}

#[test]
fn choosing_a_policy_by_path_allocates_nothing() {
    use cors_runtime::RoutePolicy;

    static OTHER: CorsPolicy = cors_policy! { allow_origins: ["https://other.example"] };
    let (reloadable, _handle) =
        RoutePolicy::reloadable(OTHER.with_origins(OTHER.origin_patterns()).unwrap());
    let mut layer = CorsLayer::new(&API)
        .route("/static", &OTHER)
        .unwrap()
        .route(
            "/shared",
            OTHER.with_origins(OTHER.origin_patterns()).unwrap(),
        )
        .unwrap()
        .route("/reloadable", reloadable)
        .unwrap();
    for i in 0..100 {
        layer = layer.route(&format!("/more/{i}"), &OTHER).unwrap();
    }
    // No request before the counted ones: a reloadable route's policy is read under a read
    // lock, which allocates nothing, not even on a thread's first read.
    for path in [
        "/static/a",
        "/shared/a/b",
        "/reloadable",
        "/more/42/x",
        "/api/items",
        "/",
    ] {
        let chosen = path != "/api/items" && path != "/";
        for (origin, allowed) in [(APP, !chosen), ("https://other.example", chosen)] {
            let (n, response) = through_path(&layer, Method::GET, path, &[("origin", origin)]);
            assert_eq!(n, 0, "{path} from {origin}: {n} allocations");
            assert_eq!(
                response
                    .headers()
                    .contains_key(http::header::ACCESS_CONTROL_ALLOW_ORIGIN),
                allowed,
                "{path} from {origin}"
            );
        }
        for &(what, pairs, _) in WRITES {
            let (n, _) = through_path(&layer, Method::POST, path, pairs);
            assert_eq!(n, 0, "{path}, {what}: {n} allocations");
        }
    }
}

/// The allocations of one request through `actix::Cors` around a handler that answers with a
/// response prepared beforehand (room for every header reserved), after one request of the same
/// kind has warmed actix-web's pools of request and response heads; and the response.
fn through_actix(
    cors: &cors_runtime::actix::Cors,
    method: &Method,
    pairs: &[(&str, &str)],
) -> (
    u64,
    actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
) {
    use actix_web::dev::{Service, ServiceRequest, Transform, fn_service};
    use std::cell::RefCell;

    let prepared = RefCell::new(None::<actix_web::HttpResponse>);
    let handler = fn_service(|request: ServiceRequest| {
        let response = prepared.borrow_mut().take().expect("a prepared response");
        ready(Ok::<_, actix_web::Error>(request.into_response(response)))
    });
    let service = cors_tests::now(cors.new_transform(handler)).unwrap();
    let prepare = || {
        let mut response = actix_web::HttpResponse::Ok().finish();
        response.headers_mut().reserve(32);
        *prepared.borrow_mut() = Some(response);
    };
    prepare();
    drop(cors_tests::now(service.call(cors_tests::actix_request(method, pairs))).unwrap());
    prepare();
    let request = cors_tests::actix_request(method, pairs);
    let mut answer = None;
    let n = allocations(|| answer = Some(cors_tests::now(service.call(request)).unwrap()));
    (n, answer.expect("ready at once"))
}

#[test]
fn the_actix_middleware_adds_no_allocation() {
    use cors_runtime::actix::Cors;

    static OTHER: CorsPolicy = cors_policy! { allow_origins: ["https://other.example"] };

    let shared = Cors::shared(API.with_origins(API.origin_patterns()).unwrap());
    let (reloadable, _handle) = Cors::reloadable(API.with_origins(API.origin_patterns()).unwrap());
    // With routes, a request that no prefix covers: the path is looked at, nothing allocated.
    let routed = API.actix().route("/admin", &OTHER).unwrap();
    for cors in [&API.actix(), &shared, &reloadable, &routed] {
        for &(what, pairs, allowed) in ACTUALS {
            let (n, response) = through_actix(cors, &Method::GET, pairs);
            assert_eq!(n, 0, "{what}: {n} allocations");
            assert_eq!(
                response
                    .headers()
                    .contains_key("access-control-allow-origin"),
                allowed,
                "{what}"
            );
        }
        // A preflight's answer is a new response, whose head (and header map) actix-web takes
        // from its pool: after the first, nothing grows.
        for &(what, pairs, allowed) in PREFLIGHTS {
            let (n, response) = through_actix(cors, &Method::OPTIONS, pairs);
            assert_eq!(n, 0, "{what}: {n} allocations");
            assert_eq!(response.status().is_success(), allowed, "{what}");
        }
        // A refused write's answer too.
        for &(what, pairs, through) in WRITES {
            let (n, response) = through_actix(cors, &Method::POST, pairs);
            assert_eq!(n, 0, "{what}: {n} allocations");
            assert_eq!(response.status().is_success(), through, "{what}");
        }
    }
}

#[test]
fn the_counter_counts() {
    // Without this, a broken allocator hook would make every test above pass.
    assert!(allocations(|| drop(Vec::<u8>::with_capacity(1))) >= 1);
    assert!(allocations(|| drop(HeaderValue::from_bytes(b"x").unwrap().clone())) >= 1);
}

//! `CorsLayer` under real axum routers, driven with `tower::ServiceExt::oneshot`.

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, Response, StatusCode, header};
use axum::routing::{any, get};
use cors_runtime::{CorsPolicy, cors_policy};
use tower::ServiceExt;

static API: CorsPolicy = cors_policy! {
    allow_origins: ["https://app.example.com", "https://*.example.com"],
    allow_methods: [PUT, DELETE],
    allow_headers: ["content-type"],
    expose_headers: ["x-request-id"],
    allow_credentials: true,
    max_age: 600,
};

static PUBLIC: CorsPolicy = cors_policy! { allow_origins: *, allow_methods: [PUT] };

const APP: &str = "https://app.example.com";

/// Sends one request through `router` and returns the response.
async fn send(
    router: Router,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
) -> Response<Body> {
    let mut request = Request::builder().method(method).uri(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    router
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap()
}

fn preflight_headers(
    origin: &'static str,
    method: &'static str,
) -> [(&'static str, &'static str); 2] {
    [
        ("origin", origin),
        ("access-control-request-method", method),
    ]
}

/// `/items` under `API`, for any method, counting the requests that reach the handler.
fn counting_router(calls: &'static AtomicUsize) -> Router {
    Router::new()
        .route(
            "/items",
            any(move || async move {
                calls.fetch_add(1, Ordering::SeqCst);
                "handled"
            }),
        )
        .layer(API.layer())
}

fn vary(headers: &HeaderMap) -> Vec<&str> {
    common::lines(headers, "vary")
}

fn allow_origin(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .map(|v| v.to_str().unwrap())
}

#[tokio::test]
async fn global_layer_adds_headers_and_keeps_the_handlers_vary() {
    let router = Router::new()
        .route(
            "/items",
            get(|| async {
                (
                    [
                        (header::VARY, "accept-encoding"),
                        (header::HeaderName::from_static("x-request-id"), "7"),
                    ],
                    "items",
                )
            }),
        )
        .layer(API.layer());
    let response = send(router, Method::GET, "/items", &[("origin", APP)]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers();
    assert_eq!(allow_origin(headers), Some(APP));
    assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_CREDENTIALS], "true");
    assert_eq!(
        headers[header::ACCESS_CONTROL_EXPOSE_HEADERS],
        "x-request-id"
    );
    assert_eq!(vary(headers), ["accept-encoding", "Origin"]);
}

#[tokio::test]
async fn handler_errors_still_carry_cors_headers_for_an_allowed_origin() {
    let router = Router::new()
        .route("/fail", get(|| async { StatusCode::INTERNAL_SERVER_ERROR }))
        .layer(API.layer());
    let failed = send(router.clone(), Method::GET, "/fail", &[("origin", APP)]).await;
    assert_eq!(failed.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(allow_origin(failed.headers()), Some(APP));

    let missing = send(
        router,
        Method::GET,
        "/missing",
        &[("origin", "https://eu.example.com")],
    )
    .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        allow_origin(missing.headers()),
        Some("https://eu.example.com")
    );
    assert_eq!(vary(missing.headers()), ["Origin"]);
}

#[tokio::test]
async fn a_disallowed_origin_reaches_the_handler_but_gets_no_cors_headers() {
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let router = counting_router(&CALLS);
    let response = send(
        router,
        Method::GET,
        "/items",
        &[("origin", "https://evil.example")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(CALLS.load(Ordering::SeqCst), 1);
    assert!(
        response
            .headers()
            .keys()
            .all(|name| !name.as_str().starts_with("access-control-")),
        "{:?}",
        response.headers()
    );
    assert_eq!(vary(response.headers()), ["Origin"]);
}

#[tokio::test]
async fn preflights_never_reach_the_handler() {
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let router = counting_router(&CALLS);

    let allowed = send(
        router.clone(),
        Method::OPTIONS,
        "/items",
        &preflight_headers(APP, "PUT"),
    )
    .await;
    assert_eq!(allowed.status(), StatusCode::NO_CONTENT);
    let headers = allowed.headers();
    assert_eq!(allow_origin(headers), Some(APP));
    assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_METHODS], "PUT");
    assert_eq!(headers[header::ACCESS_CONTROL_MAX_AGE], "600");
    assert_eq!(
        vary(headers),
        ["Origin, Access-Control-Request-Method, Access-Control-Request-Headers"]
    );
    let body = axum::body::to_bytes(allowed.into_body(), 1024)
        .await
        .unwrap();
    assert!(body.is_empty());

    let refused = send(
        router,
        Method::OPTIONS,
        "/items",
        &preflight_headers(APP, "PATCH"),
    )
    .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(allow_origin(refused.headers()), None);

    assert_eq!(CALLS.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn options_without_a_request_method_reaches_the_handler() {
    let router = Router::new()
        .route(
            "/items",
            axum::routing::options(|| async { ([(header::ALLOW, "GET, OPTIONS")], "options") }),
        )
        .layer(API.layer());
    let response = send(router, Method::OPTIONS, "/items", &[("origin", APP)]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::ALLOW], "GET, OPTIONS");
    assert_eq!(allow_origin(response.headers()), Some(APP));
    let body = axum::body::to_bytes(response.into_body(), 1024)
        .await
        .unwrap();
    assert_eq!(&body[..], b"options");
}

#[tokio::test]
async fn route_layer_answers_preflights_for_matched_routes_only() {
    let router = Router::new()
        .route("/items", get(|| async { "items" }).put(|| async { "put" }))
        .route_layer(API.layer());

    let preflight = send(
        router.clone(),
        Method::OPTIONS,
        "/items",
        &preflight_headers(APP, "PUT"),
    )
    .await;
    assert_eq!(preflight.status(), StatusCode::NO_CONTENT);
    assert_eq!(allow_origin(preflight.headers()), Some(APP));

    let put = send(router.clone(), Method::PUT, "/items", &[("origin", APP)]).await;
    assert_eq!(allow_origin(put.headers()), Some(APP));

    // An unmatched path is outside a route layer: axum's 404, untouched.
    let missing = send(router, Method::GET, "/missing", &[("origin", APP)]).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(allow_origin(missing.headers()), None);
    assert!(vary(missing.headers()).is_empty());
}

#[tokio::test]
async fn nested_routers_apply_their_own_policies() {
    let partner = Router::new()
        .route(
            "/orders",
            get(|| async { "orders" }).delete(|| async { "deleted" }),
        )
        .layer(API.layer());
    let public = Router::new()
        .route("/status", get(|| async { "ok" }).put(|| async { "put" }))
        .layer(PUBLIC.layer());
    let app = Router::new()
        .nest("/partner", partner)
        .nest("/public", public);

    let from = "https://shop.example.com";
    let orders = send(
        app.clone(),
        Method::GET,
        "/partner/orders",
        &[("origin", from)],
    )
    .await;
    assert_eq!(allow_origin(orders.headers()), Some(from));
    assert_eq!(
        orders.headers()[header::ACCESS_CONTROL_ALLOW_CREDENTIALS],
        "true"
    );

    let status = send(
        app.clone(),
        Method::GET,
        "/public/status",
        &[("origin", from)],
    )
    .await;
    assert_eq!(allow_origin(status.headers()), Some("*"));
    assert!(
        !status
            .headers()
            .contains_key(header::ACCESS_CONTROL_ALLOW_CREDENTIALS)
    );
    assert!(vary(status.headers()).is_empty());

    // DELETE is allowed by the partner policy only; PUT by both; any origin by the public one.
    let preflights = [
        (
            "/public/status",
            from,
            "DELETE",
            StatusCode::FORBIDDEN,
            None,
        ),
        (
            "/partner/orders",
            from,
            "DELETE",
            StatusCode::NO_CONTENT,
            Some(from),
        ),
        (
            "/public/status",
            "https://evil.example",
            "PUT",
            StatusCode::NO_CONTENT,
            Some("*"),
        ),
        (
            "/partner/orders",
            from,
            "PUT",
            StatusCode::NO_CONTENT,
            Some(from),
        ),
    ];
    for (path, origin, method, status, allowed) in preflights {
        let response = send(
            app.clone(),
            Method::OPTIONS,
            path,
            &preflight_headers(origin, method),
        )
        .await;
        assert_eq!(response.status(), status, "{method} {path} from {origin}");
        assert_eq!(
            allow_origin(response.headers()),
            allowed,
            "{method} {path} from {origin}"
        );
    }
}

/// What the README says about nested routers: an unmatched path under a nested router falls
/// through to the outer router's fallback, outside the nested router's layer, so it gets no CORS
/// headers (and a preflight for it is a plain 404). A fallback of its own, added before the
/// layer, keeps such paths under the nested policy.
#[tokio::test]
async fn unmatched_paths_under_a_nested_router_need_its_own_fallback() {
    let bare = Router::new()
        .route("/orders", get(|| async { "orders" }))
        .layer(API.layer());
    let covered = Router::new()
        .route("/orders", get(|| async { "orders" }))
        .fallback(|| async { (StatusCode::NOT_FOUND, "no such partner resource") })
        .layer(API.layer());
    let app = Router::new().nest("/bare", bare).nest("/covered", covered);

    let missing = send(
        app.clone(),
        Method::GET,
        "/bare/nothing",
        &[("origin", APP)],
    )
    .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(allow_origin(missing.headers()), None);
    let preflight = send(
        app.clone(),
        Method::OPTIONS,
        "/bare/nothing",
        &preflight_headers(APP, "PUT"),
    )
    .await;
    assert_eq!(preflight.status(), StatusCode::NOT_FOUND);

    let missing = send(
        app.clone(),
        Method::GET,
        "/covered/nothing",
        &[("origin", APP)],
    )
    .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(allow_origin(missing.headers()), Some(APP));
    let preflight = send(
        app,
        Method::OPTIONS,
        "/covered/nothing",
        &preflight_headers(APP, "PUT"),
    )
    .await;
    assert_eq!(preflight.status(), StatusCode::NO_CONTENT);
    assert_eq!(allow_origin(preflight.headers()), Some(APP));
}

#[tokio::test]
async fn the_handler_cannot_widen_the_policy() {
    let router = Router::new()
        .route(
            "/items",
            get(|| async {
                (
                    [
                        (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
                        (header::ACCESS_CONTROL_ALLOW_CREDENTIALS, "true"),
                    ],
                    "items",
                )
            }),
        )
        .layer(API.layer());
    let response = send(
        router,
        Method::GET,
        "/items",
        &[("origin", "https://evil.example")],
    )
    .await;
    assert_eq!(allow_origin(response.headers()), None);
    assert!(
        !response
            .headers()
            .contains_key(header::ACCESS_CONTROL_ALLOW_CREDENTIALS)
    );
}

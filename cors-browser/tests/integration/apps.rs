//! The model against real applications: axum routers with `cors_policy!`, with tower-http's
//! `CorsLayer` and with mistakes around the layer; an actix-web test service; and live servers
//! over HTTP. The last two need features `actix` and `client`, which `cargo test --workspace`
//! turns on (the browser suite's crate asks for them).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::Request as AxumRequest;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response as AxumResponse};
use axum::routing::{get, post, put};
use cors_browser::{Browser, Engine, Failure, Mode, Request, Response, Sent, Stage};
use cors_runtime::{CorsPolicy, cors_policy};

static API: CorsPolicy = cors_policy! {
    allow_origins: ["https://app.example.com", "https://*.admin.example.com"],
    allow_methods: [PUT, DELETE],
    allow_headers: ["authorization", "content-type"],
    expose_headers: ["x-request-id"],
    allow_credentials: true,
    refuse_cross_origin_writes: true,
};

const APP: &str = "https://app.example.com";
const ITEMS: &str = "https://api.example.com/items";

async fn item() -> impl IntoResponse {
    ([("x-request-id", "42"), ("x-internal", "secret")], "item")
}

fn app() -> Router {
    Router::new()
        .route("/items", get(item).put(item).post(item).delete(item))
        .layer(API.layer())
}

async fn authenticate(request: AxumRequest, next: Next) -> AxumResponse {
    if request.headers().contains_key(header::AUTHORIZATION) {
        next.run(request).await
    } else {
        StatusCode::UNAUTHORIZED.into_response()
    }
}

#[tokio::test]
async fn an_authentication_layer_outside_cors_refuses_the_preflight() {
    let mut app = app().layer(middleware::from_fn(authenticate));
    let request = Request::put(ITEMS)
        .header("authorization", "Bearer t")
        .with_credentials();
    for engine in Engine::ALL {
        let outcome = Browser::new(engine)
            .page(APP)
            .fetch(&mut app, request.clone())
            .await;
        let blocked = outcome.blocked().expect("blocked");
        assert_eq!(blocked.stage, Stage::Preflight, "{outcome}");
        assert_eq!(blocked.status, Some(401));
        assert_eq!(outcome.exchanges.len(), 1, "the PUT is never sent");
        let text = outcome.to_string();
        assert!(
            text.contains("or something answers OPTIONS before the CORS layer"),
            "{text}"
        );
        assert!(
            text.contains(
                "OPTIONS https://api.example.com/items (preflight for PUT with authorization) -> 401"
            ),
            "{text}"
        );
        match engine {
            Engine::Chromium => assert_eq!(blocked.failure, Failure::MissingAllowOrigin),
            Engine::Firefox | Engine::WebKit => {
                assert_eq!(blocked.failure, Failure::NotOk { status: 401 });
            }
        }
    }
    // The fix: CORS outside authentication.
    let mut fixed = Router::new()
        .route("/items", put(item))
        .layer(middleware::from_fn(authenticate))
        .layer(API.layer());
    let outcome = Browser::new(Engine::Chromium)
        .page(APP)
        .fetch(&mut fixed, request)
        .await;
    assert!(outcome.is_readable(), "{outcome}");
    assert_eq!(outcome.header("x-request-id").as_deref(), Some("42"));
    assert_eq!(outcome.header("x-internal"), None);
}

#[tokio::test]
async fn a_route_added_after_the_layer_is_outside_it() {
    let mut app = app().route("/health", get(|| async { "ok" }));
    let mut browser = Browser::new(Engine::Firefox);
    let outcome = browser
        .page(APP)
        .fetch(&mut app, Request::get("https://api.example.com/health"))
        .await;
    let blocked = outcome.blocked().expect("blocked");
    assert_eq!(
        (blocked.stage, &blocked.failure),
        (Stage::Response, &Failure::MissingAllowOrigin)
    );
    assert!(outcome.reached_server(), "sent, then hidden from the page");
    assert!(
        blocked.console.starts_with(
            "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote \
             resource at https://api.example.com/health. (Reason: CORS header \
             ‘Access-Control-Allow-Origin’ missing). Status code: 200."
        ),
        "{}",
        blocked.console
    );
    assert_eq!(
        blocked.script_error,
        "TypeError: NetworkError when attempting to fetch resource."
    );
}

#[tokio::test]
async fn origins_methods_and_credentials() {
    let mut app = app();
    let mut browser = Browser::new(Engine::WebKit);
    let admin = browser
        .page("https://eu.admin.example.com")
        .fetch(&mut app, Request::delete(ITEMS).with_credentials())
        .await;
    assert!(admin.is_readable(), "{admin}");
    let patch = browser
        .page(APP)
        .fetch(&mut app, Request::new("PATCH", ITEMS))
        .await;
    // The policy refuses the preflight outright (403, no Access-Control-* header): WebKit
    // reports the status first.
    assert_eq!(
        patch.blocked().map(|b| &b.failure),
        Some(&Failure::NotOk { status: 403 }),
        "{patch}"
    );
    assert!(
        patch.to_string().contains("(preflight for PATCH) -> 403"),
        "{patch}"
    );
    // `put` is normalized to `PUT` by fetch(); `patch` would not be.
    let put = browser
        .page(APP)
        .fetch(&mut app, Request::new("put", ITEMS))
        .await;
    assert!(put.is_readable(), "{put}");
    let header = browser
        .page(APP)
        .fetch(&mut app, Request::get(ITEMS).header("x-secret", "1"))
        .await;
    assert_eq!(header.blocked().map(|b| b.stage), Some(Stage::Preflight));
    assert!(
        header
            .to_string()
            .contains("(preflight for GET with x-secret) -> 403"),
        "{header}"
    );
    let look_alike = browser
        .page("https://app.example.com.evil.example")
        .fetch(&mut app, Request::get(ITEMS).with_credentials())
        .await;
    assert!(look_alike.blocked().is_some(), "{look_alike}");
}

#[tokio::test]
async fn the_preflight_cache_per_browser_and_engine() {
    static CACHED: CorsPolicy = cors_policy! {
        allow_origins: ["https://app.example.com"],
        allow_methods: [PUT],
        max_age: 86400,
    };
    let mut app = Router::new()
        .route("/items", put(item))
        .layer(CACHED.layer());
    for (engine, cap) in [(Engine::Chromium, 7200), (Engine::WebKit, 600)] {
        let mut browser = Browser::new(engine);
        let first = browser.page(APP).fetch(&mut app, Request::put(ITEMS)).await;
        assert_eq!((first.preflights(), first.preflight_cached), (1, false));
        browser.wait(Duration::from_secs(cap - 1));
        let second = browser.page(APP).fetch(&mut app, Request::put(ITEMS)).await;
        assert_eq!(
            (second.preflights(), second.preflight_cached),
            (0, true),
            "{second}"
        );
        assert!(
            second
                .to_string()
                .contains("no preflight sent: the cached answer allowed it")
        );
        browser.wait(Duration::from_secs(1));
        let third = browser.page(APP).fetch(&mut app, Request::put(ITEMS)).await;
        assert_eq!(third.preflights(), 1, "{engine}: the cap is {cap} s");
        // Another browser has its own cache.
        let other = Browser::new(engine)
            .page(APP)
            .fetch(&mut app, Request::put(ITEMS))
            .await;
        assert_eq!(other.preflights(), 1);
    }
    // A fresh Firefox profile does not reuse its first answers.
    let mut firefox = Browser::new(Engine::Firefox);
    let mut preflights = Vec::new();
    for _ in 0..6 {
        let outcome = firefox.page(APP).fetch(&mut app, Request::put(ITEMS)).await;
        preflights.push(outcome.preflights());
    }
    assert_eq!(preflights, [1, 1, 1, 1, 1, 0]);
}

#[tokio::test]
async fn the_requests_the_server_receives() {
    let mut app = app();
    let mut browser = Browser::new(Engine::Chromium);
    browser.set_cookie("api.example.com", "session=1");
    let outcome = browser
        .page(APP)
        .fetch(
            &mut app,
            Request::put(ITEMS)
                .header("Content-Type", "application/json")
                .header("authorization", "Bearer t")
                .body("{}")
                .with_credentials(),
        )
        .await;
    assert!(outcome.is_readable(), "{outcome}");
    let [preflight, request] = &outcome.exchanges[..] else {
        panic!("a preflight and the request: {outcome}");
    };
    assert_eq!(preflight.kind, Sent::Preflight);
    assert_eq!(preflight.method, Method::OPTIONS);
    let sent = |name: &str| {
        preflight
            .request_headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    assert_eq!(sent("origin").as_deref(), Some(APP));
    assert_eq!(
        sent("access-control-request-method").as_deref(),
        Some("PUT")
    );
    assert_eq!(
        sent("access-control-request-headers").as_deref(),
        Some("authorization,content-type")
    );
    assert_eq!(sent("sec-fetch-mode").as_deref(), Some("cors"));
    assert_eq!(sent("sec-fetch-site").as_deref(), Some("same-site"));
    assert_eq!(sent("cookie"), None, "a preflight never carries cookies");
    assert_eq!(request.request_headers["cookie"], "session=1");
    assert_eq!(request.request_headers["host"], "api.example.com");
    // Without credentials, no cookie; to a plain-http host, no fetch metadata.
    let plain = browser
        .page("http://app.example.com")
        .fetch(&mut app, Request::get("http://api.example.com/items"))
        .await;
    let headers = &plain.exchanges[0].request_headers;
    assert!(!headers.contains_key("cookie") && !headers.contains_key("sec-fetch-site"));
}

#[tokio::test]
async fn writes_from_other_sites() {
    let handled = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&handled);
    let mut app = Router::new()
        .route(
            "/items",
            post(move || {
                count.fetch_add(1, Ordering::SeqCst);
                async { "saved" }
            }),
        )
        .layer(API.layer());
    let mut browser = Browser::new(Engine::Chromium);
    let form = Request::form_post(ITEMS).field("name", "x");
    let forged = browser
        .page("https://evil.example")
        .fetch(&mut app, form.clone())
        .await;
    assert!(matches!(forged.response, Response::Submitted), "{forged}");
    let sent = &forged.exchanges[0];
    assert_eq!(sent.request_headers["sec-fetch-mode"], "navigate");
    assert_eq!(
        sent.request_headers["content-type"],
        "application/x-www-form-urlencoded"
    );
    assert_eq!(sent.status, Some(StatusCode::FORBIDDEN));
    let no_cors = browser
        .page("https://evil.example")
        .fetch(&mut app, Request::post(ITEMS).body("x").mode(Mode::NoCors))
        .await;
    assert!(matches!(no_cors.response, Response::Opaque));
    assert_eq!(no_cors.exchanges[0].status, Some(StatusCode::FORBIDDEN));
    assert_eq!(handled.load(Ordering::SeqCst), 0);
    browser.page(APP).fetch(&mut app, form).await;
    assert_eq!(
        handled.load(Ordering::SeqCst),
        1,
        "the listed origin's form"
    );
}

#[tokio::test]
async fn the_page_s_own_mistakes_fail_before_sending() {
    let mut app = app();
    let mut browser = Browser::new(Engine::Chromium);
    for (origin, request, says) in [
        (
            "https://app.example.com/",
            Request::get(ITEMS),
            "not an origin as a browser writes it",
        ),
        (
            APP,
            Request::new("CONNECT", ITEMS),
            "'CONNECT' HTTP method is unsupported.",
        ),
        (
            APP,
            Request::put(ITEMS).mode(Mode::NoCors),
            "'PUT' is unsupported in no-cors mode.",
        ),
        (
            APP,
            Request::get(ITEMS).body("x"),
            "GET/HEAD method cannot have body",
        ),
        (
            APP,
            Request::get(ITEMS).mode(Mode::SameOrigin),
            "Request mode is \"same-origin\"",
        ),
        (
            APP,
            Request::get("ftp://api.example.com/"),
            "use http or https",
        ),
        (
            APP,
            Request::get(ITEMS).header("x y", "1"),
            "'x y' is not a valid HTTP header name.",
        ),
    ] {
        let outcome = browser.page(origin).fetch(&mut app, request).await;
        let blocked = outcome.blocked().expect("blocked");
        assert_eq!(blocked.stage, Stage::Request);
        assert!(blocked.script_error.contains(says), "{says}: {outcome}");
        assert!(outcome.exchanges.is_empty());
    }
    // Forbidden headers are dropped, as browsers do, without an error.
    let outcome = browser
        .page(APP)
        .fetch(
            &mut app,
            Request::get(ITEMS).header("origin", "https://evil.example"),
        )
        .await;
    assert!(outcome.is_readable(), "{outcome}");
}

#[tokio::test]
async fn tower_http_s_layer_too() {
    use tower_http::cors::CorsLayer;
    let layer = CorsLayer::new()
        .allow_origin(HeaderValue::from_static(APP))
        .allow_methods([Method::PUT])
        .allow_headers([header::CONTENT_TYPE]);
    let mut app = Router::new().route("/items", put(item)).layer(layer);
    let mut browser = Browser::new(Engine::Chromium);
    let json = Request::put(ITEMS)
        .header("content-type", "application/json")
        .body("{}");
    assert!(
        browser
            .page(APP)
            .fetch(&mut app, json.clone())
            .await
            .is_readable()
    );
    let elsewhere = browser
        .page("https://evil.example")
        .fetch(&mut app, json)
        .await;
    assert!(
        matches!(
            elsewhere.blocked().map(|b| (&b.stage, &b.failure)),
            Some((Stage::Preflight, Failure::AllowOriginMismatch { .. }))
        ),
        "{elsewhere}"
    );
}

#[cfg(feature = "actix")]
#[actix_web::test]
async fn an_actix_web_test_service() {
    use actix_web::{App, HttpResponse, test, web};
    let service = test::init_service(
        App::new().service(
            web::resource("/items")
                .wrap(API.actix())
                .route(web::put().to(|| async {
                    HttpResponse::Ok()
                        .insert_header(("x-request-id", "7"))
                        .finish()
                })),
        ),
    )
    .await;
    let mut server = cors_browser::Actix::new(service);
    let mut browser = Browser::new(Engine::Firefox);
    let put = browser
        .page(APP)
        .fetch(&mut server, Request::put(ITEMS).with_credentials())
        .await;
    assert!(put.is_readable(), "{put}");
    assert_eq!(put.header("x-request-id").as_deref(), Some("7"));
    let refused = browser
        .page("https://evil.example")
        .fetch(&mut server, Request::put(ITEMS))
        .await;
    assert_eq!(refused.blocked().map(|b| b.stage), Some(Stage::Preflight));
}

#[cfg(feature = "client")]
#[tokio::test]
async fn a_live_server_over_http() {
    use cors_browser::Client;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app()).await.unwrap() });
    let mut client = Client::new();
    let url = format!("http://127.0.0.1:{port}/items");
    let outcome = Browser::new(Engine::Chromium)
        .page(APP)
        .fetch(&mut client, Request::put(&url).with_credentials())
        .await;
    assert!(outcome.is_readable(), "{outcome}");
    assert_eq!(outcome.preflights(), 1);

    // Nobody listening: a network error, as a browser reports it.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let outcome = Browser::new(Engine::WebKit)
        .page(APP)
        .fetch(
            &mut client,
            Request::get(&format!("http://127.0.0.1:{closed}/")),
        )
        .await;
    let blocked = outcome.blocked().expect("blocked");
    assert!(matches!(blocked.failure, Failure::Network(_)), "{outcome}");
    assert_eq!(blocked.script_error, "TypeError: Load failed");

    // A server that accepts and never answers: the timeout ends it.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_port = silent.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            held.push(socket);
        }
    });
    let mut impatient = Client::new().timeout(Duration::from_millis(200));
    let outcome = Browser::new(Engine::Chromium)
        .page(APP)
        .fetch(
            &mut impatient,
            Request::get(&format!("http://127.0.0.1:{silent_port}/")),
        )
        .await;
    match &outcome.blocked().expect("blocked").failure {
        Failure::Network(error) => assert!(error.contains("no answer within 200ms"), "{error}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn thousands_of_fetches_against_a_router_in_process() {
    let mut app = app();
    let mut browser = Browser::new(Engine::Chromium);
    let mut readable = 0;
    for i in 0..2_000 {
        let request = if i % 2 == 0 {
            Request::put(ITEMS).with_credentials()
        } else {
            Request::get(ITEMS)
        };
        readable += usize::from(
            browser
                .page(APP)
                .fetch(&mut app, request)
                .await
                .is_readable(),
        );
    }
    assert_eq!(readable, 2_000);
}

//! The demo: an API on <http://127.0.0.1:3000> under a `cors_policy!`, and a page on
//! <http://localhost:3001> — another origin — that calls it and shows what the browser allowed
//! beside what the policy predicts.
//!
//! Run with `cargo run -p axum-demo`, then open <http://localhost:3001>.

mod cases;

use std::net::SocketAddr;
use std::process::ExitCode;

use axum::extract::WebSocketUpgrade;
use axum::extract::ws::{Message, WebSocket};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use cors_runtime::{CorsPolicy, Verdict, cors_policy};

/// The API's policy: the demo page's origin only.
static DEMO: CorsPolicy = cors_policy! {
    allow_origins: ["http://localhost:3001"],
    allow_methods: [PUT, DELETE],
    allow_headers: ["content-type", "x-demo"],
    expose_headers: ["x-request-id"],
    allow_credentials: true,
    max_age: 600,
};

const API_ADDRESS: &str = "127.0.0.1:3000";
const PAGE_ADDRESS: &str = "127.0.0.1:3001";
const PAGE_ORIGIN: &str = "http://localhost:3001";

async fn hello() -> impl IntoResponse {
    (cases::handler_headers(), r#"{"hello":"world"}"#)
}

async fn items(method: axum::http::Method) -> impl IntoResponse {
    (
        cases::handler_headers(),
        Json(serde_json::json!({ "method": method.as_str() })),
    )
}

/// A WebSocket handshake is not covered by CORS: the server must check `Origin` itself.
async fn websocket(headers: HeaderMap, upgrade: WebSocketUpgrade) -> Response {
    let origin = headers
        .get(header::ORIGIN)
        .map_or(&b""[..], |v| v.as_bytes());
    if !DEMO.allows_origin(origin) {
        return (StatusCode::FORBIDDEN, "origin not allowed").into_response();
    }
    upgrade.on_upgrade(|mut socket: WebSocket| async move {
        let _ = socket
            .send(Message::Text("hello from the API".into()))
            .await;
    })
}

/// Logs each request's verdict, with the reason for a refusal.
async fn log_verdict(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let line = match DEMO.check(request.method(), request.headers()) {
        Verdict::Preflight(preflight) => match preflight.rejection() {
            None => "preflight allowed".to_owned(),
            Some(why) => format!("preflight refused: {why}"),
        },
        Verdict::Actual(actual) if actual.is_allowed() => "allowed".to_owned(),
        Verdict::Actual(_) => "no CORS headers (origin missing or not allowed)".to_owned(),
    };
    println!(
        "api: {} {} — {line}",
        request.method(),
        request.uri().path()
    );
    next.run(request).await
}

fn api() -> Router {
    Router::new()
        .route("/api/hello", get(hello))
        .route(
            "/api/items",
            get(items).post(items).put(items).delete(items).patch(items),
        )
        .route("/ws", get(websocket))
        .layer(DEMO.layer())
        .layer(axum::middleware::from_fn(log_verdict))
}

fn page() -> Router {
    let cases = cases::cases_json(&DEMO, PAGE_ORIGIN, API_ADDRESS).to_string();
    let html = include_str!("../assets/demo.html")
        .replace("{{PAGE}}", PAGE_ORIGIN)
        .replace("{{API}}", &format!("http://{API_ADDRESS}"))
        .replace("{{POLICY}}", &format!("{DEMO:#?}"))
        // JSON inside <script>: keep "</" from closing the element.
        .replace("{{CASES}}", &cases.replace("</", "<\\/"));
    Router::new()
        .route("/", get(move || async move { Html(html) }))
        .route(
            "/runner.js",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/javascript")],
                    include_str!("../assets/runner.js"),
                )
            }),
        )
}

async fn bind(address: &str, what: &str) -> Result<tokio::net::TcpListener, String> {
    let address: SocketAddr = address.parse().map_err(|e| format!("{address}: {e}"))?;
    tokio::net::TcpListener::bind(address).await.map_err(|e| {
        format!("cannot listen on {address} for the {what}: {e} (is the demo already running?)")
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    let listeners = async {
        Ok::<_, String>((
            bind(API_ADDRESS, "API").await?,
            bind(PAGE_ADDRESS, "page").await?,
        ))
    };
    let (api_listener, page_listener) = match listeners.await {
        Ok(listeners) => listeners,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    println!("API  (policy below)   http://{API_ADDRESS}");
    println!("page (another origin) {PAGE_ORIGIN}   <- open this in a browser\n");
    println!("{DEMO:#?}\n");
    println!("Try it with curl:");
    println!("  curl -i http://{API_ADDRESS}/api/hello -H 'Origin: {PAGE_ORIGIN}'");
    println!("  curl -i http://{API_ADDRESS}/api/hello -H 'Origin: https://evil.example'");
    println!(
        "  curl -i -X OPTIONS http://{API_ADDRESS}/api/items -H 'Origin: {PAGE_ORIGIN}' \
         -H 'Access-Control-Request-Method: PUT' -H 'Access-Control-Request-Headers: content-type'"
    );
    println!(
        "  curl -i -X OPTIONS http://{API_ADDRESS}/api/items -H 'Origin: {PAGE_ORIGIN}' \
         -H 'Access-Control-Request-Method: PATCH'\n"
    );
    let servers = async {
        tokio::try_join!(
            axum::serve(api_listener, api()).into_future(),
            axum::serve(page_listener, page()).into_future(),
        )
    };
    match servers.await {
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

//! The demo: an API on <http://127.0.0.1:3000> under a `cors_policy!`, and a page on
//! <http://localhost:3001> — another origin — that calls it and shows what the browser allowed
//! beside what the policy predicts.
//!
//! Run with `cargo run -p axum-demo`, then open <http://localhost:3001>. Set
//! `CORS_ALLOWED_ORIGINS` (origins separated by commas or spaces) to allow more origins: they are
//! checked at startup by the rules the compiler applies to the policy's own origins.
//!
//! The policy refuses cross-origin writes: the page shows that a form another site submits to the
//! API (the same page server, reached as <http://127.0.0.1:3001>, is another origin) never
//! reaches the handler, while the page's own form does.

mod cases;

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::extract::WebSocketUpgrade;
use axum::extract::ws::{Message, WebSocket};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use cors_browser::Engine;
use cors_runtime::{CorsPolicy, Verdict, cors_policy};

/// The API's policy (`policy.rs`, which the load benchmark serves too): the demo page's origin
/// only.
static DEMO: CorsPolicy = include!("policy.rs");

/// The policy in force: [`DEMO`], with the origins of `CORS_ALLOWED_ORIGINS` added when it is
/// set. Set once in `main`, before serving.
static POLICY: OnceLock<&'static CorsPolicy> = OnceLock::new();

fn policy() -> &'static CorsPolicy {
    POLICY.get().copied().unwrap_or(&DEMO)
}

/// [`DEMO`] with the extra origins from the environment, checked as the compiler checks the
/// policy's own; every problem at once when one is refused.
fn configured_policy() -> Result<&'static CorsPolicy, String> {
    let extra = match std::env::var("CORS_ALLOWED_ORIGINS") {
        Ok(extra) => extra,
        Err(std::env::VarError::NotPresent) => return Ok(&DEMO),
        Err(error) => return Err(format!("CORS_ALLOWED_ORIGINS: {error}")),
    };
    let mut origins = DEMO.origin_patterns();
    origins.extend(extra.split([',', ' ', '\t', '\n']).map(str::to_owned));
    let policy = DEMO
        .with_origins(&origins)
        .map_err(|error| format!("CORS_ALLOWED_ORIGINS is refused:\n{error}"))?;
    // Built once and kept for the life of the program, like a `static`.
    Ok(Box::leak(Box::new(policy)))
}

const API_ADDRESS: &str = "127.0.0.1:3000";
const PAGE_ADDRESS: &str = "127.0.0.1:3001";
const PAGE_ORIGIN: &str = "http://localhost:3001";

async fn hello() -> impl IntoResponse {
    (cases::handler_headers(), r#"{"hello":"world"}"#)
}

/// Writes that reached the handler, for the page to show that a refused one never did.
static WRITES: AtomicUsize = AtomicUsize::new(0);

async fn items(method: axum::http::Method) -> impl IntoResponse {
    if method != axum::http::Method::GET && method != axum::http::Method::HEAD {
        WRITES.fetch_add(1, Ordering::SeqCst);
    }
    (
        cases::handler_headers(),
        Json(serde_json::json!({ "method": method.as_str() })),
    )
}

async fn writes() -> impl IntoResponse {
    Json(serde_json::json!({ "writes": WRITES.load(Ordering::SeqCst) }))
}

/// A WebSocket handshake is not covered by CORS: the server must check `Origin` itself.
async fn websocket(headers: HeaderMap, upgrade: WebSocketUpgrade) -> Response {
    let origin = headers
        .get(header::ORIGIN)
        .map_or(&b""[..], |v| v.as_bytes());
    if !policy().allows_origin(origin) {
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
    let line = match policy().check_request(&request) {
        Verdict::Preflight(preflight) => match preflight.rejection() {
            None => "preflight allowed".to_owned(),
            Some(why) => format!("preflight refused: {why}"),
        },
        // "write from origin `…` (`Sec-Fetch-Site: …`) refused: …"
        Verdict::RefusedWrite(refused) => refused.rejection().to_string(),
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
    routes().layer(axum::middleware::from_fn(log_verdict))
}

/// The API without its log of verdicts: what the model's predictions run against.
fn routes() -> Router {
    Router::new()
        .route("/api/hello", get(hello))
        .route(
            "/api/items",
            get(items).post(items).put(items).delete(items).patch(items),
        )
        .route("/api/writes", get(writes))
        .route("/ws", get(websocket))
        .layer(policy().layer())
}

/// The demo page for each engine, with the model's predictions of that engine, made against
/// the API before it serves (the count of writes is reset after).
async fn pages_by_engine() -> Vec<(Engine, String)> {
    let mut pages = Vec::new();
    for engine in Engine::ALL {
        let cases = cases::cases_json(
            engine,
            &mut routes(),
            policy(),
            (PAGE_ORIGIN, API_ADDRESS),
            &|| WRITES.load(Ordering::SeqCst),
        )
        .await
        .to_string();
        let html = include_str!("../assets/demo.html")
            .replace("{{PAGE}}", PAGE_ORIGIN)
            .replace("{{API}}", &format!("http://{API_ADDRESS}"))
            .replace("{{ENGINE}}", engine.name())
            .replace("{{POLICY}}", &format!("{:#?}", policy()))
            // JSON inside <script>: keep "</" from closing the element.
            .replace("{{CASES}}", &cases.replace("</", "<\\/"));
        pages.push((engine, html));
    }
    WRITES.store(0, Ordering::SeqCst);
    pages
}

/// The engine of the browser that sent `headers`, by its `User-Agent`.
fn engine_of(headers: &HeaderMap) -> Engine {
    let agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if agent.contains("Firefox/") {
        Engine::Firefox
    } else if agent.contains("AppleWebKit") && !agent.contains("Chrome/") {
        Engine::WebKit
    } else {
        Engine::Chromium
    }
}

fn page(pages: Vec<(Engine, String)>) -> Router {
    let pages = std::sync::Arc::new(pages);
    let html = move |headers: HeaderMap| async move {
        let engine = engine_of(&headers);
        let page = pages
            .iter()
            .find(|(e, _)| *e == engine)
            .map(|(_, html)| html.clone());
        Html(page.unwrap_or_default())
    };
    // The same runner on another origin (this server, reached as 127.0.0.1): one form that
    // another site submits to the API, after which it tells the demo page it is done.
    let elsewhere = format!(
        "<!doctype html><title>another site</title>\
         <p>This page is on another origin, and submits a form to the API.</p>\
         <script id=\"cases\" type=\"application/json\">{}</script>\
         <script src=\"/runner.js\"></script>",
        cases::elsewhere_json(API_ADDRESS)
    );
    Router::new()
        .route("/", get(html))
        .route("/elsewhere", get(move || async move { Html(elsewhere) }))
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
    match configured_policy() {
        Ok(configured) => {
            let _ = POLICY.set(configured);
        }
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    }
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
    println!("{:#?}\n", policy());
    match std::env::var_os("CORS_ALLOWED_ORIGINS") {
        Some(_) => println!(
            "Allowed origins (the policy's own and CORS_ALLOWED_ORIGINS): {}\n",
            policy().origin_patterns().join(" ")
        ),
        None => println!(
            "Allowed origins: {} (set CORS_ALLOWED_ORIGINS to add more)\n",
            policy().origin_patterns().join(" ")
        ),
    }
    println!("Try it with curl:");
    println!("  curl -i http://{API_ADDRESS}/api/hello -H 'Origin: {PAGE_ORIGIN}'");
    println!("  curl -i http://{API_ADDRESS}/api/hello -H 'Origin: https://evil.example'");
    println!(
        "  curl -i -X OPTIONS http://{API_ADDRESS}/api/items -H 'Origin: {PAGE_ORIGIN}' \
         -H 'Access-Control-Request-Method: PUT' -H 'Access-Control-Request-Headers: content-type'"
    );
    println!(
        "  curl -i -X OPTIONS http://{API_ADDRESS}/api/items -H 'Origin: {PAGE_ORIGIN}' \
         -H 'Access-Control-Request-Method: PATCH'"
    );
    println!(
        "  curl -i -X POST http://{API_ADDRESS}/api/items -H 'Origin: https://evil.example' \
         -H 'Sec-Fetch-Site: cross-site' -d x=1"
    );
    println!(
        "  curl -i -X POST http://{API_ADDRESS}/api/items -H 'Origin: {PAGE_ORIGIN}' \
         -H 'Sec-Fetch-Site: cross-site' -d x=1\n"
    );
    let pages = pages_by_engine().await;
    let servers = async {
        tokio::try_join!(
            axum::serve(api_listener, api()).into_future(),
            axum::serve(page_listener, page(pages)).into_future(),
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

//! A deliberately misconfigured API to try `cors-audit` on: tower-http's `CorsLayer` echoing any
//! origin with credentials, a handler that takes any method, on <http://127.0.0.1:3002>.
//!
//! ```text
//! cargo run -p misconfigured &
//! cargo run -p cors-audit -- http://127.0.0.1:3002/items --origin https://app.example.com --credentials
//! ```

use axum::Router;
use axum::routing::any;
use tower_http::cors::{AllowOrigin, CorsLayer};

#[tokio::main]
async fn main() {
    let layer = CorsLayer::new()
        .allow_origin(AllowOrigin::mirror_request())
        .allow_credentials(true);
    let app = Router::new()
        .route("/items", any(|| async { "items" }))
        .layer(layer);
    let listener = match tokio::net::TcpListener::bind("127.0.0.1:3002").await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("cannot listen on 127.0.0.1:3002: {error}");
            std::process::exit(1);
        }
    };
    println!("misconfigured API on http://127.0.0.1:3002/items");
    if let Err(error) = axum::serve(listener, app).await {
        eprintln!("{error}");
    }
}

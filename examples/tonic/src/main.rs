//! `CorsLayer` in front of tonic, for grpc-web clients running in a browser.
//!
//! The served gRPC service is tonic-health's (its code is generated ahead of time, so this
//! example needs no `protoc`); put your own services in its place. grpc-web requests are POSTs
//! with `content-type: application/grpc-web…` and `x-grpc-web`, so the browser sends a preflight
//! first, and the responses carry `grpc-status` and `grpc-message` as headers, which scripts can
//! read only when they are exposed.
//!
//! Run with `cargo run --manifest-path examples/tonic/Cargo.toml` (a workspace of its own).

use cors_runtime::{CorsPolicy, cors_policy};
use tonic::transport::Server;
use tonic_web::GrpcWebLayer;

static GRPC_WEB: CorsPolicy = cors_policy! {
    allow_origins: ["https://app.example.com", "http://localhost:*"],
    allow_headers: ["content-type", "x-grpc-web", "x-user-agent", "grpc-timeout"],
    expose_headers: ["grpc-status", "grpc-message", "grpc-status-details-bin"],
    max_age: 86400,
};

const ADDRESS: &str = "127.0.0.1:50051";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (_reporter, health) = tonic_health::server::health_reporter();
    println!("gRPC and grpc-web on http://{ADDRESS} under {GRPC_WEB:?}");
    Server::builder()
        // grpc-web arrives over HTTP/1.1.
        .accept_http1(true)
        // The CORS layer goes outside grpc-web's translation, so it sees the browser's request.
        .layer(GRPC_WEB.layer())
        .layer(GrpcWebLayer::new())
        .add_service(health)
        .serve(ADDRESS.parse()?)
        .await?;
    Ok(())
}

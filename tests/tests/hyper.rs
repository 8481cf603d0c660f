//! `CorsLayer` in front of a plain hyper 1.x server, through hyper-util's tower adapter, over a
//! real loopback connection.

use std::convert::Infallible;

use cors_runtime::{CorsPolicy, cors_policy};
use http::{Request, Response};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tower::{Layer, service_fn};

static API: CorsPolicy = cors_policy! {
    allow_origins: ["http://localhost:*"],
    allow_methods: [PUT],
};

/// Serves one connection on a fresh port and returns the raw response to `request`.
async fn exchange(request: &str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let handler = service_fn(|_: Request<Incoming>| async {
            Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"handled"))))
        });
        let service = TowerToHyperService::new(API.layer().layer(handler));
        http1::Builder::new()
            .serve_connection(TokioIo::new(stream), service)
            .await
            .unwrap();
    });
    let mut client = TcpStream::connect(address).await.unwrap();
    client.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    client.read_to_string(&mut response).await.unwrap();
    server.await.unwrap();
    response.to_ascii_lowercase()
}

#[tokio::test]
async fn hyper_server_answers_a_preflight_without_the_handler() {
    let response = exchange(
        "OPTIONS /items HTTP/1.1\r\nhost: api\r\norigin: http://localhost:5173\r\n\
         access-control-request-method: PUT\r\nconnection: close\r\n\r\n",
    )
    .await;
    assert!(response.starts_with("http/1.1 204"), "{response}");
    assert!(
        response.contains("access-control-allow-origin: http://localhost:5173\r\n"),
        "{response}"
    );
    assert!(
        response.contains("access-control-allow-methods: put\r\n"),
        "{response}"
    );
    assert!(!response.contains("handled"), "{response}");
}

#[tokio::test]
async fn hyper_server_adds_headers_to_the_handlers_response() {
    let allowed = exchange(
        "GET /items HTTP/1.1\r\nhost: api\r\norigin: http://localhost:5173\r\nconnection: close\r\n\r\n",
    )
    .await;
    assert!(allowed.starts_with("http/1.1 200"), "{allowed}");
    assert!(
        allowed.contains("access-control-allow-origin: http://localhost:5173\r\n"),
        "{allowed}"
    );
    assert!(allowed.contains("vary: origin\r\n"), "{allowed}");
    assert!(allowed.ends_with("handled"), "{allowed}");

    let refused = exchange(
        "GET /items HTTP/1.1\r\nhost: api\r\norigin: http://127.0.0.1:5173\r\nconnection: close\r\n\r\n",
    )
    .await;
    assert!(refused.starts_with("http/1.1 200"), "{refused}");
    assert!(!refused.contains("access-control-"), "{refused}");
    assert!(refused.ends_with("handled"), "{refused}");
}

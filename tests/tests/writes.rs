//! `refuse_cross_origin_writes` through real servers on loopback: axum, plain hyper with the
//! tower layer, and actix-web's `HttpServer`. Each case is sent as raw HTTP/1.1 bytes (so that
//! a test controls `Host`, repeated lines and bytes no client library would send) to all three,
//! and each server counts the requests that reach its handler.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};

use cors_runtime::{CorsPolicy, cors_policy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

static WRITES: CorsPolicy = cors_policy! {
    allow_origins: ["https://app.example.com", "https://*.example.com"],
    allow_methods: [PUT, DELETE],
    allow_credentials: true,
    refuse_cross_origin_writes: true,
};

/// One case: what it is, the request line, its header lines, and whether the handler runs.
type Case = (&'static str, &'static str, &'static [&'static str], bool);

const EVIL: &str = "origin: https://evil.example";
const APP: &str = "origin: https://app.example.com";

#[rustfmt::skip]
const CASES: &[Case] = &[
    ("cross-site write from an unlisted origin", "POST /items", &[EVIL, "sec-fetch-site: cross-site"], false),
    ("cross-site DELETE from an unlisted origin", "DELETE /items", &[EVIL, "sec-fetch-site: cross-site"], false),
    ("cross-site write from a listed origin", "POST /items", &[APP, "sec-fetch-site: cross-site"], true),
    ("same-site write from a listed subdomain", "PUT /items", &["origin: https://eu.example.com", "sec-fetch-site: same-site"], true),
    ("same-origin, by the browser's word", "POST /items", &["origin: http://api.test", "sec-fetch-site: same-origin"], true),
    ("typed by the user", "POST /items", &["sec-fetch-site: none"], true),
    ("cross-site with a null origin", "POST /items", &["origin: null", "sec-fetch-site: cross-site"], false),
    ("cross-site without an origin", "POST /items", &["sec-fetch-site: cross-site"], false),
    ("unknown Sec-Fetch-Site from an unlisted origin", "POST /items", &[EVIL, "sec-fetch-site: same-planet"], false),
    ("not a browser: no Origin, no Sec-Fetch-Site", "POST /items", &[], true),
    ("an empty Origin counts as none", "POST /items", &["origin: "], true),
    ("no Sec-Fetch-Site, the page's own origin", "POST /items", &["origin: http://api.test"], true),
    ("no Sec-Fetch-Site, null", "POST /items", &["origin: null"], false),
    ("no Sec-Fetch-Site, an unlisted origin", "POST /items", &[EVIL], false),
    ("no Sec-Fetch-Site, an empty one counts as none", "POST /items", &[EVIL, "sec-fetch-site: "], false),
    ("no Sec-Fetch-Site, userinfo is not the host", "POST /items", &["origin: http://evil@api.test"], false),
    ("no Sec-Fetch-Site, a path is not an origin", "POST /items", &["origin: http://api.test/"], false),
    ("two Origin lines, even same-origin", "POST /items", &[APP, APP, "sec-fetch-site: same-origin"], false),
    ("two Sec-Fetch-Site lines", "POST /items", &[APP, "sec-fetch-site: same-origin", "sec-fetch-site: cross-site"], false),
    ("a read from anywhere", "GET /items", &[EVIL, "sec-fetch-site: cross-site"], true),
    ("HEAD from anywhere", "HEAD /items", &[EVIL, "sec-fetch-site: cross-site"], true),
    ("OPTIONS without a preflight's headers", "OPTIONS /items", &[EVIL, "sec-fetch-site: cross-site"], true),
];

/// Cases that set their own `Host` (the others are sent with `host: api.test`).
#[rustfmt::skip]
const HOSTS: &[Case] = &[
    ("no Sec-Fetch-Site, Host with the port", "POST /items", &["host: api.test:8080", "origin: http://api.test:8080"], true),
    ("no Sec-Fetch-Site, Host without the origin's port", "POST /items", &["host: api.test", "origin: http://api.test:8080"], false),
    ("no Sec-Fetch-Site, Host with a port the origin lacks", "POST /items", &["host: api.test:8080", "origin: http://api.test"], false),
    ("no Sec-Fetch-Site, the default port is not folded", "POST /items", &["host: api.test", "origin: http://api.test:80"], false),
    ("no Sec-Fetch-Site, case is not folded", "POST /items", &["host: API.test", "origin: http://api.test"], false),
    ("absolute form: the URI's authority, not a contradicting Host", "POST http://api.test/items", &["host: evil.example", "origin: http://evil.example"], false),
    ("absolute form: the URI's own origin", "POST http://api.test/items", &["host: evil.example", "origin: http://api.test"], true),
];

/// Writes with values no browser sends: non-ASCII and over-long ones.
fn odd_values() -> Vec<(String, Vec<u8>, bool)> {
    let long = format!("origin: https://{}.example", "a".repeat(8000));
    vec![
        (
            "non-ASCII origin".to_owned(),
            b"POST /items HTTP/1.1\r\nhost: api.test\r\norigin: https://\xc3\xa9vil.example\r\n\
              sec-fetch-site: cross-site\r\n"
                .to_vec(),
            false,
        ),
        (
            "non-ASCII Sec-Fetch-Site".to_owned(),
            b"POST /items HTTP/1.1\r\nhost: api.test\r\norigin: https://evil.example\r\n\
              sec-fetch-site: same-origin\xff\r\n"
                .to_vec(),
            false,
        ),
        (
            "non-ASCII Host, same bytes in the origin".to_owned(),
            b"POST /items HTTP/1.1\r\nhost: \xc3\xa9.test\r\norigin: http://\xc3\xa9.test\r\n"
                .to_vec(),
            false,
        ),
        (
            "over-long origin".to_owned(),
            format!(
                "POST /items HTTP/1.1\r\nhost: api.test\r\n{long}\r\nsec-fetch-site: cross-site\r\n"
            )
            .into_bytes(),
            false,
        ),
        (
            "over-long origin, no Sec-Fetch-Site".to_owned(),
            format!("POST /items HTTP/1.1\r\nhost: api.test\r\n{long}\r\n").into_bytes(),
            false,
        ),
    ]
}

/// Every case as (what, raw request head without its final blank line, handled).
fn requests() -> Vec<(String, Vec<u8>, bool)> {
    let with_host = CASES.iter().map(|case| (case, Some("host: api.test")));
    let own_host = HOSTS.iter().map(|case| (case, None));
    let mut all: Vec<_> = with_host
        .chain(own_host)
        .map(|(&(what, line, headers, handled), host)| {
            let mut raw = format!("{line} HTTP/1.1\r\n");
            for header in host.iter().chain(headers) {
                raw.push_str(header);
                raw.push_str("\r\n");
            }
            (what.to_owned(), raw.into_bytes(), handled)
        })
        .collect();
    all.extend(odd_values());
    all
}

/// A response as read off the connection.
struct Exchange {
    status: u16,
    head: String,
    body: Vec<u8>,
}

async fn send(address: SocketAddr, head: &[u8]) -> Exchange {
    let mut client = TcpStream::connect(address).await.unwrap();
    client.write_all(head).await.unwrap();
    client
        .write_all(b"content-length: 0\r\nconnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut raw = Vec::new();
    client.read_to_end(&mut raw).await.unwrap();
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no response head: {}", raw.escape_ascii()));
    let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
    let status = head[9..12].parse().unwrap();
    Exchange {
        status,
        head,
        body: raw[end + 4..].to_vec(),
    }
}

/// Sends every case to the server at `address`, whose handler bumps `calls` and answers
/// `handled`, and checks each answer: a refused write is 403 with an empty body and no CORS
/// header, and the handler never ran.
async fn every_case(server: &str, address: SocketAddr, calls: &AtomicUsize) {
    for (what, head, handled) in requests() {
        let before = calls.load(Ordering::SeqCst);
        let answer = send(address, &head).await;
        let ran = calls.load(Ordering::SeqCst) - before;
        let context = format!(
            "{server}, {what}:\n{}\n{}",
            answer.head,
            answer.body.escape_ascii()
        );
        if handled {
            assert_eq!(ran, 1, "{context}");
            assert_eq!(answer.status, 200, "{context}");
        } else {
            assert_eq!(ran, 0, "the handler ran: {context}");
            assert_eq!(answer.status, 403, "{context}");
            assert!(answer.body.is_empty(), "{context}");
            assert!(!answer.head.contains("\r\naccess-control-"), "{context}");
        }
    }
}

#[tokio::test]
async fn axum_refuses_untrusted_writes_before_the_handler() {
    use axum::Router;
    use axum::routing::any;

    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let router = Router::new()
        .route(
            "/items",
            any(|| async {
                CALLS.fetch_add(1, Ordering::SeqCst);
                "handled"
            }),
        )
        .layer(WRITES.layer());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, router).await });
    every_case("axum", address, &CALLS).await;
    server.abort();
}

#[tokio::test]
async fn hyper_refuses_untrusted_writes_before_the_handler() {
    use http::{Request, Response};
    use http_body_util::Full;
    use hyper::body::{Bytes, Incoming};
    use hyper::server::conn::http1;
    use hyper_util::rt::TokioIo;
    use hyper_util::service::TowerToHyperService;
    use tower::{Layer, service_fn};

    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let handler = service_fn(|_: Request<Incoming>| async {
                CALLS.fetch_add(1, Ordering::SeqCst);
                Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"handled"))))
            });
            let service = TowerToHyperService::new(WRITES.layer().layer(handler));
            tokio::spawn(http1::Builder::new().serve_connection(TokioIo::new(stream), service));
        }
    });
    every_case("hyper", address, &CALLS).await;
    server.abort();
}

#[actix_web::test]
async fn actix_web_refuses_untrusted_writes_before_the_handler() {
    use actix_web::{App, HttpResponse, web};

    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let (address, stop) = crate::common::actix_server!(|| {
        App::new().wrap(WRITES.actix()).route(
            "/items",
            web::route().to(|| async {
                CALLS.fetch_add(1, Ordering::SeqCst);
                HttpResponse::Ok().body("handled")
            }),
        )
    });
    every_case("actix-web", address, &CALLS).await;
    stop.await;
}

/// The README's recipe for a route that must take cross-site form posts (an OAuth
/// `form_post` callback): a route of the same layer, under a policy of its own without the key.
#[tokio::test]
async fn a_route_of_the_layer_takes_cross_site_form_posts_under_its_own_policy() {
    use axum::Router;
    use axum::body::Body;
    use axum::routing::post;
    use cors_runtime::CorsLayer;
    use tower::ServiceExt;

    static CALLBACK: CorsPolicy = cors_policy! { allow_origins: ["https://login.example.net"] };
    let cors = CorsLayer::new(&WRITES)
        .route("/oauth/callback", &CALLBACK)
        .unwrap();
    let app = Router::new()
        .route("/items", post(|| async { "created" }))
        .route("/oauth/callback", post(|| async { "signed in" }))
        .layer(cors);
    let form_post = |path: &str, origin: &str| {
        http::Request::post(path)
            .header("origin", origin)
            .header("sec-fetch-site", "cross-site")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from("code=abc&state=xyz"))
            .unwrap()
    };
    let status = |request: http::Request<Body>| {
        let app = app.clone();
        async move { app.oneshot(request).await.unwrap().status().as_u16() }
    };
    let login = "https://login.example.net";
    assert_eq!(status(form_post("/items", login)).await, 403);
    assert_eq!(status(form_post("/oauth/callback", login)).await, 200);
    // The callback's own policy has no key: its handler checks its `state` itself.
    assert_eq!(
        status(form_post("/oauth/callback", "https://evil.example")).await,
        200
    );
    assert_eq!(
        status(form_post("/items", "https://app.example.com")).await,
        200
    );
}

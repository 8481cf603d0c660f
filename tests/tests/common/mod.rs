//! Request builders and response readers shared by the integration tests.
#![allow(dead_code, reason = "each test binary uses its own subset")]

use cors_runtime::{Actual, CorsPolicy, Preflight, Verdict};
use http::header::{HeaderMap, HeaderName};
use http::{HeaderValue, Method};

/// Starts a real actix-web `HttpServer` with one worker on a fresh loopback port, serving the
/// app that `$factory` (a closure, as `HttpServer::new` takes) builds. Gives its address and a
/// future that stops it and waits until it has stopped.
macro_rules! actix_server {
    ($factory:expr) => {{
        let server = actix_web::HttpServer::new($factory)
            .workers(1)
            .bind(("127.0.0.1", 0))
            .unwrap();
        let address = server.addrs()[0];
        let server = server.run();
        let handle = server.handle();
        let running = actix_web::rt::spawn(server);
        let stop = async move {
            handle.stop(true).await;
            running.await.unwrap().unwrap();
        };
        (address, stop)
    }};
}
pub(crate) use actix_server;

/// A header map from `(name, value)` pairs; names may repeat, values may be any bytes.
pub(crate) fn headers(pairs: &[(&str, &[u8])]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_bytes(value).unwrap(),
        );
    }
    map
}

/// A preflight for `method` from `origin`, with optional request headers.
pub(crate) fn preflight_request(
    origin: &str,
    method: &str,
    request_headers: Option<&str>,
) -> HeaderMap {
    let mut pairs: Vec<(&str, &[u8])> = vec![
        ("origin", origin.as_bytes()),
        ("access-control-request-method", method.as_bytes()),
    ];
    if let Some(list) = request_headers {
        pairs.push(("access-control-request-headers", list.as_bytes()));
    }
    headers(&pairs)
}

pub(crate) fn preflight<'p, 'r>(
    policy: &'p CorsPolicy,
    request: &'r HeaderMap,
) -> Preflight<'p, 'r> {
    match policy.check(&Method::OPTIONS, request) {
        Verdict::Preflight(preflight) => preflight,
        Verdict::Actual(actual) => panic!("expected a preflight, got {actual:?}"),
        Verdict::RefusedWrite(refused) => panic!("expected a preflight, got {refused:?}"),
    }
}

pub(crate) fn actual<'p>(
    policy: &'p CorsPolicy,
    method: &Method,
    request: &HeaderMap,
) -> Actual<'p> {
    match policy.check(method, request) {
        Verdict::Actual(actual) => actual,
        Verdict::Preflight(preflight) => panic!("expected an actual request, got {preflight:?}"),
        Verdict::RefusedWrite(refused) => panic!("expected an actual request, got {refused:?}"),
    }
}

/// The headers a preflight writes into an empty response.
pub(crate) fn preflight_response(policy: &CorsPolicy, request: &HeaderMap) -> HeaderMap {
    let mut response = HeaderMap::new();
    preflight(policy, request).write_headers(&mut response);
    response
}

/// The headers an actual request adds to `response`.
pub(crate) fn actual_response(
    policy: &CorsPolicy,
    request: &HeaderMap,
    mut response: HeaderMap,
) -> HeaderMap {
    actual(policy, &Method::GET, request).write_headers(&mut response);
    response
}

/// Every line of `name`, as strings.
pub(crate) fn lines<'a>(map: &'a HeaderMap, name: &str) -> Vec<&'a str> {
    map.get_all(name)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect()
}

/// The single value of `name`, or `None`; fails if the header has several lines.
pub(crate) fn one<'a>(map: &'a HeaderMap, name: &str) -> Option<&'a str> {
    let all = lines(map, name);
    assert!(all.len() <= 1, "{name} has {} lines: {all:?}", all.len());
    all.first().copied()
}

/// The names of the `Access-Control-*` headers in `map`, sorted.
pub(crate) fn cors_header_names(map: &HeaderMap) -> Vec<&str> {
    let mut names: Vec<&str> = map
        .keys()
        .map(HeaderName::as_str)
        .filter(|n| n.starts_with("access-control-"))
        .collect();
    names.sort_unstable();
    names
}

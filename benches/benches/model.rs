//! cors-browser's model against an axum router in process: a fetch through the model, and the
//! same requests sent straight to the router, so that the difference is what the model costs
//! per fetch (preparing the request, the preflight decision, validation, the cache, the CORS
//! check and the readable headers, and the record of what was sent).

use bytes::Bytes;
use cors_browser::{Browser, Engine, Request, Server};
use cors_runtime::{CorsPolicy, cors_policy};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

static API: CorsPolicy = cors_policy! {
    allow_origins: ["https://app.example.com"],
    allow_methods: [PUT],
    allow_headers: ["x-token"],
    expose_headers: ["x-request-id"],
    allow_credentials: true,
};

const PAGE: &str = "https://app.example.com";
const URL: &str = "https://api.example.com/items";

fn app() -> axum::Router {
    let item = || async { ([("x-request-id", "42")], "item") };
    axum::Router::new()
        .route("/items", axum::routing::get(item).put(item))
        .layer(API.layer())
}

/// A request as the model sends it, built once.
fn raw(method: &str, headers: &[(&str, &str)]) -> http::Request<Bytes> {
    let mut request = http::Request::builder().method(method).uri(URL);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(Bytes::new()).unwrap()
}

fn model(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let mut group = c.benchmark_group("model");
    let common = [
        ("host", "api.example.com"),
        ("accept", "*/*"),
        ("origin", PAGE),
    ];
    let metadata = [
        ("sec-fetch-site", "same-site"),
        ("sec-fetch-mode", "cors"),
        ("sec-fetch-dest", "empty"),
    ];
    let get = raw("GET", &[&common[..], &metadata[..]].concat());
    let preflight = raw(
        "OPTIONS",
        &[
            &common[..],
            &metadata[..],
            &[
                ("access-control-request-method", "PUT"),
                ("access-control-request-headers", "x-token"),
            ],
        ]
        .concat(),
    );
    let put = raw(
        "PUT",
        &[&common[..], &metadata[..], &[("x-token", "1")]].concat(),
    );
    let cases: [(&str, Vec<&http::Request<Bytes>>, Request, bool); 3] = [
        ("get", vec![&get], Request::get(URL), false),
        (
            "put_preflighted",
            vec![&preflight, &put],
            Request::put(URL).header("x-token", "1"),
            false,
        ),
        (
            "put_cached",
            vec![&put],
            Request::put(URL).header("x-token", "1"),
            true,
        ),
    ];
    for (name, requests, request, cached) in cases {
        let mut router = app();
        group.bench_function(format!("{name}/service"), |b| {
            b.iter(|| {
                runtime.block_on(async {
                    for sent in &requests {
                        let mut copy = http::Request::new(sent.body().clone());
                        *copy.method_mut() = sent.method().clone();
                        *copy.uri_mut() = sent.uri().clone();
                        *copy.headers_mut() = sent.headers().clone();
                        black_box(router.send(copy).await.unwrap());
                    }
                });
            });
        });
        let mut browser = Browser::new(Engine::Chromium);
        let first = runtime.block_on(browser.page(PAGE).fetch(&mut router, request.clone()));
        assert!(first.is_readable(), "{first}");
        group.bench_function(format!("{name}/model"), |b| {
            b.iter(|| {
                if !cached {
                    browser.clear_preflight_cache();
                }
                let outcome =
                    runtime.block_on(browser.page(PAGE).fetch(&mut router, request.clone()));
                assert_eq!(outcome.exchanges.len(), requests.len());
                black_box(outcome)
            });
        });
    }
    group.finish();
}

criterion_group!(benches, model);
criterion_main!(benches);

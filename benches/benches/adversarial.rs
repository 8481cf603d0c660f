//! Preflights built to cost work: 8 KiB of commas or of unknown names in
//! `Access-Control-Request-Headers`, and an 8 KiB `Origin`, against an ordinary rejected
//! preflight (a method the policy does not list).

use std::fmt::Write as _;

use cors_benches::{API, ours, request};
use criterion::{Criterion, criterion_group, criterion_main};
use http::{HeaderMap, Method, StatusCode};
use std::hint::black_box;

const KIB8: usize = 8 * 1024;

fn unknown_names() -> String {
    let mut list = String::new();
    let mut i = 0;
    while list.len() < KIB8 - 16 {
        let _ = write!(list, "x-unknown-{i:04},");
        i += 1;
    }
    list
}

fn adversarial(c: &mut Criterion) {
    let commas = ",".repeat(KIB8);
    let names = unknown_names();
    let long_origin = format!("https://{}.example.com", "a".repeat(KIB8 - 20));
    let app = "https://app.example.com";
    let cases: [(&str, Vec<(&str, &str)>); 4] = [
        (
            "ordinary_rejection",
            vec![("origin", app), ("access-control-request-method", "PATCH")],
        ),
        (
            "headers_8k_commas",
            vec![
                ("origin", app),
                ("access-control-request-method", "PUT"),
                ("access-control-request-headers", &commas),
            ],
        ),
        (
            "headers_8k_unknown_names",
            vec![
                ("origin", app),
                ("access-control-request-method", "PUT"),
                ("access-control-request-headers", &names),
            ],
        ),
        (
            "origin_8k",
            vec![
                ("origin", &long_origin),
                ("access-control-request-method", "PUT"),
            ],
        ),
    ];
    let mut group = c.benchmark_group("adversarial");
    for (name, pairs) in cases {
        let request = request(Method::OPTIONS, &pairs);
        let mut out = HeaderMap::with_capacity(16);
        assert_eq!(
            ours(&API, &Method::OPTIONS, request.headers(), &mut out),
            StatusCode::FORBIDDEN,
            "{name}"
        );
        group.bench_function(name, |b| {
            b.iter(|| {
                out.clear();
                black_box(ours(
                    &API,
                    black_box(&Method::OPTIONS),
                    black_box(request.headers()),
                    &mut out,
                ));
            });
        });
    }
    group.finish();
}

criterion_group!(benches, adversarial);
criterion_main!(benches);

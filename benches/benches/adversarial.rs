//! Preflights built to cost work: 8 KiB of commas or of unknown names in
//! `Access-Control-Request-Headers`, and an 8 KiB `Origin`, against an ordinary rejected
//! preflight (a method the policy does not list). The requests are `adversarial_request`'s,
//! which the instruction counts use too.

use cors_benches::{ADVERSARIAL, API, adversarial_request, ours};
use criterion::{Criterion, criterion_group, criterion_main};
use http::{HeaderMap, Method, StatusCode};
use std::hint::black_box;

fn adversarial(c: &mut Criterion) {
    let mut group = c.benchmark_group("adversarial");
    for name in ADVERSARIAL {
        let request = adversarial_request(name).expect("an adversarial case");
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

//! Origins from configuration: a policy built at startup with `with_origins` against the
//! compiled policy with the same origins, per request, at 1, 1 000 and 10 000 exact origins
//! (each with the same 100 `*.` patterns); and what building the 10 000-origin one costs.

use cors_benches::{ORIGINS_1, ORIGINS_1000, ORIGINS_10000, ours, request};
use cors_runtime::CorsPolicy;
use criterion::{Criterion, criterion_group, criterion_main};
use http::{HeaderMap, Method};
use std::hint::black_box;

fn per_request(c: &mut Criterion) {
    let mut group = c.benchmark_group("config");
    let policies: [(usize, &CorsPolicy); 3] = [
        (1, &ORIGINS_1),
        (1_000, &ORIGINS_1000),
        (10_000, &ORIGINS_10000),
    ];
    for (size, compiled) in policies {
        let startup = compiled
            .with_origins(compiled.origin_patterns())
            .expect("the compiled origins pass again");
        let last = format!("https://customer-{:05}.example.com", size - 1);
        let cases = [
            ("hit", last.as_str()),
            ("miss", "https://customer-99999.example.com"),
            ("subdomain_hit", "https://eu.tenant-099.example.net"),
        ];
        for (name, origin) in cases {
            let request = request(Method::GET, &[("origin", origin)]);
            let headers = request.headers();
            let mut out = HeaderMap::with_capacity(16);
            // The same answer from both, or the comparison means nothing.
            let compiled_status = ours(compiled, &Method::GET, headers, &mut out);
            let compiled_headers = std::mem::replace(&mut out, HeaderMap::with_capacity(16));
            let startup_status = ours(&startup, &Method::GET, headers, &mut out);
            assert_eq!((compiled_status, &compiled_headers), (startup_status, &out));
            for (who, policy) in [("compiled", compiled), ("startup", &startup)] {
                group.bench_function(format!("{who}_{name}/{size}"), |b| {
                    b.iter(|| {
                        out.clear();
                        black_box(ours(
                            policy,
                            black_box(&Method::GET),
                            black_box(headers),
                            &mut out,
                        ));
                    });
                });
            }
        }
    }
    group.finish();
}

fn build(c: &mut Criterion) {
    let origins = ORIGINS_10000.origin_patterns();
    assert_eq!(origins.len(), 10_100);
    let mut group = c.benchmark_group("config");
    group.sample_size(10);
    group.bench_function("build/10000", |b| {
        b.iter(|| black_box(ORIGINS_10000.with_origins(black_box(&origins)).is_ok()));
    });
    group.finish();
}

criterion_group!(benches, per_request, build);
criterion_main!(benches);

//! `check` + `write_headers` for an actual request as the policy grows from 1 to 10 000 exact
//! origins, each with the same 100 subdomain patterns: a hit, a miss, and a subdomain hit.

use cors_benches::{
    ORIGINS_1, ORIGINS_10, ORIGINS_100, ORIGINS_1000, ORIGINS_10000, ours, request,
};
use cors_runtime::CorsPolicy;
use criterion::{Criterion, criterion_group, criterion_main};
use http::{HeaderMap, Method};
use std::hint::black_box;

fn scaling(c: &mut Criterion) {
    let policies: [(usize, &CorsPolicy); 5] = [
        (1, &ORIGINS_1),
        (10, &ORIGINS_10),
        (100, &ORIGINS_100),
        (1_000, &ORIGINS_1000),
        (10_000, &ORIGINS_10000),
    ];
    let mut group = c.benchmark_group("scaling");
    for (size, policy) in policies {
        let last = format!("https://customer-{:05}.example.com", size - 1);
        let cases = [
            ("hit", last.as_str(), true),
            ("miss", "https://customer-99999.example.com", false),
            ("subdomain_hit", "https://eu.tenant-099.example.net", true),
        ];
        for (name, origin, allowed) in cases {
            let request = request(Method::GET, &[("origin", origin)]);
            assert_eq!(
                policy.allows_origin(origin.as_bytes()),
                allowed,
                "{size} {origin}"
            );
            let mut out = HeaderMap::with_capacity(16);
            group.bench_function(format!("{name}/{size}"), |b| {
                b.iter(|| {
                    out.clear();
                    black_box(ours(
                        policy,
                        black_box(&Method::GET),
                        black_box(request.headers()),
                        &mut out,
                    ));
                });
            });
        }
    }
    group.finish();
}

criterion_group!(benches, scaling);
criterion_main!(benches);

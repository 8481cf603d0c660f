//! `refuse_cross_origin_writes`: the same requests under the same policy with the key off and
//! on, and one header lookup, the most the rule may add to an allowed write.

use cors_benches::{API, API_WRITES, WRITES, one_lookup, ours, write_request};
use criterion::{Criterion, criterion_group, criterion_main};
use http::{HeaderMap, StatusCode};
use std::hint::black_box;

fn writes(c: &mut Criterion) {
    let mut group = c.benchmark_group("writes");
    for (name, _, _) in WRITES {
        let request = write_request(name).expect("a write case");
        let (method, headers) = (request.method(), request.headers());
        let mut out = HeaderMap::with_capacity(16);
        // The key changes the answer of refused writes only.
        let off = ours(&API, method, headers, &mut out);
        let on = ours(&API_WRITES, method, headers, &mut out);
        let refused_write = name.starts_with("post_refused");
        assert_eq!(off == on, !refused_write, "{name}");
        assert!(!refused_write || on == StatusCode::FORBIDDEN, "{name}");
        for (key, policy) in [("off", &API), ("on", &API_WRITES)] {
            group.bench_function(format!("{key}/{name}"), |b| {
                b.iter(|| {
                    out.clear();
                    black_box(ours(
                        policy,
                        black_box(method),
                        black_box(headers),
                        &mut out,
                    ));
                });
            });
        }
    }
    let request = write_request("post_allowed").expect("a write case");
    group.bench_function("one_lookup", |b| {
        b.iter(|| black_box(one_lookup(black_box(request.headers()))));
    });
    group.finish();
}

criterion_group!(benches, writes);
criterion_main!(benches);

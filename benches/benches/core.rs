//! Our `check` + `write_headers` against the hand-written floor, request kind by request kind.

use cors_benches::{API, Kind, floor, ours};
use criterion::{Criterion, criterion_group, criterion_main};
use http::HeaderMap;
use std::hint::black_box;

fn core(c: &mut Criterion) {
    // Built with `--features tracing` (and no subscriber), the same benchmarks under their own
    // name, so that one report compares the two builds.
    let name = if cfg!(feature = "tracing") {
        "core_tracing"
    } else {
        "core"
    };
    let mut group = c.benchmark_group(name);
    for kind in Kind::ALL {
        let request = kind.request();
        let (method, headers) = (request.method(), request.headers());
        let mut out = HeaderMap::with_capacity(16);
        // Both must write the same headers, or the comparison means nothing.
        let ours_status = ours(&API, method, headers, &mut out);
        let ours_headers = std::mem::replace(&mut out, HeaderMap::with_capacity(16));
        let floor_status = floor(kind, method, headers, &mut out);
        assert_eq!(
            (ours_status, &ours_headers),
            (floor_status, &out),
            "{kind:?}"
        );

        group.bench_function(format!("ours/{}", kind.name()), |b| {
            b.iter(|| {
                out.clear();
                black_box(ours(&API, black_box(method), black_box(headers), &mut out));
            });
        });
        group.bench_function(format!("floor/{}", kind.name()), |b| {
            b.iter(|| {
                out.clear();
                black_box(floor(kind, black_box(method), black_box(headers), &mut out));
            });
        });
    }
    group.finish();
}

criterion_group!(benches, core);
criterion_main!(benches);

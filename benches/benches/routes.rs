//! Choosing a policy by path: an allowed request through the layer with 0, 1, 10 and 100
//! prefixes, to a path under the last prefix and to one that no prefix covers. The choice is one
//! hash per segment boundary of the path, so the figures stay flat as prefixes are added.

use cors_benches::{Noop, ROUTE_COUNTS, drive, routed_layer, routed_request, routed_uri};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use tower_layer::Layer;

fn routes(c: &mut Criterion) {
    let mut group = c.benchmark_group("routes");
    for n in ROUTE_COUNTS {
        for (which, chosen) in [("chosen", true), ("none", false)] {
            let uri = routed_uri(n, chosen);
            let mut service = routed_layer(n).layer(Noop);
            let status = drive(&mut service, routed_request(&uri)).status();
            assert!(status.is_success(), "{n}/{which}");
            group.bench_function(format!("{n}/{which}"), |b| {
                b.iter(|| black_box(drive(&mut service, black_box(routed_request(&uri)))));
            });
        }
    }
    group.finish();
}

criterion_group!(benches, routes);
criterion_main!(benches);

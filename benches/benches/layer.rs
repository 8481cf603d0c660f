//! The layers around the same no-op service, request by request as axum drives them: ours,
//! tower-http's `CorsLayer` with the same policy, and the no-op service alone.

use cors_benches::{
    API, EXACT_1000, Kind, Noop, ORIGINS_1000, drive, request, tower_http_layer,
    tower_http_layer_1000,
};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use http::{Method, Request};
use std::hint::black_box;
use tower_layer::Layer;

fn bench_service<S>(
    c: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    mut service: S,
    request: &Request<()>,
) where
    S: tower_service::Service<
            Request<()>,
            Response = http::Response<()>,
            Error = std::convert::Infallible,
        >,
{
    c.bench_function(name, |b| {
        b.iter_batched(
            || request.clone(),
            |request| black_box(drive(&mut service, black_box(request))),
            BatchSize::SmallInput,
        );
    });
}

fn layers(c: &mut Criterion) {
    let mut group = c.benchmark_group("layer");
    let tower_http = tower_http_layer();
    // The same policy behind a reloadable layer, which reads it through one atomic load, and
    // behind a shared one, which does not: the difference is the reloading's own cost.
    let startup = API
        .with_origins(API.origin_patterns())
        .expect("the compiled origins pass again");
    let startup = std::sync::Arc::new(startup);
    let shared = cors_runtime::CorsLayer::shared(std::sync::Arc::clone(&startup));
    let (reloadable, _handle) = cors_runtime::CorsLayer::reloadable(startup);
    for kind in Kind::ALL {
        let request = kind.request();
        // Same verdict from both, or the comparison means nothing.
        let ours_status = drive(&mut API.layer().layer(Noop), request.clone()).status();
        let theirs = drive(&mut tower_http.layer(Noop), request.clone());
        let theirs_allowed = theirs
            .headers()
            .contains_key(http::header::ACCESS_CONTROL_ALLOW_ORIGIN);
        assert_eq!(
            ours_status.is_success(),
            kind != Kind::PreflightRejected,
            "{kind:?}"
        );
        assert_eq!(
            theirs_allowed,
            !matches!(kind, Kind::ActualDisallowed | Kind::NoOrigin),
            "{kind:?}: tower-http allows the origin where we do"
        );

        bench_service(&mut group, &format!("noop/{}", kind.name()), Noop, &request);
        bench_service(
            &mut group,
            &format!("ours/{}", kind.name()),
            API.layer().layer(Noop),
            &request,
        );
        bench_service(
            &mut group,
            &format!("tower_http/{}", kind.name()),
            tower_http.layer(Noop),
            &request,
        );
        let shared_response = drive(&mut shared.layer(Noop), request.clone());
        let reloadable_response = drive(&mut reloadable.layer(Noop), request.clone());
        assert_eq!(shared_response.headers(), reloadable_response.headers());
        bench_service(
            &mut group,
            &format!("shared/{}", kind.name()),
            shared.layer(Noop),
            &request,
        );
        bench_service(
            &mut group,
            &format!("reloadable/{}", kind.name()),
            reloadable.layer(Noop),
            &request,
        );
    }

    // 1 000 exact origins: a hit on the last one listed, and a miss.
    let theirs = tower_http_layer_1000();
    let last = EXACT_1000[999];
    for (name, origin) in [
        ("hit", last),
        ("miss", "https://customer-99999.example.com"),
    ] {
        let request = request(Method::GET, &[("origin", origin)]);
        bench_service(
            &mut group,
            &format!("noop/origins_1000_{name}"),
            Noop,
            &request,
        );
        bench_service(
            &mut group,
            &format!("ours/origins_1000_{name}"),
            ORIGINS_1000.layer().layer(Noop),
            &request,
        );
        bench_service(
            &mut group,
            &format!("tower_http/origins_1000_{name}"),
            theirs.layer(Noop),
            &request,
        );
    }
    group.finish();
}

criterion_group!(benches, layers);
criterion_main!(benches);

//! The actix-web middlewares around the same no-op handler, request by request as actix-web
//! calls them: ours (`actix::Cors`), actix-cors 0.7 with the same policy, and the handler alone.

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, fn_service};
use actix_web::http::header;
use actix_web::{Error, HttpResponse};
use cors_benches::{API, Kind, actix_cors};
use cors_tests::now;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use std::future::{Ready, ready};
use std::hint::black_box;

/// The handler every middleware wraps: an empty 200.
fn noop() -> impl Service<
    ServiceRequest,
    Response = ServiceResponse,
    Error = Error,
    Future = Ready<Result<ServiceResponse, Error>>,
> {
    fn_service(|request: ServiceRequest| {
        ready(Ok(request.into_response(HttpResponse::Ok().finish())))
    })
}

fn bench_service<S, B>(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    service: &S,
    kind: Kind,
) where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody,
{
    group.bench_function(name, |b| {
        b.iter_batched(
            || kind.actix_request(),
            |request| black_box(sent(now(service.call(black_box(request))))),
            BatchSize::SmallInput,
        );
    });
}

/// The response dropped, as a server drops it once sent, so that its head (and the header map,
/// with its room) goes back to actix-web's pool within the measurement; the request is returned,
/// to be dropped outside it, since freeing the test request's own allocations is no
/// middleware's cost.
fn sent<B>(response: Result<ServiceResponse<B>, Error>) -> Option<actix_web::HttpRequest> {
    let (request, response) = response.ok()?.into_parts();
    drop(response);
    Some(request)
}

/// Whether the response lets the origin read it.
fn allows<B>(response: &Result<ServiceResponse<B>, Error>) -> bool {
    match response {
        Ok(response) => response
            .headers()
            .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN),
        Err(_) => false,
    }
}

fn middlewares(c: &mut Criterion) {
    let mut group = c.benchmark_group("actix");
    let handler = noop();
    let ours = now(API.actix().new_transform(noop())).expect("ours");
    let theirs = now(actix_cors().new_transform(noop())).expect("actix-cors");
    for kind in Kind::ALL {
        // Same verdict from both, or the comparison means nothing.
        let expected = !matches!(
            kind,
            Kind::ActualDisallowed | Kind::NoOrigin | Kind::PreflightRejected
        );
        assert_eq!(
            allows(&now(ours.call(kind.actix_request()))),
            expected,
            "ours, {kind:?}"
        );
        assert_eq!(
            allows(&now(theirs.call(kind.actix_request()))),
            expected,
            "actix-cors, {kind:?}"
        );
        bench_service(&mut group, &format!("noop/{}", kind.name()), &handler, kind);
        bench_service(&mut group, &format!("ours/{}", kind.name()), &ours, kind);
        bench_service(
            &mut group,
            &format!("actix_cors/{}", kind.name()),
            &theirs,
            kind,
        );
    }
    group.finish();
}

criterion_group!(benches, middlewares);
criterion_main!(benches);

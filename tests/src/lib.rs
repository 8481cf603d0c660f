//! What the integration tests and the benchmarks share: requests whose header values are
//! slices of one buffer, as hyper makes them, and a no-op service driven the way a server
//! drives it. It is light on purpose: building the tests compiles nothing of the benchmarks.

use std::convert::Infallible;
use std::future::{Future, Ready, ready};
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use http::header::{HeaderName, HeaderValue};
use http::{Method, Request, Response};
use tower_service::Service;

/// A request whose header values are slices of one shared buffer, as hyper makes them.
///
/// # Panics
/// If a name or value is not valid in a header.
#[must_use]
pub fn request(method: Method, pairs: &[(&str, &str)]) -> Request<()> {
    let mut request = Request::new(());
    *request.method_mut() = method;
    for (name, value) in shared_values(pairs) {
        request.headers_mut().append(
            HeaderName::from_bytes(name.as_bytes()).expect("a valid name"),
            HeaderValue::from_maybe_shared(value).expect("a valid value"),
        );
    }
    request
}

/// The same request for actix-web: its header values slices of one shared buffer, as
/// actix-web's parser makes them.
///
/// # Panics
/// If a name or value is not valid in a header.
#[must_use]
pub fn actix_request(method: &Method, pairs: &[(&str, &str)]) -> actix_web::dev::ServiceRequest {
    let method = actix_web::http::Method::from_bytes(method.as_str().as_bytes()).expect("a method");
    let mut request = actix_web::test::TestRequest::default().method(method);
    for (name, value) in shared_values(pairs) {
        let value =
            actix_web::http::header::HeaderValue::from_maybe_shared(value).expect("a valid value");
        request = request.append_header((name, value));
    }
    request.to_srv_request()
}

/// Each value of `pairs` as a slice of one shared buffer, as a server's parser makes them:
/// cloning one shares it instead of copying it.
#[must_use]
pub fn shared_values<'a>(pairs: &[(&'a str, &str)]) -> Vec<(&'a str, bytes::Bytes)> {
    let mut buffer = bytes::BytesMut::new();
    for (_, value) in pairs {
        buffer.extend_from_slice(value.as_bytes());
    }
    pairs
        .iter()
        .map(|(name, value)| (*name, buffer.split_to(value.len()).freeze()))
        .collect()
}

/// The no-op service every layer wraps: an empty 200.
#[derive(Clone, Copy, Debug, Default)]
pub struct Noop;

impl Service<Request<()>> for Noop {
    type Response = Response<()>;
    type Error = Infallible;
    type Future = Ready<Result<Response<()>, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: Request<()>) -> Self::Future {
        ready(Ok(Response::new(())))
    }
}

/// The output of a future that is ready at once (a middleware around a handler that does not
/// wait), without a runtime.
///
/// # Panics
/// If the future is not ready at its first poll.
pub fn now<F: Future>(future: F) -> F::Output {
    let mut context = Context::from_waker(Waker::noop());
    match pin!(future).poll(&mut context) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the future waits"),
    }
}

/// One request through `service` as a server drives it: `poll_ready`, `call`, then polling the
/// future, which is ready at once here.
///
/// # Panics
/// If the service is not ready at once, or fails.
pub fn drive<S>(service: &mut S, request: Request<()>) -> Response<()>
where
    S: Service<Request<()>, Response = Response<()>, Error = Infallible>,
{
    let mut context = Context::from_waker(Waker::noop());
    assert!(service.poll_ready(&mut context).is_ready());
    let mut future = pin!(service.call(request));
    match future.as_mut().poll(&mut context) {
        Poll::Ready(Ok(response)) => response,
        Poll::Ready(Err(never)) => match never {},
        Poll::Pending => panic!("the no-op service is ready at once"),
    }
}

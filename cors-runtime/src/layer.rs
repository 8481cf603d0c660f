//! The tower integration (feature `tower`): a [`CorsLayer`] for axum, hyper and tonic.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::{Request, Response};
use pin_project_lite::pin_project;
use tower_layer::Layer;
use tower_service::Service;

use crate::actual::Actual;
use crate::policy::{CorsPolicy, Verdict};

/// A [`tower` layer](tower_layer::Layer) that answers preflights and adds CORS headers to
/// every other response, under one [`CorsPolicy`].
///
/// Preflights are answered by the layer with an empty `ResBody::default()` body and never reach
/// the inner service; every other request goes to the inner service, and its response (whatever
/// its status) gets the policy's headers. Nothing is boxed and nothing is allocated per request
/// beyond the headers written into the response.
///
/// ```
/// use cors_runtime::{cors_policy, CorsLayer, CorsPolicy};
///
/// static API: CorsPolicy = cors_policy! { allow_origins: ["https://app.example.com"] };
///
/// // Either form gives the same layer; with axum: `Router::new().route(…).layer(API.layer())`.
/// let layer: CorsLayer = API.layer();
/// let same = CorsLayer::new(&API);
/// assert!(std::ptr::eq(layer.policy(), same.policy()));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct CorsLayer {
    policy: &'static CorsPolicy,
}

impl CorsLayer {
    /// A layer that applies `policy`.
    #[must_use]
    pub const fn new(policy: &'static CorsPolicy) -> Self {
        Self { policy }
    }

    /// The policy this layer applies.
    #[must_use]
    pub const fn policy(&self) -> &'static CorsPolicy {
        self.policy
    }
}

impl CorsPolicy {
    /// A [`CorsLayer`] applying this policy (feature `tower`).
    #[must_use]
    pub const fn layer(&'static self) -> CorsLayer {
        CorsLayer::new(self)
    }
}

impl<S> Layer<S> for CorsLayer {
    type Service = Cors<S>;

    fn layer(&self, inner: S) -> Cors<S> {
        Cors {
            inner,
            policy: self.policy,
        }
    }
}

/// The service a [`CorsLayer`] wraps around an inner service.
///
/// ```
/// use cors_runtime::{cors_policy, Cors, CorsPolicy};
/// use tower_layer::Layer; // re-exported as `tower::Layer`
///
/// static API: CorsPolicy = cors_policy! { allow_origins: ["https://app.example.com"] };
///
/// #[derive(Debug, PartialEq)]
/// struct Handler;
///
/// let service: Cors<Handler> = API.layer().layer(Handler);
/// assert_eq!(service.get_ref(), &Handler);
/// assert_eq!(service.into_inner(), Handler);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Cors<S> {
    inner: S,
    policy: &'static CorsPolicy,
}

impl<S> Cors<S> {
    /// The inner service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The inner service, mutably.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// The inner service, unwrapped.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for Cors<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: Default,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, ResBody>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        match self.policy.check(request.method(), request.headers()) {
            Verdict::Preflight(preflight) => {
                let mut response = Response::new(ResBody::default());
                *response.status_mut() = preflight.status();
                preflight.write_headers(response.headers_mut());
                ResponseFuture {
                    state: State::Preflight {
                        response: Some(response),
                    },
                }
            }
            Verdict::Actual(actual) => ResponseFuture {
                state: State::Actual {
                    future: self.inner.call(request),
                    actual: actual.detach(),
                },
            },
        }
    }
}

pin_project! {
    /// The future of [`Cors`]: a preflight's ready answer, or the inner service's response
    /// with the CORS headers added.
    pub struct ResponseFuture<F, B> {
        #[pin]
        state: State<F, B>,
    }
}

pin_project! {
    #[project = StateProjection]
    enum State<F, B> {
        Preflight { response: Option<Response<B>> },
        Actual {
            #[pin]
            future: F,
            actual: Actual<'static>,
        },
    }
}

impl<F, B, E> Future for ResponseFuture<F, B>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            StateProjection::Preflight { response } => {
                Poll::Ready(Ok(response.take().expect("polled after completion")))
            }
            StateProjection::Actual { future, actual } => {
                let mut response = std::task::ready!(future.poll(cx))?;
                actual.write_headers(response.headers_mut());
                Poll::Ready(Ok(response))
            }
        }
    }
}

impl<F, B> std::fmt::Debug for ResponseFuture<F, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

//! The tower integration (feature `tower`): a [`CorsLayer`] for axum, hyper and tonic.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::{Request, Response};
use pin_project_lite::pin_project;
use tower_layer::Layer;
use tower_service::Service;

use crate::actual::{Actual, ActualOrigin};
use crate::policy::CorsPolicy;
use crate::verdict::Verdict;

/// A [`tower` layer](tower_layer::Layer) that answers preflights and adds CORS headers to
/// every other response, under one [`CorsPolicy`].
///
/// Preflights are answered by the layer with an empty `ResBody::default()` body and never reach
/// the inner service; every other request goes to the inner service, and its response (whatever
/// its status) gets the policy's headers. Nothing is boxed and nothing is allocated per request
/// beyond the headers written into the response.
///
/// The policy can be a `static` ([`CorsLayer::new`], [`CorsPolicy::layer`]), owned or shared
/// ([`CorsLayer::shared`], for a policy built at startup), or replaceable while serving
/// ([`CorsLayer::reloadable`], feature `config`).
///
/// ```
/// use cors_runtime::{cors_policy, CorsLayer, CorsPolicy};
///
/// static API: CorsPolicy = cors_policy! { allow_origins: ["https://app.example.com"] };
///
/// // Either form gives the same layer; with axum: `Router::new().route(…).layer(API.layer())`.
/// let layer: CorsLayer = API.layer();
/// let same = CorsLayer::new(&API);
/// # drop((layer, same));
/// ```
#[derive(Clone, Debug)]
pub struct CorsLayer {
    source: Source,
}

/// Where a layer's policy comes from.
#[derive(Clone, Debug)]
enum Source {
    Static(&'static CorsPolicy),
    Shared(Arc<CorsPolicy>),
    #[cfg(feature = "config")]
    Reloadable(Arc<arc_swap::ArcSwap<CorsPolicy>>),
}

impl CorsLayer {
    /// A layer that applies a `static` policy.
    #[must_use]
    pub const fn new(policy: &'static CorsPolicy) -> Self {
        Self {
            source: Source::Static(policy),
        }
    }

    /// A layer that applies an owned or shared policy, such as one built at startup with
    /// [`CorsPolicy::with_origins`] (feature `config`).
    ///
    /// ```
    /// use cors_runtime::{cors_policy, CorsLayer, CorsPolicy};
    ///
    /// let policy: CorsPolicy = cors_policy! { allow_origins: ["https://app.example.com"] };
    /// let layer = CorsLayer::shared(policy);
    /// # drop(layer);
    /// ```
    #[must_use]
    pub fn shared(policy: impl Into<Arc<CorsPolicy>>) -> Self {
        Self {
            source: Source::Shared(policy.into()),
        }
    }

    /// A layer whose policy can be replaced while it serves, and the handle that replaces it
    /// (feature `config`).
    ///
    /// Each request is answered by the policy in place when it arrives, whole: the old one or
    /// the new one, never a mix. Finding it costs one atomic load per request; no lock, no
    /// allocation. A service keeps the last policy it used until its next request.
    ///
    /// ```
    /// use cors_runtime::{cors_policy, CorsLayer, CorsPolicy};
    ///
    /// static API: CorsPolicy = cors_policy! { allow_origins: ["https://app.example.com"] };
    ///
    /// let (layer, handle) = CorsLayer::reloadable(API.with_origins(["https://a.example"])?);
    /// handle.set_origins(["https://b.example"])?;
    /// assert!(handle.current().allows_origin(b"https://b.example"));
    /// // A refused update changes nothing.
    /// assert!(handle.set_origins(["https://b.example/"]).is_err());
    /// assert!(handle.current().allows_origin(b"https://b.example"));
    /// # drop(layer);
    /// # Ok::<(), cors_runtime::ConfigError>(())
    /// ```
    #[cfg(feature = "config")]
    #[cfg_attr(docsrs, doc(cfg(feature = "config")))]
    #[must_use]
    pub fn reloadable(policy: impl Into<Arc<CorsPolicy>>) -> (Self, ReloadHandle) {
        let swap = Arc::new(arc_swap::ArcSwap::new(policy.into()));
        let handle = ReloadHandle {
            swap: Arc::clone(&swap),
        };
        let layer = Self {
            source: Source::Reloadable(swap),
        };
        (layer, handle)
    }
}

impl From<CorsPolicy> for CorsLayer {
    fn from(policy: CorsPolicy) -> Self {
        Self::shared(policy)
    }
}

impl From<Arc<CorsPolicy>> for CorsLayer {
    fn from(policy: Arc<CorsPolicy>) -> Self {
        Self::shared(policy)
    }
}

/// Replaces the policy of a [`CorsLayer::reloadable`] layer while it serves (feature `config`).
#[cfg(feature = "config")]
#[derive(Clone, Debug)]
pub struct ReloadHandle {
    swap: Arc<arc_swap::ArcSwap<CorsPolicy>>,
}

#[cfg(feature = "config")]
impl ReloadHandle {
    /// Puts `policy` in place: requests that arrive from now on are answered by it.
    pub fn replace(&self, policy: impl Into<Arc<CorsPolicy>>) {
        self.swap.store(policy.into());
    }

    /// Replaces the origins of the serving policy, checked as
    /// [`CorsPolicy::with_origins`] checks them. The policy is swapped only when every origin
    /// passes; a refused update leaves the serving policy untouched.
    ///
    /// # Errors
    /// Every problem of the list, as [`CorsPolicy::with_origins`] reports them.
    pub fn set_origins<I, S>(&self, origins: I) -> Result<(), crate::ConfigError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let next = self.swap.load().with_origins(origins)?;
        self.swap.store(Arc::new(next));
        Ok(())
    }

    /// The policy in place now.
    #[must_use]
    pub fn current(&self) -> Arc<CorsPolicy> {
        self.swap.load_full()
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
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
        let policy = match &self.source {
            Source::Static(policy) => ServicePolicy::Static(policy),
            Source::Shared(policy) => ServicePolicy::Shared(Arc::clone(policy)),
            #[cfg(feature = "config")]
            Source::Reloadable(swap) => {
                ServicePolicy::Reloadable(arc_swap::Cache::new(Arc::clone(swap)))
            }
        };
        Cors { inner, policy }
    }
}

/// The service a [`CorsLayer`] wraps around an inner service.
///
/// ```
/// use cors_runtime::{cors_policy, Cors, CorsPolicy};
/// use cors_runtime::Layer; // tower's `Layer` trait, re-exported
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
#[derive(Clone, Debug)]
pub struct Cors<S> {
    inner: S,
    policy: ServicePolicy,
}

/// A service's view of its layer's policy. A reloadable policy is read through a cache that
/// costs one atomic load while the policy is unchanged.
#[derive(Clone, Debug)]
enum ServicePolicy {
    Static(&'static CorsPolicy),
    Shared(Arc<CorsPolicy>),
    #[cfg(feature = "config")]
    Reloadable(arc_swap::Cache<Arc<arc_swap::ArcSwap<CorsPolicy>>, Arc<CorsPolicy>>),
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
        // A `'static` policy is kept by reference, and its exact origins stay borrowed; a shared
        // one by reference count, with the verdict owning what it writes.
        let decided = match &mut self.policy {
            ServicePolicy::Static(policy) => {
                decide(policy, &request).map(|origin| (Held::Static(policy), origin))
            }
            ServicePolicy::Shared(policy) => decide(policy, &request)
                .map(|origin| (Held::Shared(Arc::clone(policy)), origin.detach())),
            #[cfg(feature = "config")]
            ServicePolicy::Reloadable(cache) => {
                let policy = cache.load();
                decide(policy, &request)
                    .map(|origin| (Held::Shared(Arc::clone(policy)), origin.detach()))
            }
        };
        let state = match decided {
            Ok((policy, origin)) => State::Actual {
                future: self.inner.call(request),
                policy,
                origin,
            },
            Err(response) => State::Preflight {
                response: Some(response),
            },
        };
        ResponseFuture { state }
    }
}

/// A preflight's answer, or the decision about an actual request's `Origin`.
fn decide<'p, ReqBody, ResBody: Default>(
    policy: &'p CorsPolicy,
    request: &Request<ReqBody>,
) -> Result<ActualOrigin<'p>, Response<ResBody>> {
    match policy.check(request.method(), request.headers()) {
        Verdict::Preflight(preflight) => {
            let mut response = Response::new(ResBody::default());
            *response.status_mut() = preflight.status();
            preflight.write_headers(response.headers_mut());
            Err(response)
        }
        Verdict::Actual(actual) => Ok(actual.into_origin()),
    }
}

/// The policy an actual request's future keeps until the response is there.
enum Held {
    Static(&'static CorsPolicy),
    Shared(Arc<CorsPolicy>),
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
            policy: Held,
            origin: ActualOrigin<'static>,
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
            StateProjection::Actual {
                future,
                policy,
                origin,
            } => {
                let mut response = std::task::ready!(future.poll(cx))?;
                let policy = match policy {
                    Held::Static(policy) => policy,
                    Held::Shared(policy) => &**policy,
                };
                let origin = std::mem::replace(origin, ActualOrigin::Refused);
                Actual::new(policy, origin).write_headers(response.headers_mut());
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

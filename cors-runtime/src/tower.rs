//! The tower integration (feature `tower`): a [`CorsLayer`] for axum, hyper and tonic, the
//! [`Cors`] service it wraps around an inner one, and that service's [`ResponseFuture`].

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use std::ops::ControlFlow;

use http::{HeaderMap, HeaderValue, Method, Request, Response, Uri};
use pin_project_lite::pin_project;
use tower_layer::Layer;
use tower_service::Service;

use crate::actual::{self, ActualOrigin};
use crate::policy::CorsPolicy;
use crate::routes::RouteError;
#[cfg(feature = "config")]
use crate::source::ReloadHandle;
use crate::source::{Kept, Policies, ResponsePolicy, RoutePolicy, ServicePolicies, Source};
use crate::writes::{Head, RequestMethod};

/// A [`tower` layer](tower_layer::Layer) that answers preflights and adds CORS headers to
/// every other response, under one [`CorsPolicy`].
///
/// Preflights are answered by the layer with an empty `ResBody::default()` body and never reach
/// the inner service, and so are writes the policy refuses (`refuse_cross_origin_writes`: 403,
/// no CORS header); every other request goes to the inner service, and its response (whatever
/// its status) gets the policy's headers. Nothing is boxed and nothing is allocated per request
/// beyond the headers written into the response.
///
/// The policy can be a `static` ([`CorsLayer::new`], [`CorsPolicy::layer`]), owned or shared
/// ([`CorsLayer::shared`], for a policy built at startup), or replaceable while serving
/// ([`CorsLayer::reloadable`], feature `config`). Several policies, each for the paths under a
/// prefix, go on one layer with [`CorsLayer::route`].
///
/// **Stacked layers.** When a request passes through more than one of this crate's layers (an
/// app-wide one around a nested router with its own), the innermost one decides the actual
/// response's CORS headers, and the outer ones leave its answer as it is: an outer layer never
/// widens an inner, stricter policy. But the outer layer sees every preflight first and answers it
/// by its own policy, and refuses the writes its own policy refuses before the inner one sees
/// them. The first time a layer finds itself around another (feature `tracing`), it emits one
/// WARN event, target `cors_runtime`, saying so: give the inner routes their policy with
/// [`CorsLayer::route`] instead. A layer recognises an inner one's answer by a mark on a line
/// that the inner one wrote: the value's "sensitive" flag, which HTTP/1.1 never sends and which
/// HTTP/2 only keeps out of its header compression table.
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
    policies: Policies,
}

impl CorsLayer {
    /// A layer that applies a `static` policy.
    #[must_use]
    pub const fn new(policy: &'static CorsPolicy) -> Self {
        Self::from_source(Source::Static(policy))
    }

    const fn from_source(source: Source) -> Self {
        Self {
            policies: Policies::new(source),
        }
    }

    /// This layer, with `policy` for `prefix` and every path under it: a request is answered by
    /// the policy of the longest prefix that covers its path, on segment boundaries (`/admin`
    /// covers `/admin` and `/admin/users`, never `/administrator`), and by the layer's own policy
    /// when none does. That policy answers its preflights, writes its responses' headers and
    /// refuses its cross-origin writes; choosing it allocates nothing, and costs the same with
    /// 1 prefix or 100.
    ///
    /// `policy` is a `&'static CorsPolicy`, an owned or shared one, or a
    /// [`RoutePolicy::reloadable`] one with its own handle. Prefixes are compared with the
    /// request's path as the layer sees it, byte for byte: inside axum's `Router::nest`, the
    /// path under the nested router's prefix.
    ///
    /// ```
    /// use cors_runtime::{cors_policy, CorsLayer, CorsPolicy};
    ///
    /// static APP: CorsPolicy = cors_policy! { allow_origins: ["https://app.example.com"] };
    /// static ADMIN: CorsPolicy = cors_policy! {
    ///     allow_origins: ["https://admin.example.com"],
    ///     allow_methods: [DELETE],
    ///     refuse_cross_origin_writes: true,
    /// };
    ///
    /// let layer = CorsLayer::new(&APP).route("/admin", &ADMIN)?;
    /// // With axum: `Router::new().route(…).nest("/admin", admin).layer(layer)`.
    /// # drop(layer);
    /// # Ok::<(), cors_runtime::RouteError>(())
    /// ```
    ///
    /// # Errors
    /// A prefix that is not a path (no leading `/`, `/` alone, a trailing `/`, a query, a
    /// parameter, `.` or `..`, percent-encoding) or that was given before: [`RouteError`] says
    /// what to write instead.
    pub fn route(self, prefix: &str, policy: impl Into<RoutePolicy>) -> Result<Self, RouteError> {
        Ok(Self {
            policies: self.policies.route(prefix, policy.into())?,
        })
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
        Self::from_source(Source::Shared(policy.into()))
    }

    /// A layer whose policy can be replaced while it serves, and the handle that replaces it
    /// (feature `config`).
    ///
    /// Each request is answered by the policy in place when it arrives, whole: the old one or
    /// the new one, never a mix. While the policy is unchanged, finding it costs one atomic load
    /// per request and no lock; after a replacement, each service's next request takes a read
    /// lock once, to pick up the new one. Nothing is allocated. A service keeps the last policy it
    /// used until its next request.
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
        let (source, handle) = Source::reloadable(policy.into());
        (Self::from_source(source), handle)
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
        Cors {
            inner,
            policies: self.policies.service(),
        }
    }
}

/// The service a [`CorsLayer`] wraps around an inner service.
///
/// ```
/// use cors_runtime::tower::Cors;
/// use cors_runtime::{cors_policy, CorsPolicy};
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
    policies: ServicePolicies,
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

    fn call(&mut self, mut request: Request<ReqBody>) -> Self::Future {
        let state = match decide(&mut self.policies, &mut request) {
            ControlFlow::Break(answer) => State::Answered {
                response: Some(answer.map(|()| ResBody::default())),
            },
            ControlFlow::Continue((policy, origin)) => State::Actual {
                future: self.inner.call(request),
                policy,
                origin,
            },
        };
        ResponseFuture { state }
    }
}

/// Classifies a request: the answer to one the layer answers itself (a preflight, or a write it
/// refuses), without its body; or, for one that goes on, what its response needs, and the
/// request without what the handler must not see. The work of [`Cors::call`] that does not
/// depend on the service or the bodies, compiled once in this crate rather than in every crate
/// with a service.
fn decide<B>(
    policies: &mut ServicePolicies,
    request: &mut Request<B>,
) -> ControlFlow<Response<()>, Kept<HeaderValue>> {
    let (decided, write) = classify(policies, request.method(), request.uri(), request.headers());
    if decided.is_continue() {
        actual::pass_on(write, request.headers_mut());
    }
    decided
}

fn classify(
    policies: &mut ServicePolicies,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
) -> (ControlFlow<Response<()>, Kept<HeaderValue>>, bool) {
    let head = Head {
        method,
        uri: Some(uri),
        prefix: None,
    };
    let decided = policies.decide(head, uri.path(), headers, |answer| {
        let mut response = Response::new(());
        *response.status_mut() = answer.status();
        answer.write_headers(headers, response.headers_mut());
        response
    });
    (decided, method.is_write())
}

pin_project! {
    /// The future of [`Cors`]: a ready answer (a preflight's, or a refused write's), or the
    /// inner service's response with the CORS headers added.
    pub struct ResponseFuture<F, B> {
        #[pin]
        state: State<F, B>,
    }
}

pin_project! {
    #[project = StateProjection]
    enum State<F, B> {
        Answered { response: Option<Response<B>> },
        Actual {
            #[pin]
            future: F,
            policy: ResponsePolicy,
            origin: ActualOrigin<'static, http::HeaderValue>,
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
            StateProjection::Answered { response } => {
                Poll::Ready(Ok(response.take().expect("polled after completion")))
            }
            StateProjection::Actual {
                future,
                policy,
                origin,
            } => {
                let mut response = std::task::ready!(future.poll(cx))?;
                answer(policy, origin, response.headers_mut());
                Poll::Ready(Ok(response))
            }
        }
    }
}

/// The CORS headers of an actual response, compiled once in this crate (see [`decide`]).
fn answer(
    policy: &ResponsePolicy,
    origin: &ActualOrigin<'static, HeaderValue>,
    headers: &mut HeaderMap,
) {
    actual::answer(policy.policy(), origin.as_ref(), headers);
}

impl<F, B> std::fmt::Debug for ResponseFuture<F, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

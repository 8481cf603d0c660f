//! The actix-web 4 integration (feature `actix`): a middleware for `App::wrap`, `Scope::wrap`
//! and `Resource::wrap`.
//!
//! actix-web has its own `HeaderMap` and the `http` 0.2 header types. The middleware reads them
//! as they are, with the same rules as every other adapter, and writes the policy's values from
//! copies made once, when the policy was built: nothing is converted or allocated per request.
//!
//! ```
//! use actix_web::{App, HttpResponse, web};
//! use cors_runtime::{cors_policy, CorsPolicy};
//!
//! static API: CorsPolicy = cors_policy! {
//!     allow_origins: ["https://app.example.com"],
//!     allow_methods: [PUT, DELETE],
//! };
//!
//! let app = App::new()
//!     .wrap(API.actix())
//!     .route("/api/hello", web::get().to(HttpResponse::Ok));
//! # drop(app);
//! ```

use std::cell::RefCell;
use std::fmt;
use std::future::{Future, Ready, ready};
use std::ops::ControlFlow;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::error::InternalError;
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::{Error, HttpResponse};
use pin_project_lite::pin_project;

use crate::actual::{self, ActualOrigin};
use crate::lines::{HeaderLines, Name, header_name, map_writes, owned_name, static_name};
use crate::policy::CorsPolicy;
use crate::routes::RouteError;
#[cfg(feature = "config")]
use crate::source::ReloadHandle;
use crate::source::{Policies, ResponsePolicy, RoutePolicy, ServicePolicies, Source};
use crate::value::PolicyValue;
use crate::writes::{Head, RequestMethod};

/// An actix-web middleware that answers preflights and adds CORS headers to every other
/// response, under one [`CorsPolicy`]: the same answers as the tower
/// [`CorsLayer`](crate::CorsLayer) gives under the same policy.
///
/// Preflights are answered with an empty body and never reach the handler, and so are writes the
/// policy refuses (`refuse_cross_origin_writes`: 403, no CORS header). Every other request goes
/// on, and its response gets the policy's headers whatever its status: a handler's error,
/// a failed extractor, or actix-web's default 404. An error returned by an inner middleware
/// becomes the response it stands for, with the headers, and is passed on still as an error.
/// The handler's `Vary` is kept, with `Origin` appended when it is missing.
///
/// The policy can be a `static` ([`Cors::new`], [`CorsPolicy::actix`]), owned or shared
/// ([`Cors::shared`], for a policy built at startup), or replaceable while serving
/// ([`Cors::reloadable`], feature `config`). Several policies, each for the paths under a
/// prefix, go on one middleware with [`Cors::route`].
///
/// Stacked middlewares (`App::wrap` around a `Scope::wrap` or a `Resource::wrap`) behave as
/// stacked tower layers do (see [`CorsLayer`](crate::CorsLayer)): the innermost decides the
/// actual response, the outer one answers the preflights and warns once.
#[derive(Clone, Debug)]
pub struct Cors {
    policies: Policies,
}

impl Cors {
    /// A middleware that applies a `static` policy.
    #[must_use]
    pub const fn new(policy: &'static CorsPolicy) -> Self {
        Self::from_source(Source::Static(policy))
    }

    const fn from_source(source: Source) -> Self {
        Self {
            policies: Policies::new(source),
        }
    }

    /// This middleware, with `policy` for `prefix` and every path under it, as
    /// [`CorsLayer::route`](crate::CorsLayer::route) does for tower: the policy of the longest
    /// prefix that covers the path, on segment boundaries, answers the request, and the
    /// middleware's own policy when none does.
    ///
    /// Prefixes are compared with the path actix-web routes on, percent-encoded characters
    /// decoded, so that `/%61dmin` is chosen as `/admin` when it reaches the `/admin` scope. In a
    /// middleware on a `Scope`, that path is the part under the scope's prefix.
    ///
    /// ```
    /// use actix_web::{App, HttpResponse, web};
    /// use cors_runtime::{actix::Cors, cors_policy, CorsPolicy};
    ///
    /// static APP: CorsPolicy = cors_policy! { allow_origins: ["https://app.example.com"] };
    /// static ADMIN: CorsPolicy = cors_policy! {
    ///     allow_origins: ["https://admin.example.com"],
    ///     allow_methods: [DELETE],
    /// };
    ///
    /// let app = App::new()
    ///     .wrap(Cors::new(&APP).route("/admin", &ADMIN)?)
    ///     .service(web::scope("/admin").route("/users", web::delete().to(HttpResponse::Ok)))
    ///     .route("/api/items", web::get().to(HttpResponse::Ok));
    /// # drop(app);
    /// # Ok::<(), cors_runtime::RouteError>(())
    /// ```
    ///
    /// # Errors
    /// A prefix that is not a path, or that was given before, as for
    /// [`CorsLayer::route`](crate::CorsLayer::route).
    pub fn route(self, prefix: &str, policy: impl Into<RoutePolicy>) -> Result<Self, RouteError> {
        Ok(Self {
            policies: self.policies.route(prefix, policy.into())?,
        })
    }

    /// A middleware that applies an owned or shared policy, such as one built at startup with
    /// [`CorsPolicy::with_origins`] (feature `config`).
    ///
    /// ```
    /// use cors_runtime::{actix::Cors, cors_policy, CorsPolicy};
    ///
    /// let policy: CorsPolicy = cors_policy! { allow_origins: ["https://app.example.com"] };
    /// let cors = Cors::shared(policy);
    /// let app = actix_web::App::new().wrap(cors);
    /// # drop(app);
    /// ```
    #[must_use]
    pub fn shared(policy: impl Into<Arc<CorsPolicy>>) -> Self {
        Self::from_source(Source::Shared(policy.into()))
    }

    /// A middleware whose policy can be replaced while it serves, and the handle that
    /// replaces it (feature `config`). The handle is `Send`: a task can hold it while the
    /// middleware serves on every worker.
    ///
    /// Each request is answered by the policy in place when it arrives, whole: the old one or
    /// the new one, never a mix.
    ///
    /// ```
    /// use cors_runtime::{actix::Cors, cors_policy, CorsPolicy};
    ///
    /// static API: CorsPolicy = cors_policy! { allow_origins: ["https://app.example.com"] };
    ///
    /// let (cors, handle) = Cors::reloadable(API.with_origins(["https://a.example"])?);
    /// handle.set_origins(["https://b.example"])?;
    /// assert!(handle.current().allows_origin(b"https://b.example"));
    /// let app = actix_web::App::new().wrap(cors);
    /// # drop(app);
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

impl From<CorsPolicy> for Cors {
    fn from(policy: CorsPolicy) -> Self {
        Self::shared(policy)
    }
}

impl From<Arc<CorsPolicy>> for Cors {
    fn from(policy: Arc<CorsPolicy>) -> Self {
        Self::shared(policy)
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "actix")))]
impl CorsPolicy {
    /// An actix-web middleware applying this policy (feature `actix`): `App::new().wrap(API.actix())`.
    #[must_use]
    pub const fn actix(&'static self) -> Cors {
        Cors::new(self)
    }
}

impl<S, B> Transform<S, ServiceRequest> for Cors
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = CorsMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<CorsMiddleware<S>, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(CorsMiddleware {
            service,
            policies: RefCell::new(self.policies.service()),
        }))
    }
}

/// The service [`Cors`] wraps around an actix-web service.
pub struct CorsMiddleware<S> {
    service: S,
    /// actix-web calls a service by shared reference, from one thread.
    policies: RefCell<ServicePolicies>,
}

impl<S> fmt::Debug for CorsMiddleware<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CorsMiddleware").finish_non_exhaustive()
    }
}

impl<S, B> Service<ServiceRequest> for CorsMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = CorsFuture<S::Future>;

    forward_ready!(service);

    fn call(&self, mut request: ServiceRequest) -> Self::Future {
        let head = Head {
            method: request.method(),
            uri: Some(request.uri()),
            prefix: None,
        };
        // The path actix-web routes on (under a scope's prefix, for a scope's middleware). The
        // policies are borrowed only while the request is classified, not while the inner
        // service runs.
        let path = request.match_info().unprocessed();
        let write = request.method().is_write();
        let headers = request.headers();
        let decided = self
            .policies
            .borrow_mut()
            .decide(head, path, headers, |answer| {
                let status =
                    StatusCode::from_u16(answer.status().as_u16()).unwrap_or(StatusCode::FORBIDDEN);
                let mut response = HttpResponse::new(status);
                answer.write_headers(headers, response.headers_mut());
                response
            });
        let (policy, origin) = match decided {
            ControlFlow::Break(response) => {
                let state = State::Answered {
                    response: Some(request.into_response(response)),
                };
                return CorsFuture { state };
            }
            ControlFlow::Continue(actual) => actual,
        };
        actual::pass_on(write, request.headers_mut());
        // Built where it is returned: the inner future is large, and a `let` before the struct
        // costs a copy of it.
        CorsFuture {
            state: State::Actual {
                future: self.service.call(request),
                policy,
                origin,
            },
        }
    }
}

pin_project! {
    /// The future of [`CorsMiddleware`]: a preflight's ready answer, or the inner service's
    /// response with the CORS headers added.
    pub struct CorsFuture<F> {
        #[pin]
        state: State<F>,
    }
}

pin_project! {
    #[project = StateProjection]
    enum State<F> {
        Answered { response: Option<ServiceResponse<BoxBody>> },
        Actual {
            #[pin]
            future: F,
            policy: ResponsePolicy,
            origin: ActualOrigin<'static, HeaderValue>,
        },
    }
}

impl<F, B> Future for CorsFuture<F>
where
    F: Future<Output = Result<ServiceResponse<B>, Error>>,
{
    type Output = Result<ServiceResponse<EitherBody<B>>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            StateProjection::Answered { response } => Poll::Ready(Ok(response
                .take()
                .expect("polled after completion")
                .map_into_right_body())),
            StateProjection::Actual {
                future,
                policy,
                origin,
            } => {
                let policy = policy.policy();
                Poll::Ready(match std::task::ready!(future.poll(cx)) {
                    Ok(mut response) => {
                        actual::answer(policy, origin.as_ref(), response.headers_mut());
                        Ok(response.map_into_left_body())
                    }
                    Err(error) => {
                        let mut response = error.error_response();
                        actual::answer(policy, origin.as_ref(), response.headers_mut());
                        Err(InternalError::from_response(error, response).into())
                    }
                })
            }
        }
    }
}

impl<F> fmt::Debug for CorsFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CorsFuture").finish_non_exhaustive()
    }
}

/// actix-web's own map, with `http` 0.2 names and values.
impl HeaderLines for HeaderMap {
    type Value = HeaderValue;
    type Lines<'r> = &'r [HeaderValue];

    #[inline]
    fn bytes(value: &HeaderValue) -> &[u8] {
        value.as_bytes()
    }

    #[inline]
    fn policy_value(value: &PolicyValue) -> &HeaderValue {
        value.actix()
    }

    #[inline]
    fn lines(&self, name: Name) -> &[HeaderValue] {
        self.get_all(actix_name(name)).as_slice()
    }

    #[inline]
    fn values<'r>(lines: &&'r [HeaderValue]) -> impl Iterator<Item = &'r HeaderValue>
    where
        Self: 'r,
    {
        lines.iter()
    }

    map_writes!(actix_name, actix_key);
}

#[inline(always)]
fn actix_name(name: Name) -> &'static HeaderName {
    header_name!(actix_web::http::header, name, static_name)
}

#[inline(always)]
fn actix_key(name: Name) -> HeaderName {
    header_name!(actix_web::http::header, name, owned_name)
}

//! Where a middleware's policies come from (a `static`, a shared policy, or one replaceable while
//! serving; one for every path and others by path prefix), for every framework's adapter: the
//! tower layer and the actix-web middleware hold their policies the same way.

use std::ops::ControlFlow;
use std::sync::Arc;

use crate::actual::{ActualOrigin, detach};
use crate::lines::HeaderLines;
use crate::policy::CorsPolicy;
#[cfg(feature = "config")]
use crate::reload::{Cached, Swap};
use crate::routes::{RouteError, Routes};
use crate::verdict::Answer;
use crate::writes::{Head, RequestMethod, RequestUri};

/// The prefix logged for a middleware's own policy, which covers every path.
const ROOT: &str = "/";

/// The policies a middleware was built with: its own, for every path, and those that
/// `.route(prefix, policy)` chose for some prefixes.
#[derive(Clone, Debug)]
pub(crate) struct Policies {
    own: Source,
    /// `None` until a route is added: a middleware without routes looks at no path.
    routes: Option<Arc<Routes<Source>>>,
}

impl Policies {
    pub(crate) const fn new(own: Source) -> Self {
        Self { own, routes: None }
    }

    /// These policies, and `policy` for the paths `prefix` covers.
    pub(crate) fn route(self, prefix: &str, policy: RoutePolicy) -> Result<Self, RouteError> {
        let routes = match &self.routes {
            Some(routes) => routes.with(prefix, policy.source)?,
            None => Routes::default().with(prefix, policy.source)?,
        };
        Ok(Self {
            own: self.own,
            routes: Some(Arc::new(routes)),
        })
    }

    /// The view of one service built from them.
    pub(crate) fn service(&self) -> ServicePolicies {
        ServicePolicies {
            own: self.own.service(),
            routes: self.routes.clone(),
        }
    }
}

/// A policy for `.route(prefix, policy)` on `CorsLayer` (feature `tower`) or `actix::Cors`
/// (feature `actix`): a `static` one, an owned or shared one, or one replaceable while serving
/// ([`RoutePolicy::reloadable`], feature `config`).
///
/// ```
/// use cors_runtime::{cors_policy, CorsLayer, CorsPolicy};
///
/// static APP: CorsPolicy = cors_policy! { allow_origins: ["https://app.example.com"] };
/// static ADMIN: CorsPolicy = cors_policy! {
///     allow_origins: ["https://admin.example.com"],
///     allow_methods: [DELETE],
///     allow_credentials: true,
/// };
///
/// // `/admin` and every path under it by ADMIN, every other path by APP.
/// let layer = CorsLayer::new(&APP).route("/admin", &ADMIN)?;
/// # drop(layer);
/// # Ok::<(), cors_runtime::RouteError>(())
/// ```
#[derive(Clone, Debug)]
pub struct RoutePolicy {
    source: Source,
}

impl From<&'static CorsPolicy> for RoutePolicy {
    fn from(policy: &'static CorsPolicy) -> Self {
        Self {
            source: Source::Static(policy),
        }
    }
}

impl From<CorsPolicy> for RoutePolicy {
    fn from(policy: CorsPolicy) -> Self {
        Arc::new(policy).into()
    }
}

impl From<Arc<CorsPolicy>> for RoutePolicy {
    fn from(policy: Arc<CorsPolicy>) -> Self {
        Self {
            source: Source::Shared(policy),
        }
    }
}

#[cfg(feature = "config")]
impl RoutePolicy {
    /// A route's policy that can be replaced while the middleware serves, and the handle that
    /// replaces it (feature `config`). Each route has its own handle: replacing one route's
    /// policy leaves the others as they are.
    ///
    /// Each request under the route reads the policy in place under a read lock, held only to
    /// count one more reference to it; nothing is allocated.
    ///
    /// ```
    /// use cors_runtime::{cors_policy, CorsLayer, CorsPolicy, RoutePolicy};
    ///
    /// static APP: CorsPolicy = cors_policy! { allow_origins: ["https://app.example.com"] };
    /// static PARTNERS: CorsPolicy = cors_policy! { allow_origins: ["https://a.example"] };
    ///
    /// let (partners, handle) = RoutePolicy::reloadable(PARTNERS.clone());
    /// let layer = CorsLayer::new(&APP).route("/partners", partners)?;
    /// handle.set_origins(["https://a.example", "https://b.example"])?;
    /// assert!(handle.current().allows_origin(b"https://b.example"));
    /// # drop(layer);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg_attr(docsrs, doc(cfg(feature = "config")))]
    #[must_use]
    pub fn reloadable(policy: impl Into<Arc<CorsPolicy>>) -> (Self, ReloadHandle) {
        let (source, handle) = Source::reloadable(policy.into());
        (Self { source }, handle)
    }
}

/// The policy a middleware was built with.
#[derive(Clone, Debug)]
pub(crate) enum Source {
    Static(&'static CorsPolicy),
    Shared(Arc<CorsPolicy>),
    #[cfg(feature = "config")]
    Reloadable(Arc<Swap>),
}

impl Source {
    /// A replaceable policy, and the handle that replaces it.
    #[cfg(feature = "config")]
    pub(crate) fn reloadable(policy: Arc<CorsPolicy>) -> (Self, ReloadHandle) {
        let swap = Arc::new(Swap::new(policy));
        let handle = ReloadHandle {
            swap: Arc::clone(&swap),
        };
        (Self::Reloadable(swap), handle)
    }

    /// The view of one service built from it.
    fn service(&self) -> ServicePolicy {
        match self {
            Self::Static(policy) => ServicePolicy::Static(policy),
            Self::Shared(policy) => ServicePolicy::Shared(Arc::clone(policy)),
            #[cfg(feature = "config")]
            Self::Reloadable(swap) => ServicePolicy::Reloadable(Cached::new(Arc::clone(swap))),
        }
    }
}

/// A service's view of its middleware's own policy. A reloadable policy is read through a cache
/// that costs one atomic load while the policy is unchanged; a route's, which every clone of the
/// service shares, through the swap itself, under its read lock.
#[derive(Clone, Debug)]
enum ServicePolicy {
    Static(&'static CorsPolicy),
    Shared(Arc<CorsPolicy>),
    #[cfg(feature = "config")]
    Reloadable(Cached),
}

/// What an actual request keeps until its response is there: the policy that decided, and its
/// `Origin` decision.
pub(crate) type Kept<V> = (ResponsePolicy, ActualOrigin<'static, V>);

/// A service's view of its middleware's policies.
#[derive(Clone, Debug)]
pub(crate) struct ServicePolicies {
    own: ServicePolicy,
    routes: Option<Arc<Routes<Source>>>,
}

impl ServicePolicies {
    /// Classifies a request by the policy its path chooses, in place now: the one entry of every
    /// adapter. `path` is the path the router routes on.
    ///
    /// A preflight or a refused write breaks off, with `answer`'s response, made while the policy
    /// is at hand. An actual request continues to the handler, with the policy its response
    /// needs: a `'static` policy by reference, its exact origins still borrowed; a shared one by
    /// reference count, the decision owning what it writes.
    pub(crate) fn decide<'r, R, H: HeaderLines, M: RequestMethod, U: RequestUri>(
        &mut self,
        head: Head<'_, M, U>,
        path: &str,
        headers: &'r H,
        answer: impl FnOnce(Answer<'_, 'r, H>) -> R,
    ) -> ControlFlow<R, Kept<H::Value>> {
        if let Some((prefix, source)) = self.routes.as_deref().and_then(|r| r.choose(path)) {
            let head = Head {
                prefix: Some(prefix),
                ..head
            };
            return match source {
                Source::Static(policy) => by_static(policy, head, headers, answer),
                Source::Shared(policy) => by_shared(policy, head, headers, answer),
                #[cfg(feature = "config")]
                Source::Reloadable(swap) => by_shared(&swap.load(), head, headers, answer),
            };
        }
        let head = Head {
            prefix: Some(ROOT),
            ..head
        };
        match &mut self.own {
            ServicePolicy::Static(policy) => by_static(policy, head, headers, answer),
            ServicePolicy::Shared(policy) => by_shared(policy, head, headers, answer),
            #[cfg(feature = "config")]
            ServicePolicy::Reloadable(cache) => by_shared(cache.load(), head, headers, answer),
        }
    }
}

/// Classifies by a `'static` policy, whose exact origins the response can keep borrowing.
#[inline]
fn by_static<'r, R, H: HeaderLines, M: RequestMethod, U: RequestUri>(
    policy: &'static CorsPolicy,
    head: Head<'_, M, U>,
    headers: &'r H,
    answer: impl FnOnce(Answer<'_, 'r, H>) -> R,
) -> ControlFlow<R, Kept<H::Value>> {
    by(policy, head, headers, answer, |origin| {
        (ResponsePolicy::Static(policy), origin)
    })
}

/// Classifies by a shared policy, kept by reference count, the decision owning what it writes.
#[inline]
fn by_shared<'r, R, H: HeaderLines, M: RequestMethod, U: RequestUri>(
    policy: &Arc<CorsPolicy>,
    head: Head<'_, M, U>,
    headers: &'r H,
    answer: impl FnOnce(Answer<'_, 'r, H>) -> R,
) -> ControlFlow<R, Kept<H::Value>> {
    by(policy, head, headers, answer, |origin| {
        (
            ResponsePolicy::Shared(Arc::clone(policy)),
            detach::<H>(origin),
        )
    })
}

#[inline]
fn by<'p, 'r, R, H: HeaderLines, M: RequestMethod, U: RequestUri>(
    policy: &'p CorsPolicy,
    head: Head<'_, M, U>,
    headers: &'r H,
    answer: impl FnOnce(Answer<'_, 'r, H>) -> R,
    keep: impl FnOnce(ActualOrigin<'p, H::Value>) -> Kept<H::Value>,
) -> ControlFlow<R, Kept<H::Value>> {
    policy
        .decide(head, headers)
        .map_break(answer)
        .map_continue(keep)
}

/// The policy an actual request keeps until its response is there, to write its headers.
#[derive(Debug)]
pub(crate) enum ResponsePolicy {
    Static(&'static CorsPolicy),
    Shared(Arc<CorsPolicy>),
}

impl ResponsePolicy {
    pub(crate) fn policy(&self) -> &CorsPolicy {
        match self {
            Self::Static(policy) => policy,
            Self::Shared(policy) => policy,
        }
    }
}

/// Replaces the policy of a reloadable middleware while it serves (feature `config`): a layer
/// from `CorsLayer::reloadable` (feature `tower`), or a middleware from
/// `actix::Cors::reloadable` (feature `actix`).
///
/// ```
/// use cors_runtime::{cors_policy, CorsLayer, CorsPolicy};
///
/// static API: CorsPolicy = cors_policy! { allow_origins: ["https://app.example.com"] };
///
/// let (layer, handle) = CorsLayer::reloadable(API.with_origins(["https://a.example"])?);
/// // Later, from a task that watches the configuration:
/// handle.set_origins(["https://a.example", "https://b.example"])?;
/// assert!(handle.current().allows_origin(b"https://b.example"));
/// handle.replace(API.with_origins(["https://c.example"])?);
/// assert!(!handle.current().allows_origin(b"https://b.example"));
/// # drop(layer);
/// # Ok::<(), cors_runtime::ConfigError>(())
/// ```
#[cfg(feature = "config")]
#[derive(Clone, Debug)]
pub struct ReloadHandle {
    swap: Arc<Swap>,
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
        self.swap.load()
    }
}

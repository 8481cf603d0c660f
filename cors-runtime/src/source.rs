//! Where a middleware's policy comes from (a `static`, a shared policy, or one replaceable while
//! serving), for every framework's adapter: the tower layer and the actix-web middleware hold
//! their policy the same way.

use std::ops::ControlFlow;
use std::sync::Arc;

use crate::actual::{ActualOrigin, detach};
use crate::lines::HeaderLines;
use crate::policy::CorsPolicy;
use crate::verdict::Answer;
use crate::writes::{Head, RequestMethod, RequestUri};

/// The policy a middleware was built with.
#[derive(Clone, Debug)]
pub(crate) enum Source {
    Static(&'static CorsPolicy),
    Shared(Arc<CorsPolicy>),
    #[cfg(feature = "config")]
    Reloadable(Arc<arc_swap::ArcSwap<CorsPolicy>>),
}

impl Source {
    /// A replaceable policy, and the handle that replaces it.
    #[cfg(feature = "config")]
    pub(crate) fn reloadable(policy: Arc<CorsPolicy>) -> (Self, ReloadHandle) {
        let swap = Arc::new(arc_swap::ArcSwap::new(policy));
        let handle = ReloadHandle {
            swap: Arc::clone(&swap),
        };
        (Self::Reloadable(swap), handle)
    }

    /// The view of one service built from it.
    pub(crate) fn service(&self) -> ServicePolicy {
        match self {
            Self::Static(policy) => ServicePolicy::Static(policy),
            Self::Shared(policy) => ServicePolicy::Shared(Arc::clone(policy)),
            #[cfg(feature = "config")]
            Self::Reloadable(swap) => {
                ServicePolicy::Reloadable(arc_swap::Cache::new(Arc::clone(swap)))
            }
        }
    }
}

/// A service's view of its middleware's policy. A reloadable policy is read through a cache
/// that costs one atomic load while the policy is unchanged.
#[derive(Clone, Debug)]
pub(crate) enum ServicePolicy {
    Static(&'static CorsPolicy),
    Shared(Arc<CorsPolicy>),
    #[cfg(feature = "config")]
    Reloadable(arc_swap::Cache<Arc<arc_swap::ArcSwap<CorsPolicy>>, Arc<CorsPolicy>>),
}

impl ServicePolicy {
    /// Classifies a request by the policy in place now: the one entry of every adapter.
    ///
    /// A preflight or a refused write breaks off, to be answered at once. An actual request
    /// continues to the handler, with the policy its response needs: a `'static` policy by
    /// reference, its exact origins still borrowed; a shared one by reference count, the decision
    /// owning what it writes.
    pub(crate) fn decide<'s, 'r, H: HeaderLines, M: RequestMethod, U: RequestUri>(
        &'s mut self,
        head: Head<'_, M, U>,
        headers: &'r H,
    ) -> ControlFlow<Answer<'s, 'r, H>, (ResponsePolicy, ActualOrigin<'static, H::Value>)> {
        let (policy, shared) = match self {
            Self::Static(policy) => {
                let policy: &'static CorsPolicy = policy;
                return policy
                    .decide(head, headers)
                    .map_continue(|origin| (ResponsePolicy::Static(policy), origin));
            }
            Self::Shared(policy) => (&**policy, &*policy),
            #[cfg(feature = "config")]
            Self::Reloadable(cache) => {
                let policy = cache.load();
                (&**policy, policy)
            }
        };
        policy.decide(head, headers).map_continue(|origin| {
            (
                ResponsePolicy::Shared(Arc::clone(shared)),
                detach::<H>(origin),
            )
        })
    }
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

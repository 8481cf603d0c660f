//! Where a middleware's policy comes from (a `static`, a shared policy, or one replaceable while
//! serving), for every framework's adapter: the tower layer and the actix-web middleware hold
//! their policy the same way.

use std::sync::Arc;

use crate::actual::{ActualOrigin, detach};
use crate::lines::HeaderLines;
use crate::policy::CorsPolicy;

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
    /// Classifies a request by the policy in place now. An actual request's decision comes
    /// back with the policy it needs for the response: a `'static` policy by reference, its
    /// exact origins still borrowed; a shared one by reference count, the decision owning what
    /// it writes. Anything else `decide` returns (a preflight's answer) comes back as `Err`.
    pub(crate) fn decide<H: HeaderLines, T>(
        &mut self,
        decide: impl for<'p> FnOnce(&'p CorsPolicy) -> Result<ActualOrigin<'p, H::Value>, T>,
    ) -> Result<(Held, ActualOrigin<'static, H::Value>), T> {
        match self {
            Self::Static(policy) => decide(policy).map(|origin| (Held::Static(policy), origin)),
            Self::Shared(policy) => {
                decide(policy).map(|origin| (Held::Shared(Arc::clone(policy)), detach::<H>(origin)))
            }
            #[cfg(feature = "config")]
            Self::Reloadable(cache) => {
                let policy = cache.load();
                decide(policy).map(|origin| (Held::Shared(Arc::clone(policy)), detach::<H>(origin)))
            }
        }
    }
}

/// The policy an actual request keeps until its response is there.
#[derive(Debug)]
pub(crate) enum Held {
    Static(&'static CorsPolicy),
    Shared(Arc<CorsPolicy>),
}

impl Held {
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

//! A policy that can be replaced while requests read it, with the standard library alone.
//!
//! The policy sits behind a read-write lock next to a generation counter that every replacement
//! moves, under the write lock. A service keeps a [`Cached`] copy of the policy and the
//! generation it was read at: while the counter has not moved, a request costs one atomic load
//! and takes no lock; after a replacement, the service's next request takes the read lock once to
//! copy the new policy's reference count. Nothing here allocates.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use crate::policy::CorsPolicy;

/// The policy in place, replaceable while it serves.
#[derive(Debug)]
pub(crate) struct Swap {
    /// Moved by every replacement while the write lock is held, so that a reader holding the read
    /// lock sees the policy and its generation together.
    generation: AtomicU64,
    policy: RwLock<Arc<CorsPolicy>>,
}

impl Swap {
    pub(crate) fn new(policy: Arc<CorsPolicy>) -> Self {
        Self {
            generation: AtomicU64::new(0),
            policy: RwLock::new(policy),
        }
    }

    /// The policy in place now, and its generation.
    fn read(&self) -> (u64, Arc<CorsPolicy>) {
        // Nothing panics while the lock is held (a store only swaps two pointers), so a poisoned
        // lock still holds a whole policy.
        let policy = self.policy.read().unwrap_or_else(PoisonError::into_inner);
        // Writers are shut out while the read lock is held: this is the generation of `policy`.
        (self.generation.load(Ordering::Relaxed), Arc::clone(&policy))
    }

    /// The policy in place now.
    pub(crate) fn load(&self) -> Arc<CorsPolicy> {
        self.read().1
    }

    /// Puts `policy` in place. The one it replaces is dropped after the lock is released, or
    /// later, by the last request or service still holding it.
    pub(crate) fn store(&self, policy: Arc<CorsPolicy>) {
        let replaced = {
            let mut slot = self.policy.write().unwrap_or_else(PoisonError::into_inner);
            let replaced = std::mem::replace(&mut *slot, policy);
            self.generation.fetch_add(1, Ordering::Release);
            replaced
        };
        drop(replaced);
    }
}

/// One service's copy of a [`Swap`]'s policy, refreshed when the policy has been replaced.
#[derive(Clone, Debug)]
pub(crate) struct Cached {
    swap: Arc<Swap>,
    generation: u64,
    policy: Arc<CorsPolicy>,
}

impl Cached {
    pub(crate) fn new(swap: Arc<Swap>) -> Self {
        let (generation, policy) = swap.read();
        Self {
            swap,
            generation,
            policy,
        }
    }

    /// The policy in place now: the copy while the generation has not moved, else a fresh one.
    pub(crate) fn load(&mut self) -> &Arc<CorsPolicy> {
        if self.swap.generation.load(Ordering::Acquire) != self.generation {
            (self.generation, self.policy) = self.swap.read();
        }
        &self.policy
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::{Cached, Swap};
    use crate::{CorsPolicy, cors_policy};

    static ONE: CorsPolicy = cors_policy! { allow_origins: ["https://one.example"] };
    static TWO: CorsPolicy = cors_policy! { allow_origins: ["https://two.example"] };

    #[test]
    fn a_cache_follows_each_replacement_and_releases_the_old_policy() {
        let first = Arc::new(ONE.clone());
        let swap = Arc::new(Swap::new(Arc::clone(&first)));
        let mut cache = Cached::new(Arc::clone(&swap));
        assert!(cache.load().allows_origin(b"https://one.example"));
        assert_eq!(
            Arc::strong_count(&first),
            3,
            "the swap, the cache and this test"
        );

        swap.store(Arc::new(TWO.clone()));
        assert_eq!(
            Arc::strong_count(&first),
            2,
            "the swap let it go; the idle cache has not"
        );
        assert!(cache.load().allows_origin(b"https://two.example"));
        assert!(!cache.load().allows_origin(b"https://one.example"));
        assert_eq!(
            Arc::strong_count(&first),
            1,
            "the cache let it go at its next read"
        );
        assert!(swap.load().allows_origin(b"https://two.example"));
    }

    #[test]
    fn readers_on_other_threads_see_the_old_or_the_new_policy_and_end_on_the_last() {
        let swap = Arc::new(Swap::new(Arc::new(ONE.clone())));
        let done = Arc::new(AtomicBool::new(false));
        let readers: Vec<_> = (0..2)
            .map(|_| {
                let mut cache = Cached::new(Arc::clone(&swap));
                let done = Arc::clone(&done);
                std::thread::spawn(move || {
                    let mut reads = 0_u64;
                    loop {
                        let finished = done.load(Ordering::Acquire);
                        let policy = cache.load();
                        let one = policy.allows_origin(b"https://one.example");
                        let two = policy.allows_origin(b"https://two.example");
                        assert!(one != two, "one policy or the other, never a mix");
                        reads += 1;
                        if finished {
                            return (reads, two);
                        }
                    }
                })
            })
            .collect();
        for round in 0..1_000 {
            let next = if round % 2 == 0 { &TWO } else { &ONE };
            swap.store(Arc::new(next.clone()));
        }
        done.store(true, Ordering::Release);
        for reader in readers {
            let (reads, ends_on_two) = reader.join().expect("a reader panicked");
            assert!(reads > 0);
            // 1 000 replacements end on `ONE`; the read after `done` comes after the last one.
            assert!(
                !ends_on_two,
                "a reader kept a policy that had been replaced"
            );
        }
    }
}

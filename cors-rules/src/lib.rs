//! The rules of `cors_policy!`, written once and used twice: by `cors-macros` when a crate
//! compiles, and by `cors-runtime` when a service starts with origins from its configuration.
//!
//! Use it through `cors-runtime`; its API follows that crate's needs and is not stable on its
//! own. What is here, each module using only those listed before it:
//!
//! - [`Key`]: the keys of the policy block, their names, and the nearest one to a misspelling;
//! - [`syntax`]: the token syntax of methods and header names;
//! - [`fetch`]: what browsers fix whatever a policy says: the safelisted, normalized and
//!   forbidden methods, the forbidden request headers, the longest preflight cache;
//! - [`limits`]: how long an origin can be;
//! - [`hash`]: a hash table laid out once (by the macro, or at startup) and the hash that
//!   places a key;
//! - [`origin_table`]: the tables of a list of origin patterns, and the byte-for-byte lookup of
//!   an `Origin` value in them;
//! - with feature `validate`: [`Problem`], every way an origin list can be wrong, rendered to
//!   text in one place; [`origin`], the origin-pattern parser; and [`rules`], the rules a list
//!   of origins must follow given the rest of the policy.

pub mod fetch;
pub mod hash;
#[cfg(feature = "validate")]
mod idn;
mod keys;
pub mod limits;
#[cfg(feature = "validate")]
pub mod origin;
pub mod origin_table;
#[cfg(feature = "validate")]
mod problem;
#[cfg(feature = "validate")]
pub mod public_suffix;
#[cfg(feature = "validate")]
pub mod rules;
pub mod syntax;

pub use keys::Key;
#[cfg(feature = "validate")]
pub use problem::{Ineffective, Problem, ProblemKind};

/// `*` (any origin, method, header), or a list of them: the one shape of every key that takes
/// either.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnyOr<T> {
    /// `*`.
    Any,
    /// The list.
    List(T),
}

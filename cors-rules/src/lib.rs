//! The rules of `cors_policy!`, written once and used twice: by `cors-macros` when a crate
//! compiles, and by `cors-runtime` when a service starts with origins from its configuration.
//!
//! Use it through `cors-runtime`; its API follows that crate's needs and is not stable on its
//! own. What is here:
//!
//! - [`Key`]: the keys of the policy block, their names, and the nearest one to a misspelling;
//! - [`syntax`]: the token syntax of methods and header names, and the methods browsers treat
//!   specially;
//! - [`table`]: the layout of the origin lookup tables and the hash that places keys in them;
//! - with feature `validate`: [`origin`], the origin-pattern parser, [`rules`], the rules a list
//!   of origins must follow given the rest of the policy, and [`Problem`], every way an origin
//!   list can be wrong, rendered to text in one place.

mod keys;
#[cfg(feature = "validate")]
pub mod origin;
#[cfg(feature = "validate")]
mod problem;
#[cfg(feature = "validate")]
pub mod rules;
pub mod syntax;
pub mod table;

pub use keys::Key;
#[cfg(feature = "validate")]
pub use problem::{Problem, ProblemKind};

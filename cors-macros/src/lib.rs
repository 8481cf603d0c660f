//! The procedural macro behind `cors_runtime::cors_policy!`.
//!
//! Use it through `cors-runtime`, which re-exports it and passes its own path in. The work flows
//! one way: `parse` reads the tokens into a syntax tree that keeps every span, `ast` lowers it
//! into a normalized policy, `validate` checks the policy as a whole, and `expand` writes the
//! Rust code (its `tables` submodule writes out the origin lookup tables). Errors from every
//! phase are collected and reported together.
//!
//! The keys, the origin-pattern parser, the rules about origins and the table layout live in
//! `cors-rules`, which `cors-runtime` also uses for origins read at startup: this crate keeps
//! only the syntax, the spans and the code generation.

mod ast;
mod errors;
mod expand;
mod parse;
mod validate;

use proc_macro::TokenStream;

/// Expands a policy block into a `CorsPolicy` expression. Called by `cors_runtime::cors_policy!`
/// as `cors_policy!(($crate) key: value, …)`.
#[proc_macro]
pub fn cors_policy(input: TokenStream) -> TokenStream {
    expand::policy(input.into()).into()
}

//! Policies written every way `cors_policy!` allows, under lints that deny what the workspace
//! only warns about: if the generated code trips one, `cargo clippy --workspace` fails here.
//! There is nothing to run; compiling it cleanly is the test. rustc and clippy keep most lints
//! silent inside another crate's macro expansion, but not all: `deprecated` speaks there, so
//! generated code that names a deprecated item of `core`, `http` or the runtime fails here
//! (checked once by making the macro emit `core::mem::uninitialized`).
#![deny(
    clippy::all,
    clippy::pedantic,
    unreachable_pub,
    rust_2018_idioms,
    missing_docs,
    deprecated,
    unused_qualifications
)]

use cors_runtime::{CorsPolicy, cors_policy};

/// Every key, with lists.
pub static EVERY_KEY: CorsPolicy = cors_policy! {
    allow_origins: [
        "https://app.example.com",
        "https://*.example.com",
        "http://localhost:*",
        "https://*.example.org:8443",
    ],
    allow_methods: [PUT, DELETE, "PURGE"],
    allow_headers: ["content-type", "authorization"],
    expose_headers: ["x-request-id"],
    allow_credentials: true,
    max_age: 600,
    allow_private_network: true,
    preflight_success_status: 200,
};

/// Wildcards where they are allowed.
pub static STARS: CorsPolicy = cors_policy! {
    allow_origins: *,
    allow_methods: *,
    allow_headers: [*, "authorization"],
    expose_headers: *,
};

/// The opt-ins, where they take effect.
pub static OPT_INS: CorsPolicy = cors_policy! {
    allow_origins: ["http://app.example.com", "https://*.github.io"],
    allow_credentials: true,
    dangerously_allow_insecure_origins: true,
    dangerously_allow_public_suffix_subdomains: true,
};

/// Enough origins for hashed tables.
pub static HASHED: CorsPolicy = cors_policy! {
    allow_origins: [
        "https://a.example", "https://b.example", "https://c.example", "https://d.example",
        "https://e.example", "https://f.example", "https://*.g.example", "https://*.h.example",
        "https://*.i.example", "https://*.j.example", "https://*.k.example",
        "http://l.example:*", "http://m.example:*", "http://n.example:*", "http://o.example:*",
        "http://p.example:*",
    ],
};

/// A policy in a function, as a `let` and returned.
#[must_use]
pub fn local() -> CorsPolicy {
    let policy = cors_policy! { allow_origins: ["https://app.example.com"] };
    policy
}

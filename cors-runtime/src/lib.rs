//! CORS policies that are checked when your crate compiles and answered without allocating.
//!
//! Write the policy once, as data, with [`cors_policy!`]. The macro rejects every combination a
//! browser would refuse (a wildcard origin with credentials, a path in an origin, a forbidden
//! request header, …) as a compiler error pointing at the offending token, and compiles the
//! origin list into lookup tables. At run time [`CorsPolicy::check`] classifies a request and returns
//! a [`Verdict`]: a [`Preflight`] to answer at once, an [`Actual`] whose headers go on the
//! handler's response, or, under `refuse_cross_origin_writes`, a [`RefusedWrite`]: a write that
//! a page on an origin the policy does not allow made a browser send, refused before the handler.
//!
//! ```
//! use cors_runtime::{cors_policy, CorsPolicy, Verdict};
//! use cors_runtime::http::{header, HeaderMap, HeaderValue, Method};
//!
//! static API: CorsPolicy = cors_policy! {
//!     allow_origins: ["https://app.example.com", "https://*.example.com"],
//!     allow_methods: [PUT, DELETE],
//!     allow_headers: ["content-type"],
//!     allow_credentials: true,
//! };
//!
//! let mut request = HeaderMap::new();
//! request.insert(header::ORIGIN, HeaderValue::from_static("https://eu.example.com"));
//! request.insert(header::ACCESS_CONTROL_REQUEST_METHOD, HeaderValue::from_static("PUT"));
//!
//! let Verdict::Preflight(preflight) = API.check(&Method::OPTIONS, &request) else {
//!     unreachable!("OPTIONS with Origin and Access-Control-Request-Method is a preflight");
//! };
//! assert!(preflight.is_allowed());
//! let mut response = HeaderMap::new();
//! preflight.write_headers(&mut response);
//! assert_eq!(response[header::ACCESS_CONTROL_ALLOW_ORIGIN], "https://eu.example.com");
//! assert_eq!(response[header::ACCESS_CONTROL_ALLOW_METHODS], "PUT");
//! assert_eq!(response[header::ACCESS_CONTROL_ALLOW_CREDENTIALS], "true");
//! ```
//!
//! # Features
//!
//! None is on by default; without them the crate depends on `http`, its macro crate and the rules
//! crate (whose origin-pattern parser and Public Suffix List data come only with `config`).
//!
//! - `tower`: `CorsLayer`, a tower layer for axum, hyper and tonic, and tower's `Layer` trait
//!   re-exported.
//! - `actix`: `actix::Cors`, a middleware for actix-web 4 (`App::wrap`, `Scope::wrap`,
//!   `Resource::wrap`), which reads actix-web's own header types as they are.
//! - `config`: origins from configuration, checked at startup by the rules the compiler
//!   applies: `CorsPolicy::with_origins` and `ConfigError`; with `tower` or `actix`, also
//!   `CorsLayer::reloadable` or `actix::Cors::reloadable`, whose policy can be replaced while it
//!   serves. It brings the Public Suffix List into the binary, and no Unicode tables.
//! - `tracing`: one DEBUG event, target `cors_runtime`, for each refused preflight, each refused
//!   write and each actual request whose `Origin` is refused, with the fields `origin`, `method`,
//!   `header`, `sec_fetch_site` (as they apply, each cut to 128 bytes) and `reason`. Allowed
//!   requests emit nothing.
//!
//! Items that need a feature say so on their page.
//!
//! # `static`, not `const`
//!
//! Declare policies `static`: a `CorsPolicy` holds header values, which Rust never
//! promotes from a `const` to a `'static` reference, so `API.layer()` on a `const API` fails
//! with E0716 (temporary value dropped while borrowed).
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

#[cfg(feature = "actix")]
#[cfg_attr(docsrs, doc(cfg(feature = "actix")))]
pub mod actix;
mod actual;
mod allow_origin;
#[cfg(feature = "config")]
mod config;
mod fixed_values;
mod lines;
mod policy;
mod preflight;
mod rejection;
#[cfg(all(feature = "config", any(feature = "tower", feature = "actix")))]
mod reload;
mod request_headers;
#[cfg(any(feature = "tower", feature = "actix"))]
mod routes;
#[cfg(any(feature = "tower", feature = "actix"))]
mod source;
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub mod tower;
#[cfg(feature = "tracing")]
mod trace;
mod value;
mod vary;
mod verdict;
mod writes;

pub use actual::Actual;
#[cfg(feature = "config")]
#[cfg_attr(docsrs, doc(cfg(feature = "config")))]
pub use config::{ConfigError, Problem, ProblemKind};
/// The `http` crate (1.x) whose types [`CorsPolicy::check`] reads and writes, so that a user
/// without a direct dependency on it can name them.
pub use http;
pub use policy::CorsPolicy;
pub use preflight::Preflight;
pub use rejection::Rejection;
#[cfg(any(feature = "tower", feature = "actix"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "tower", feature = "actix"))))]
pub use routes::RouteError;
#[cfg(all(feature = "config", any(feature = "tower", feature = "actix")))]
#[cfg_attr(
    docsrs,
    doc(cfg(all(feature = "config", any(feature = "tower", feature = "actix"))))
)]
pub use source::ReloadHandle;
#[cfg(any(feature = "tower", feature = "actix"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "tower", feature = "actix"))))]
pub use source::RoutePolicy;
/// The tower layer, also at [`tower::CorsLayer`], for `use cors_runtime::CorsLayer`.
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub use tower::CorsLayer;
/// tower's `Layer` trait, for `API.layer().layer(service)` without a dependency on tower.
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub use tower_layer::Layer;
pub use verdict::Verdict;
pub use writes::RefusedWrite;

/// Builds a [`CorsPolicy`] from a declarative block, checked at compile time.
///
/// The block is a list of `key: value` pairs, in any order, each key at most once:
///
/// | key | value | default |
/// | --- | --- | --- |
/// | `allow_origins` | `*`, `["pattern", …]`, or `env("VAR")` | required |
/// | `allow_methods` | `*`, or `[METHOD or "method", …]` | GET, HEAD, POST only |
/// | `allow_headers` | `*`, or `["name" or *, …]` | none |
/// | `expose_headers` | `*`, or `["name", …]` | none |
/// | `allow_credentials` | `true` / `false` | `false` |
/// | `max_age` | seconds, `0 ..= 86400` | no header |
/// | `allow_private_network` | `true` / `false` | `false` |
/// | `preflight_success_status` | `200` or `204` | `204` |
/// | `refuse_cross_origin_writes` | `true` / `false` | `false` |
/// | `dangerously_allow_insecure_origins` | `true` / `false` | `false` |
/// | `dangerously_allow_public_suffix_subdomains` | `true` / `false` | `false` |
///
/// Origin patterns are exact (`"https://app.example.com"`), subdomain wildcards
/// (`"https://*.example.com"`, one or more labels, never the apex), any-port
/// (`"http://localhost:*"`), or both (`"https://*.example.com:*"`).
///
/// `env("VAR")`, as the whole `allow_origins` value or as an element of its list, reads origins
/// from an environment variable when the crate compiles (separated by commas and/or
/// whitespace; `*` alone means any origin). Each is checked as a literal would be, and changing
/// the variable rebuilds the crate. For origins read when the service starts, see
/// `CorsPolicy::with_origins` (feature `config`).
///
/// The expression is usable in `static` and `let` (and in `const`, but a `static` is what
/// [`CorsPolicy::layer`] needs: see [the crate docs](crate#static-not-const)):
///
/// ```
/// use cors_runtime::{cors_policy, CorsPolicy};
///
/// static PUBLIC: CorsPolicy = cors_policy! { allow_origins: *, max_age: 600 };
/// static PARTNERS: CorsPolicy = cors_policy! {
///     allow_origins: ["https://partner.example", "http://localhost:*"],
///     allow_methods: [PUT, "PURGE"],
///     expose_headers: ["x-request-id"],
/// };
/// let local = cors_policy! { allow_origins: ["http://127.0.0.1:8080"] };
///
/// assert!(PUBLIC.allows_origin(b"https://anyone.example"));
/// assert!(PARTNERS.allows_origin(b"http://localhost:5173"));
/// assert!(!local.allows_origin(b"http://127.0.0.1:8081"));
/// ```
///
/// A misconfiguration does not compile:
///
/// ```compile_fail
/// use cors_runtime::{cors_policy, CorsPolicy};
///
/// // error: `allow_origins: *` cannot be combined with `allow_credentials: true`
/// static BAD: CorsPolicy = cors_policy! { allow_origins: *, allow_credentials: true };
/// ```
#[macro_export]
macro_rules! cors_policy {
    ($($policy:tt)*) => {
        $crate::__private::cors_policy! { ($crate) $($policy)* }
    };
}

/// Items the code generated by [`cors_policy!`] refers to. Not a public API: it changes without
/// notice between versions, which is why `cors-macros` is pinned to one exact version.
#[doc(hidden)]
pub mod __private {
    pub use crate::policy::{
        AllowHeaders, AllowMethods, AllowOrigins, Answers, CorsPolicy, FALLBACK, OriginSet,
    };
    pub use crate::value::PolicyValue;
    pub use cors_macros::cors_policy;
    pub use cors_rules::hash::{Stored, Table};
    pub use cors_rules::origin_table::{Port, Subdomain};
    pub use http::StatusCode;
}

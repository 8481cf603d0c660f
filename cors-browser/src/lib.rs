//! The browser's side of CORS, for tests: what a page on an origin may do with a server, decided
//! as Chromium, Firefox and WebKit decide it, with the reason in the words they use.
//!
//! A test makes a request from a page, in an engine, to a server (any tower service, such as an
//! axum `Router`; an actix-web test service; or a live server), and reads the [`Outcome`]:
//! readable or blocked, at which step and why, what the page can read, and what the server
//! received, preflight first.
//!
//! ```
//! use axum::Router;
//! use axum::routing::put;
//! use cors_browser::{Browser, Engine, Request};
//! use cors_runtime::{CorsPolicy, cors_policy};
//!
//! static API: CorsPolicy = cors_policy! {
//!     allow_origins: ["https://app.example.com"],
//!     allow_methods: [PUT],
//!     allow_headers: ["x-token"],
//!     allow_credentials: true,
//! };
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let mut app = Router::new().route("/items", put(|| async { "saved" })).layer(API.layer());
//! let mut chromium = Browser::new(Engine::Chromium);
//! let outcome = chromium
//!     .page("https://app.example.com")
//!     .fetch(
//!         &mut app,
//!         Request::put("https://api.example.com/items").header("x-token", "1").with_credentials(),
//!     )
//!     .await;
//! assert!(outcome.is_readable(), "{outcome}");
//! assert_eq!(outcome.preflights(), 1);
//! # });
//! ```
//!
//! What it models (the Fetch Standard's main fetch, HTTP fetch, CORS check, CORS-preflight
//! fetch and cache, and CORS-filtered response), one module each:
//!
//! - [`safelist`]: the methods and request headers that need no preflight, with their value
//!   rules, and the response headers a script always reads;
//! - [`url`]: origins, sites and `Sec-Fetch-Site`;
//! - [`cors`]: the CORS check, the header lists, `Access-Control-Max-Age`, and what a script
//!   can read of a response;
//! - [`preflight`]: the preflight's headers, its validation and the cache;
//! - [`engine`]: where the engines differ: cache caps, a fresh Firefox profile, their words;
//! - [`Request`], [`Browser`] and [`Page`]: the page's request and the fetch it makes;
//! - [`Outcome`]: what came of it;
//! - [`Failure`] and [`Stage`]: why a fetch was refused, and at which step;
//! - [`Server`]: where requests go (with feature `actix`, [`Actix`]; with `client`, [`Client`]).
//!
//! Not modelled: redirects (a 3xx is reported as [`Failure::Redirect`], not followed),
//! `SameSite` cookies, Private Network Access, and requests other than `fetch()` and form
//! submissions (images, scripts, `WebSocket`s).

#![warn(missing_docs)]

mod browser;
pub mod cors;
pub mod engine;
mod failure;
mod outcome;
pub mod preflight;
mod request;
pub mod safelist;
mod transport;
pub mod url;

pub use browser::{Browser, Page};
pub use engine::Engine;
pub use failure::{Failure, Stage};
pub use outcome::{Blocked, Exchange, Outcome, Response, Sent};
pub use request::{Credentials, Mode, Request};
#[cfg(feature = "actix")]
pub use transport::Actix;
#[cfg(feature = "client")]
pub use transport::Client;
pub use transport::Server;

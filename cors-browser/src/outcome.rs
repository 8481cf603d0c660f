//! What came of a request: what the page could read, or which step refused it and why, and
//! what the server received on the way.

use std::fmt;

use http::{HeaderMap, HeaderName, Method, StatusCode, Uri};

use crate::engine::Engine;
use crate::failure::{Failure, Stage, canonical};

/// A refusal: the step, the failure, and the words of the engine modelled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blocked {
    /// The step that failed.
    pub stage: Stage,
    /// How it failed.
    pub failure: Failure,
    /// The engine's console message.
    pub console: String,
    /// What the page's script got: the error `fetch()` rejects with.
    pub script_error: String,
    /// The status of the answer that failed, when there was one.
    pub status: Option<u16>,
}

impl Blocked {
    /// What the server's side should look at, in a sentence (the `why:` line of the
    /// outcome's `Display`).
    ///
    /// ```
    /// use cors_browser::{Blocked, Failure, Stage};
    ///
    /// let blocked = Blocked {
    ///     stage: Stage::Response,
    ///     failure: Failure::MissingAllowOrigin,
    ///     console: String::new(),
    ///     script_error: String::new(),
    ///     status: Some(200),
    /// };
    /// assert!(blocked.why().contains("the route is outside the CORS layer"));
    /// ```
    #[must_use]
    pub fn why(&self) -> String {
        self.failure.fix(self.stage, self.status)
    }
}

/// What the page got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Response {
    /// A response the script can read: its status and the headers it may see.
    Readable {
        /// The status.
        status: StatusCode,
        /// The headers the script can read (`response.headers`), lowercase.
        headers: HeaderMap,
    },
    /// A `no-cors` response from another origin: the page gets it, with status 0 and no header.
    Opaque,
    /// A form submitted to another origin: the browser navigated; the page reads nothing.
    Submitted,
    /// Refused.
    Blocked(Blocked),
}

/// What kind of request the server received.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sent {
    /// The CORS preflight (`OPTIONS` with `Access-Control-Request-Method`).
    Preflight,
    /// The request itself.
    Request,
}

/// One request the server received, and what it answered.
#[derive(Clone, Debug)]
pub struct Exchange {
    /// A preflight or the request.
    pub kind: Sent,
    /// The method sent.
    pub method: Method,
    /// The URL sent.
    pub uri: Uri,
    /// The headers sent.
    pub request_headers: HeaderMap,
    /// The answer's status, or `None` when there was none (a network error).
    pub status: Option<StatusCode>,
    /// The answer's headers.
    pub response_headers: HeaderMap,
}

impl Exchange {
    /// Sends `request` to `server`, and returns the record of it next to the answer: how the
    /// model sends every request, and how a caller sends one it builds by hand.
    ///
    /// ```
    /// use cors_browser::{Exchange, Sent};
    ///
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let mut app = axum::Router::new().route("/", axum::routing::get(|| async { "hi" }));
    /// let request = http::Request::get("https://api.example.com/")
    ///     .header("origin", "null")
    ///     .body(bytes::Bytes::new())
    ///     .unwrap();
    /// let (exchange, answer) = Exchange::send(&mut app, Sent::Request, request).await;
    /// assert_eq!(exchange.status, Some(http::StatusCode::OK));
    /// assert_eq!(exchange.request_headers["origin"], "null");
    /// assert!(answer.is_ok());
    /// # });
    /// ```
    pub async fn send<S: crate::Server>(
        server: &mut S,
        kind: Sent,
        request: http::Request<bytes::Bytes>,
    ) -> (Self, Result<http::Response<bytes::Bytes>, String>) {
        let (method, uri, request_headers) = (
            request.method().clone(),
            request.uri().clone(),
            request.headers().clone(),
        );
        let answer = server.send(request).await;
        let (status, response_headers) = match &answer {
            Ok(response) => (Some(response.status()), response.headers().clone()),
            Err(_) => (None, HeaderMap::new()),
        };
        let exchange = Self {
            kind,
            method,
            uri,
            request_headers,
            status,
            response_headers,
        };
        (exchange, answer)
    }
}

/// Everything that came of one request from a page. Its `Display` says it for a person: the
/// request, readable or blocked and why, the engine's console line, and what the server
/// received.
///
/// ```
/// use cors_browser::{Browser, Engine, Request, Response, Sent, Stage};
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// // A router without any CORS layer.
/// let mut app = axum::Router::new().route("/items", axum::routing::put(|| async { "saved" }));
/// let outcome = Browser::new(Engine::Firefox)
///     .page("https://app.example.com")
///     .fetch(&mut app, Request::put("https://api.example.com/items"))
///     .await;
/// let blocked = outcome.blocked().unwrap();
/// assert_eq!(blocked.stage, Stage::Preflight);
/// assert!(matches!(outcome.response, Response::Blocked(_)));
/// assert_eq!(outcome.exchanges[0].kind, Sent::Preflight);
/// assert!(outcome.to_string().contains("blocked at the preflight"));
/// # });
/// ```
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The engine modelled.
    pub engine: Engine,
    /// The page's origin.
    pub page: String,
    /// The method asked for.
    pub method: String,
    /// The URL requested.
    pub url: String,
    /// What the page got.
    pub response: Response,
    /// What reached the server, in order.
    pub exchanges: Vec<Exchange>,
    /// Whether the request was let through on a preflight answer in the cache.
    pub preflight_cached: bool,
}

impl Outcome {
    /// Whether the script can read the response.
    #[must_use]
    pub fn is_readable(&self) -> bool {
        matches!(self.response, Response::Readable { .. })
    }

    /// The refusal, when there was one.
    #[must_use]
    pub fn blocked(&self) -> Option<&Blocked> {
        match &self.response {
            Response::Blocked(blocked) => Some(blocked),
            Response::Readable { .. } | Response::Opaque | Response::Submitted => None,
        }
    }

    /// The status the script reads, when it can read the response.
    #[must_use]
    pub fn status(&self) -> Option<StatusCode> {
        match &self.response {
            Response::Readable { status, .. } => Some(*status),
            Response::Opaque | Response::Submitted | Response::Blocked(_) => None,
        }
    }

    /// What `response.headers.get(name)` gives the script: `None` when the header is absent,
    /// hidden from it, or the response is not readable.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<String> {
        match &self.response {
            Response::Readable { headers, .. } => crate::safelist::combined(headers, name),
            Response::Opaque | Response::Submitted | Response::Blocked(_) => None,
        }
    }

    /// How many preflights the server received for this request.
    #[must_use]
    pub fn preflights(&self) -> usize {
        self.exchanges
            .iter()
            .filter(|exchange| exchange.kind == Sent::Preflight)
            .count()
    }

    /// Whether the request itself (not only its preflight) reached the server.
    #[must_use]
    pub fn reached_server(&self) -> bool {
        self.exchanges
            .iter()
            .any(|exchange| exchange.kind == Sent::Request && exchange.status.is_some())
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = format!(
            "{} {} from a page on {} in {}",
            self.method, self.url, self.page, self.engine
        );
        match &self.response {
            Response::Readable { status, headers } => {
                write!(f, "{what}: readable, status {}", status.as_u16())?;
                let names: Vec<&str> = headers.keys().map(HeaderName::as_str).collect();
                if !names.is_empty() {
                    write!(f, ", headers the page can read: {}", names.join(", "))?;
                }
            }
            Response::Opaque => write!(f, "{what}: sent, and opaque to the page (no-cors)")?,
            Response::Submitted => write!(f, "{what}: submitted (the page reads nothing)")?,
            Response::Blocked(blocked) => {
                let step = match blocked.stage {
                    Stage::Request => "the request itself",
                    Stage::Preflight => "the preflight",
                    Stage::Response => "the CORS check of the response",
                };
                write!(f, "{what}: blocked at {step}")?;
                if let Some(header) = blocked.failure.header() {
                    write!(f, " ({})", canonical(header.as_str()))?;
                }
                write!(
                    f,
                    "\n  why: {}\n  {} console: {}\n  the script gets: {}",
                    blocked.why(),
                    self.engine,
                    blocked.console,
                    blocked.script_error
                )?;
            }
        }
        if self.preflight_cached {
            write!(f, "\n  no preflight sent: the cached answer allowed it")?;
        }
        if self.exchanges.is_empty() {
            return write!(f, "\n  the server received nothing");
        }
        write!(f, "\n  the server received:")?;
        for exchange in &self.exchanges {
            let kind = match exchange.kind {
                Sent::Preflight => preflight_summary(&exchange.request_headers),
                Sent::Request => String::new(),
            };
            write!(f, "\n    {} {}{kind}", exchange.method, exchange.uri)?;
            match exchange.status {
                Some(status) => {
                    write!(f, " -> {}", status.as_u16())?;
                    let cors: Vec<String> = exchange
                        .response_headers
                        .iter()
                        .filter(|(name, _)| name.as_str().starts_with("access-control-"))
                        .map(|(name, value)| {
                            format!(
                                "{}: {}",
                                canonical(name.as_str()),
                                String::from_utf8_lossy(value.as_bytes())
                            )
                        })
                        .collect();
                    if cors.is_empty() {
                        write!(f, ", no Access-Control-* header")?;
                    } else {
                        write!(f, ", {}", cors.join(", "))?;
                    }
                }
                None => write!(f, " -> no answer")?,
            }
        }
        Ok(())
    }
}

/// What a preflight asked for: ` (preflight for PUT with content-type, x-token)`.
fn preflight_summary(sent: &HeaderMap) -> String {
    let asked = |name: HeaderName| {
        sent.get(name)
            .map(|value| String::from_utf8_lossy(value.as_bytes()).replace(',', ", "))
    };
    let method = asked(http::header::ACCESS_CONTROL_REQUEST_METHOD).unwrap_or_default();
    match asked(http::header::ACCESS_CONTROL_REQUEST_HEADERS) {
        Some(headers) => format!(" (preflight for {method} with {headers})"),
        None => format!(" (preflight for {method})"),
    }
}

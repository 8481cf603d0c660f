//! The browser: its engine, its preflight cache, its cookies and its clock, and the fetch a
//! page makes through them (Fetch: main fetch, HTTP fetch, CORS-preflight fetch).

use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, header};

use crate::cors::{basic_headers, cors_check, readable_headers};
use crate::engine::Engine;
use crate::failure::{Failure, Stage};
use crate::outcome::{Blocked, Exchange, Outcome, Response, Sent};
use crate::preflight::{PreflightCache, preflight_headers, validate};
use crate::request::{Credentials, Kind, Mode, Request};
use crate::safelist::{
    is_safelisted_method, is_safelisted_request_header, unsafe_request_header_names,
};
use crate::transport::Server;
use crate::url::{Origin, Url};

/// One browser profile in one engine: requests from its pages share its preflight cache, its
/// cookies and its clock, as tabs of one browser do.
///
/// The clock moves only when the test says so ([`wait`](Self::wait)), so a test of the cache is
/// exact and never flaky.
#[derive(Clone, Debug)]
pub struct Browser {
    engine: Engine,
    cache: PreflightCache,
    now: Duration,
    cookies: Vec<(String, String)>,
    /// Cacheable preflight answers this fresh profile will still not reuse.
    uncached_left: usize,
}

impl Browser {
    /// A fresh profile of `engine`: an empty cache, no cookies.
    ///
    /// ```
    /// use cors_browser::{Browser, Engine};
    ///
    /// let browser = Browser::new(Engine::Firefox);
    /// assert_eq!(browser.engine(), Engine::Firefox);
    /// ```
    #[must_use]
    pub fn new(engine: Engine) -> Self {
        Self {
            engine,
            cache: PreflightCache::default(),
            now: Duration::ZERO,
            cookies: Vec::new(),
            uncached_left: engine.fresh_profile_uncached_preflights(),
        }
    }

    /// The engine modelled.
    #[must_use]
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Lets `time` pass on the browser's clock: cached preflights expire.
    pub fn wait(&mut self, time: Duration) {
        self.now += time;
    }

    /// A cookie (`name=value`) the browser holds for `host`, sent with requests to it that
    /// carry credentials. `SameSite` is not modelled.
    pub fn set_cookie(&mut self, host: &str, cookie: &str) {
        self.cookies
            .push((host.to_ascii_lowercase(), cookie.to_owned()));
    }

    /// The preflight cache.
    #[must_use]
    pub fn preflight_cache(&self) -> &PreflightCache {
        &self.cache
    }

    /// Forgets every cached preflight.
    pub fn clear_preflight_cache(&mut self) {
        self.cache.clear();
    }

    /// A page at `origin` (`https://app.example.com`) in this browser. An origin that is not one
    /// as browsers write it makes every request of the page fail, saying why.
    pub fn page(&mut self, origin: &str) -> Page<'_> {
        Page {
            browser: self,
            origin: origin.to_owned(),
        }
    }
}

/// A page, at its origin, in a [`Browser`].
#[derive(Debug)]
pub struct Page<'b> {
    browser: &'b mut Browser,
    origin: String,
}

/// What the fetch needs, checked: the request as the browser will send it.
struct Prepared {
    origin: Origin,
    url: Url,
    method: String,
    headers: HeaderMap,
    body: Bytes,
    cross_origin: bool,
    credentials: bool,
}

impl Prepared {
    /// `Sec-Fetch-Site`, `-Mode` and `-Dest`, sent only to a potentially trustworthy URL.
    fn fetch_metadata(&self, mode: &'static str, dest: &'static str, headers: &mut HeaderMap) {
        if !self.url.is_potentially_trustworthy() {
            return;
        }
        let site = self.origin.site_of(&self.url.origin());
        for (name, value) in [
            ("sec-fetch-site", site),
            ("sec-fetch-mode", mode),
            ("sec-fetch-dest", dest),
        ] {
            headers.insert(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
    }
}

impl Page<'_> {
    /// Makes `request` from this page to `server`, and says what came of it.
    ///
    /// ```
    /// use cors_browser::{Browser, Engine, Request};
    /// use cors_runtime::{CorsPolicy, cors_policy};
    ///
    /// static API: CorsPolicy = cors_policy! {
    ///     allow_origins: ["https://app.example.com"],
    ///     allow_methods: [PUT],
    /// };
    ///
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let mut app = axum::Router::new()
    ///     .route("/items", axum::routing::put(|| async { "saved" }))
    ///     .layer(API.layer());
    /// let mut browser = Browser::new(Engine::Chromium);
    ///
    /// let put = browser
    ///     .page("https://app.example.com")
    ///     .fetch(&mut app, Request::put("https://api.example.com/items"))
    ///     .await;
    /// assert!(put.is_readable(), "{put}");
    /// assert_eq!(put.preflights(), 1);
    ///
    /// let elsewhere = browser
    ///     .page("https://evil.example")
    ///     .fetch(&mut app, Request::put("https://api.example.com/items"))
    ///     .await;
    /// assert!(elsewhere.blocked().is_some());
    /// assert!(!elsewhere.reached_server(), "refused at the preflight: {elsewhere}");
    /// # });
    /// ```
    pub async fn fetch<S: Server>(&mut self, server: &mut S, request: Request) -> Outcome {
        let engine = self.browser.engine;
        let mut outcome = Outcome {
            engine,
            page: self.origin.clone(),
            method: request.method.clone(),
            url: request.url.clone(),
            response: Response::Opaque,
            exchanges: Vec::new(),
            preflight_cached: false,
        };
        let prepared = match self.prepare(&request) {
            Ok(prepared) => prepared,
            Err(detail) => {
                outcome.response =
                    self.blocked(Stage::Request, Failure::Request(detail), &request.url, None);
                return outcome;
            }
        };
        outcome.method.clone_from(&prepared.method);
        let sent = match (request.kind, request.mode) {
            (Kind::Form { in_frame }, _) => {
                let dest = if in_frame { "iframe" } else { "document" };
                self.send_request(server, &prepared, &mut outcome, ("navigate", dest))
                    .await
                    .map(|_| Response::Submitted)
            }
            (Kind::Fetch, Mode::NoCors) => {
                let answer = self
                    .send_request(server, &prepared, &mut outcome, ("no-cors", "empty"))
                    .await;
                answer.map(|response| {
                    if prepared.cross_origin {
                        Response::Opaque
                    } else {
                        self.same_origin(&response, &request.url)
                    }
                })
            }
            (Kind::Fetch, Mode::Cors | Mode::SameOrigin) if !prepared.cross_origin => {
                let mode = if request.mode == Mode::Cors {
                    "cors"
                } else {
                    "same-origin"
                };
                self.send_request(server, &prepared, &mut outcome, (mode, "empty"))
                    .await
                    .map(|response| self.same_origin(&response, &request.url))
            }
            (Kind::Fetch, Mode::Cors | Mode::SameOrigin) => {
                Ok(self.cors(server, &prepared, &mut outcome).await)
            }
        };
        outcome.response = sent.unwrap_or_else(|blocked| blocked);
        outcome
    }

    /// The request as the browser sends it, or the `TypeError` `fetch()` throws.
    fn prepare(&self, request: &Request) -> Result<Prepared, String> {
        let origin = Origin::parse(&self.origin).map_err(|e| format!("the page's origin: {e}"))?;
        let url = Url::parse(&request.url)?;
        if url.scheme.starts_with("ws") {
            return Err(format!("`{url}`: fetch() does not open WebSockets"));
        }
        if !cors_rules::syntax::is_token(request.method.as_bytes()) {
            return Err(format!("'{}' is not a valid HTTP method.", request.method));
        }
        if cors_rules::fetch::is_forbidden_method(&request.method) {
            return Err(format!("'{}' HTTP method is unsupported.", request.method));
        }
        let method = cors_rules::fetch::normalize_method(&request.method);
        let cross_origin = url.origin() != origin;
        let form = matches!(request.kind, Kind::Form { .. });
        if request.mode == Mode::SameOrigin && cross_origin {
            return Err(format!(
                "Request mode is \"same-origin\" but the URL's origin is not same as the request origin {origin}."
            ));
        }
        let no_cors = request.mode == Mode::NoCors && !form;
        if no_cors && !is_safelisted_method(&method) {
            return Err(format!("'{method}' is unsupported in no-cors mode."));
        }
        if request.body.is_some() && matches!(method.as_str(), "GET" | "HEAD") {
            return Err("Request with GET/HEAD method cannot have body.".to_owned());
        }
        let mut headers = HeaderMap::new();
        for (name, value) in &request.headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| format!("'{name}' is not a valid HTTP header name."))?;
            let value = HeaderValue::from_str(value.trim_matches([' ', '\t', '\r', '\n']))
                .map_err(|_| format!("'{value}' is not a valid HTTP header value."))?;
            // Scripts cannot set forbidden headers, and in no-cors mode only safelisted ones:
            // browsers drop the others without a word.
            if cors_rules::fetch::is_forbidden_request_header(name.as_str())
                || (no_cors && !is_no_cors_safelisted(&name, &value))
            {
                continue;
            }
            headers.append(name, value);
        }
        if form {
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            );
        } else if request.body.is_some() && !headers.contains_key(header::CONTENT_TYPE) {
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain;charset=UTF-8"),
            );
        }
        let credentials = match request.credentials {
            Credentials::Include => true,
            Credentials::SameOrigin => !cross_origin,
            Credentials::Omit => false,
        };
        Ok(Prepared {
            origin,
            url,
            method,
            headers,
            body: Bytes::from(request.body.clone().unwrap_or_default()),
            cross_origin,
            credentials,
        })
    }

    fn blocked(&self, stage: Stage, failure: Failure, url: &str, status: Option<u16>) -> Response {
        let engine = self.browser.engine;
        Response::Blocked(Blocked {
            console: engine.console(stage, &failure, url, &self.origin, status),
            script_error: match &failure {
                Failure::Request(detail) => format!("TypeError: {detail}"),
                _ => engine.script_error().to_owned(),
            },
            stage,
            failure,
            status,
        })
    }

    /// Sends one request to `server` with the headers every request from the page carries, and
    /// records it.
    async fn exchange<S: Server>(
        &self,
        server: &mut S,
        prepared: &Prepared,
        kind: Sent,
        method: &str,
        mut headers: HeaderMap,
        outcome: &mut Outcome,
    ) -> Result<http::Response<Bytes>, Failure> {
        let url = &prepared.url;
        if let Ok(host) = HeaderValue::from_str(&url.authority()) {
            headers.insert(header::HOST, host);
        }
        headers
            .entry(header::ACCEPT)
            .or_insert(HeaderValue::from_static("*/*"));
        let body = if kind == Sent::Preflight {
            Bytes::new()
        } else {
            prepared.body.clone()
        };
        let uri: http::Uri = url
            .to_string()
            .parse()
            .map_err(|e| Failure::Network(format!("{e}")))?;
        let method =
            Method::from_bytes(method.as_bytes()).map_err(|e| Failure::Request(e.to_string()))?;
        let mut request = http::Request::new(body);
        *request.method_mut() = method;
        *request.uri_mut() = uri;
        *request.headers_mut() = headers;
        let (exchange, answer) = Exchange::send(server, kind, request).await;
        outcome.exchanges.push(exchange);
        answer.map_err(Failure::Network)
    }

    /// The headers of the request itself: the page's, `Origin` when the Fetch Standard sends it,
    /// the fetch metadata, and cookies with credentials.
    fn request_headers(
        &self,
        prepared: &Prepared,
        mode: &'static str,
        dest: &'static str,
        origin: bool,
    ) -> HeaderMap {
        let mut headers = prepared.headers.clone();
        if origin && let Ok(value) = HeaderValue::from_str(&prepared.origin.to_string()) {
            headers.insert(header::ORIGIN, value);
        }
        prepared.fetch_metadata(mode, dest, &mut headers);
        if prepared.credentials {
            let cookies: Vec<&str> = self
                .browser
                .cookies
                .iter()
                .filter(|(host, _)| *host == prepared.url.host)
                .map(|(_, cookie)| cookie.as_str())
                .collect();
            if !cookies.is_empty()
                && let Ok(value) = HeaderValue::from_str(&cookies.join("; "))
            {
                headers.insert(header::COOKIE, value);
            }
        }
        headers
    }

    /// Sends the request itself without a preflight, with `mode` and `dest` as its fetch
    /// metadata and `Origin` for anything but `GET`/`HEAD`: a form, a `no-cors` fetch, or a
    /// fetch to the page's own origin. A network error is the page's blocked response.
    async fn send_request<S: Server>(
        &self,
        server: &mut S,
        prepared: &Prepared,
        outcome: &mut Outcome,
        (mode, dest): (&'static str, &'static str),
    ) -> Result<http::Response<Bytes>, Response> {
        let with_origin = !matches!(prepared.method.as_str(), "GET" | "HEAD");
        let headers = self.request_headers(prepared, mode, dest, with_origin);
        let method = &prepared.method;
        self.exchange(server, prepared, Sent::Request, method, headers, outcome)
            .await
            .map_err(|failure| self.blocked(Stage::Response, failure, &outcome.url, None))
    }

    /// What the page reads of a response from its own origin: everything but `Set-Cookie`.
    fn same_origin(&self, response: &http::Response<Bytes>, url: &str) -> Response {
        let status = response.status();
        if status.is_redirection() {
            let failure = Failure::Redirect {
                status: status.as_u16(),
            };
            return self.blocked(Stage::Response, failure, url, Some(status.as_u16()));
        }
        Response::Readable {
            status,
            headers: basic_headers(response.headers()),
        }
    }

    /// A cross-origin fetch in `cors` mode: the preflight when one is needed and not cached,
    /// the request, and the CORS check of its response.
    async fn cors<S: Server>(
        &mut self,
        server: &mut S,
        prepared: &Prepared,
        outcome: &mut Outcome,
    ) -> Response {
        let origin = prepared.origin.to_string();
        let url = prepared.url.to_string();
        let unsafe_names = unsafe_request_header_names(&prepared.headers);
        let key = (origin.as_str(), url.as_str(), prepared.credentials);
        let needs_preflight = !is_safelisted_method(&prepared.method) || !unsafe_names.is_empty();
        if needs_preflight {
            if self
                .browser
                .cache
                .covers(self.browser.now, key, &prepared.method, &unsafe_names)
            {
                outcome.preflight_cached = true;
            } else {
                let mut headers = preflight_headers(&prepared.method, &unsafe_names);
                if let Ok(value) = HeaderValue::from_str(&origin) {
                    headers.insert(header::ORIGIN, value);
                }
                prepared.fetch_metadata("cors", "empty", &mut headers);
                let answer = self
                    .exchange(
                        server,
                        prepared,
                        Sent::Preflight,
                        "OPTIONS",
                        headers,
                        outcome,
                    )
                    .await;
                let response = match answer {
                    Ok(response) => response,
                    Err(failure) => return self.blocked(Stage::Preflight, failure, &url, None),
                };
                let status = response.status().as_u16();
                let allowance = validate(
                    self.browser.engine,
                    status,
                    response.headers(),
                    &origin,
                    &prepared.method,
                    &unsafe_names,
                    prepared.credentials,
                );
                match allowance {
                    Ok(allowance) => {
                        if allowance.max_age > 0 && self.browser.uncached_left > 0 {
                            self.browser.uncached_left -= 1;
                        } else {
                            self.browser.cache.store(self.browser.now, key, &allowance);
                        }
                    }
                    Err(failure) => {
                        return self.blocked(Stage::Preflight, failure, &url, Some(status));
                    }
                }
            }
        }
        let headers = self.request_headers(prepared, "cors", "empty", true);
        let response = match self
            .exchange(
                server,
                prepared,
                Sent::Request,
                &prepared.method,
                headers,
                outcome,
            )
            .await
        {
            Ok(response) => response,
            Err(failure) => return self.blocked(Stage::Response, failure, &url, None),
        };
        let status = response.status();
        if let Err(failure) = cors_check(response.headers(), &origin, prepared.credentials) {
            return self.blocked(Stage::Response, failure, &url, Some(status.as_u16()));
        }
        if status.is_redirection() {
            return self.blocked(
                Stage::Response,
                Failure::Redirect {
                    status: status.as_u16(),
                },
                &url,
                Some(status.as_u16()),
            );
        }
        Response::Readable {
            status,
            headers: readable_headers(response.headers(), prepared.credentials),
        }
    }
}

/// A header a `no-cors` request keeps (Fetch: "no-CORS-safelisted request-header").
fn is_no_cors_safelisted(name: &HeaderName, value: &HeaderValue) -> bool {
    matches!(
        name.as_str(),
        "accept" | "accept-language" | "content-language" | "content-type"
    ) && is_safelisted_request_header(name.as_str(), value.as_bytes())
}

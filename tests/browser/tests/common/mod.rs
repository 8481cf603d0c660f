//! The matrix every engine runs: a browser, driven over WebDriver, loads pages from one loopback
//! origin (`http://localhost:47613` or `http://app.localhost:47613`) that fetch from an API on
//! `http://127.0.0.1:<port>`, where each path prefix is served under its own `cors_policy!`,
//! and a page on the API's own origin, for same-origin writes.
//! The API is served twice, by axum through `CorsLayer` and by actix-web through `actix::Cors`,
//! and the whole matrix runs against each. Every case asserts what the browser itself let the
//! page see, and what reached the server.
#![allow(dead_code, reason = "each engine's test binary uses the part it needs")]

pub(crate) mod webdriver;

use std::collections::BTreeMap;
use std::ops::RangeInclusive;
use std::sync::Mutex;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{any, get};
use cors_runtime::{CorsPolicy, cors_policy};
use serde_json::{Value, json};
use webdriver::{Driver, Engine};

/// The page server's port. It is fixed because the policies name it: an origin includes its port.
const PAGE_PORT: u16 = 47613;

static STRICT: CorsPolicy = cors_policy! {
    allow_origins: ["http://localhost:47613"],
    allow_methods: [PUT, "patch"],
    allow_headers: ["content-type", "x-token"],
    expose_headers: ["x-request-id"],
};
static CREDENTIALS: CorsPolicy = cors_policy! {
    allow_origins: ["http://localhost:47613"],
    allow_methods: [PUT],
    allow_headers: ["x-token"],
    expose_headers: ["x-request-id"],
    allow_credentials: true,
};
static ANY: CorsPolicy = cors_policy! {
    allow_origins: *,
    allow_methods: *,
    allow_headers: *,
    expose_headers: *,
};
static ANY_WITH_AUTHORIZATION: CorsPolicy = cors_policy! {
    allow_origins: *,
    allow_headers: [*, "authorization"],
};
static SUBDOMAINS: CorsPolicy = cors_policy! {
    allow_origins: ["http://*.localhost:47613"],
    allow_methods: [PUT],
    allow_credentials: true,
};
static ANY_PORT: CorsPolicy = cors_policy! {
    allow_origins: ["http://localhost:*"],
    allow_methods: [DELETE],
};
static ELSEWHERE: CorsPolicy = cors_policy! {
    allow_origins: ["http://localhost:1"],
    allow_methods: [PUT],
};
static CACHED: CorsPolicy = cors_policy! {
    allow_origins: ["http://localhost:47613"],
    allow_methods: [PUT],
    max_age: 600,
};
static UNCACHED: CorsPolicy = cors_policy! {
    allow_origins: ["http://localhost:47613"],
    allow_methods: [PUT],
    max_age: 0,
};
static CACHED_A_DAY: CorsPolicy = cors_policy! {
    allow_origins: ["http://localhost:47613"],
    allow_methods: [PUT],
    max_age: 86400,
};
static DEFAULT_CACHE: CorsPolicy = cors_policy! {
    allow_origins: ["http://localhost:47613"],
    allow_methods: [PUT],
};
static ANY_WITH_CREDENTIALS: CorsPolicy = cors_policy! {
    allow_origins: ["http://localhost:47613"],
    allow_methods: *,
    allow_headers: *,
    allow_credentials: true,
};
static STATUS_200: CorsPolicy = cors_policy! {
    allow_origins: ["http://localhost:47613"],
    allow_methods: [PUT],
    preflight_success_status: 200,
};
static WRITES: CorsPolicy = cors_policy! {
    allow_origins: ["http://localhost:47613"],
    allow_credentials: true,
    refuse_cross_origin_writes: true,
};

/// An app-wide policy and a stricter one for its admin routes, on one layer (`/routed`, with
/// `.route("/admin", &ROUTED_ADMIN)`): the app's page (`localhost`) may use the app's routes and
/// not the admin ones, which only the admin's page (`app.localhost`) may use.
static ROUTED_APP: CorsPolicy = cors_policy! {
    allow_origins: ["http://localhost:47613"],
    allow_methods: [PUT, DELETE],
    allow_credentials: true,
    refuse_cross_origin_writes: true,
};
static ROUTED_ADMIN: CorsPolicy = cors_policy! {
    allow_origins: ["http://app.localhost:47613"],
    allow_methods: [DELETE],
    allow_credentials: true,
    refuse_cross_origin_writes: true,
};
const ROUTED_PREFIX: &str = "/admin";

/// A route answered by hand, without any CORS layer (`/raw/<case>`): for each case, the status
/// and headers of the answer to a preflight, and the headers of every other answer. They are the
/// Fetch Standard's edge cases, written as a server that gets them wrong (or right) would.
const PAGE: &str = "http://localhost:47613";
const ACAO: &str = "access-control-allow-origin";
const ACAM: &str = "access-control-allow-methods";
const ACAH: &str = "access-control-allow-headers";
const ACAC: &str = "access-control-allow-credentials";
const ACEH: &str = "access-control-expose-headers";
type Lines = &'static [(&'static str, &'static str)];
#[rustfmt::skip]
const RAW: &[(&str, u16, Lines, Lines)] = &[
    ("acao-star-star", 204, &[], &[(ACAO, "*, *")]),
    ("acao-two-lines", 204, &[], &[(ACAO, PAGE), (ACAO, PAGE)]),
    ("acao-trailing-slash", 204, &[], &[(ACAO, "http://localhost:47613/")]),
    ("acam-lowercase-put", 204, &[(ACAO, PAGE), (ACAM, "put")], &[(ACAO, PAGE)]),
    ("acam-bad-token", 204, &[(ACAO, PAGE), (ACAM, "PUT, no no")], &[(ACAO, PAGE)]),
    ("aceh-bad-token", 204, &[], &[(ACAO, PAGE), (ACEH, "x-request-id, no no")]),
    ("acac-uppercase", 204, &[], &[(ACAO, PAGE), (ACAC, "TRUE")]),
    ("preflight-401", 401, &[], &[(ACAO, PAGE)]),
    ("preflight-403-with-cors", 403, &[(ACAO, PAGE), (ACAM, "PUT")], &[(ACAO, PAGE)]),
    ("text-plain-garbage", 204, &[], &[(ACAO, PAGE)]),
    ("range-suffix", 204, &[(ACAO, PAGE), (ACAH, "range")], &[(ACAO, PAGE)]),
    ("range-simple", 204, &[], &[(ACAO, PAGE)]),
    ("accept-129-bytes", 204, &[(ACAO, PAGE), (ACAH, "accept")], &[(ACAO, PAGE)]),
    ("acah-star-credentials", 204, &[(ACAO, PAGE), (ACAC, "true"), (ACAH, "*")], &[(ACAO, PAGE), (ACAC, "true")]),
    ("acao-star-credentials", 204, &[], &[(ACAO, "*")]),
    ("aceh-star-credentials", 204, &[], &[(ACAO, PAGE), (ACAC, "true"), (ACEH, "*")]),
    ("no-cors-get", 204, &[], &[]),
];

/// The hand-written answer to `method` on `/raw/<case>`: the status and the headers.
fn raw_answer(method: &str, path: &str) -> (u16, Lines) {
    let case = path.rsplit('/').next().unwrap_or_default();
    let (_, preflight_status, preflight, response) = RAW
        .iter()
        .find(|(name, ..)| *name == case)
        .copied()
        .unwrap_or(("", 404, &[], &[]));
    if method == "OPTIONS" {
        (preflight_status, preflight)
    } else {
        (200, response)
    }
}

/// A policy behind an authentication layer that sits outside it and answers 401 to anything
/// without `Authorization`, preflights included: a common mistake.
static BEHIND_AUTH: CorsPolicy = cors_policy! {
    allow_origins: ["http://localhost:47613"],
    allow_methods: [PUT],
    allow_headers: ["authorization"],
};

/// Every policy, by the path prefix it serves.
const POLICIES: &[(&str, &CorsPolicy)] = &[
    ("strict", &STRICT),
    ("credentials", &CREDENTIALS),
    ("any", &ANY),
    ("any-auth", &ANY_WITH_AUTHORIZATION),
    ("subdomains", &SUBDOMAINS),
    ("any-port", &ANY_PORT),
    ("elsewhere", &ELSEWHERE),
    ("cached", &CACHED),
    ("uncached", &UNCACHED),
    ("status-200", &STATUS_200),
    ("cached-a-day", &CACHED_A_DAY),
    ("default-cache", &DEFAULT_CACHE),
    ("any-credentials", &ANY_WITH_CREDENTIALS),
    ("writes", &WRITES),
];

/// The page origins, by host, and a page the API serves itself, on its own origin.
const LOCALHOST: &str = "localhost";
const SUBDOMAIN: &str = "app.localhost";
const API_ITSELF: &str = "api";

/// What the browser should let the page see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Allowed(u16),
    Blocked,
    /// A `no-cors` response: the page gets it, opaque (status 0, no header).
    Opaque,
    /// A form submitted into a frame: the page sees nothing of the answer.
    Sent,
}
use Outcome::{Allowed, Blocked, Opaque, Sent};

/// One fetch from a page, and what must come of it.
struct Case {
    /// The page's host, `localhost` or `app.localhost`, or `api` for a page on the API's origin.
    page: &'static str,
    /// `<policy>/<case>`: the path, unique per case so that preflight caching cannot leak
    /// between cases.
    path: &'static str,
    method: &'static str,
    headers: &'static [(&'static str, &'static str)],
    credentials: bool,
    body: Option<&'static str>,
    /// `fetch`'s `mode` (`None`: `cors`).
    mode: Option<&'static str>,
    /// An HTML form POST (urlencoded) instead of a `fetch`.
    form: bool,
    /// How many times the page sends it (to see the preflight cache at work).
    repeat: u8,
    outcome: Outcome,
    /// Response headers the page reads, and the value it must get (`None`: hidden).
    read: &'static [(&'static str, Option<&'static str>)],
    /// Preflights the server received, and requests the handler received.
    preflights: usize,
    handled: usize,
    /// Requests other than preflights that reached the server, when the case counts them: a
    /// write the handler never saw was still sent by the browser.
    sent: Option<usize>,
    /// Engines that may send another number of preflights, each with the reason in a comment.
    preflights_in: &'static [(Engine, RangeInclusive<usize>)],
}

const GET: Case = Case {
    page: LOCALHOST,
    path: "",
    method: "GET",
    headers: &[],
    credentials: false,
    body: None,
    mode: None,
    form: false,
    repeat: 1,
    outcome: Allowed(200),
    read: &[],
    preflights: 0,
    handled: 1,
    sent: None,
    preflights_in: &[],
};

/// A write the policy refuses before the handler (`refuse_cross_origin_writes`): the browser
/// sends it without a preflight, and the handler never runs.
const REFUSED_WRITE: Case = Case {
    page: SUBDOMAIN,
    method: "POST",
    handled: 0,
    sent: Some(1),
    ..GET
};

/// A request that needs a preflight, allowed.
const PREFLIGHTED: Case = Case {
    preflights: 1,
    ..GET
};

/// A request whose preflight is refused: the handler never sees it.
const REFUSED: Case = Case {
    outcome: Blocked,
    preflights: 1,
    handled: 0,
    ..GET
};

#[rustfmt::skip]
const CASES: &[Case] = &[
    // Firefox ESR 153, in a fresh profile, sent the preflight again for the first two
    // requests whose preflight answer it could cache (`max_age: 600`, the second request
    // 250 ms after the first) in every run seen; from the third on it used its cache, as the
    // other engines do from the first. Firefox may send one or two preflights here, and these
    // two cases come first, so that the caching cases below test caching in every engine.
    Case { path: "cached/fresh-profile-1", method: "PUT", repeat: 2, handled: 2, preflights_in: &[(Engine::Firefox, 1..=2)], ..PREFLIGHTED },
    Case { path: "cached/fresh-profile-2", method: "PUT", repeat: 2, handled: 2, preflights_in: &[(Engine::Firefox, 1..=2)], ..PREFLIGHTED },
    // An exact origin, methods and headers listed, one header exposed.
    Case { path: "strict/simple-get", ..GET },
    Case { path: "strict/read-exposed", read: &[("x-request-id", Some("42"))], ..GET },
    Case { path: "strict/read-unexposed", read: &[("x-internal", None), ("content-type", Some("text/plain"))], ..GET },
    Case { path: "strict/post-text", method: "POST", headers: &[("content-type", "text/plain")], body: Some("hi"), ..GET },
    Case { path: "strict/post-json", method: "POST", headers: &[("content-type", "application/json")], body: Some("{}"), ..PREFLIGHTED },
    Case { path: "strict/put", method: "PUT", body: Some("x"), ..PREFLIGHTED },
    Case { path: "strict/delete-not-listed", method: "DELETE", ..REFUSED },
    Case { path: "strict/patch-lowercase-listed", method: "patch", ..PREFLIGHTED },
    Case { path: "strict/patch-uppercase-not-listed", method: "PATCH", ..REFUSED },
    Case { path: "strict/header-listed", headers: &[("x-token", "1")], ..PREFLIGHTED },
    Case { path: "strict/header-mixed-case", headers: &[("X-Token", "1")], ..PREFLIGHTED },
    Case { path: "strict/header-not-listed", headers: &[("x-other", "1")], ..REFUSED },
    Case { path: "strict/headers-one-not-listed", headers: &[("x-token", "1"), ("x-other", "1")], ..REFUSED },
    Case { path: "strict/headers-both-listed", method: "PUT", headers: &[("x-token", "1"), ("content-type", "application/json")], body: Some("{}"), ..PREFLIGHTED },
    Case { path: "strict/credentials-not-allowed", credentials: true, outcome: Blocked, ..GET },
    Case { path: "strict/handler-404?status=404", outcome: Allowed(404), ..GET },
    Case { path: "strict/handler-500?status=500", outcome: Allowed(500), read: &[("x-request-id", Some("42"))], ..GET },
    Case { path: "strict/put-then-404?status=404", method: "PUT", outcome: Allowed(404), ..PREFLIGHTED },
    Case { path: "strict/from-a-subdomain", page: SUBDOMAIN, outcome: Blocked, ..GET },
    // An origin that is never the page's.
    Case { path: "elsewhere/get", outcome: Blocked, ..GET },
    Case { path: "elsewhere/put", method: "PUT", ..REFUSED },
    // Credentials.
    Case { path: "credentials/get", credentials: true, read: &[("x-request-id", Some("42"))], ..GET },
    Case { path: "credentials/put-with-header", method: "PUT", headers: &[("x-token", "1")], credentials: true, ..PREFLIGHTED },
    Case { path: "credentials/get-without", ..GET },
    // `*` everywhere.
    Case { path: "any/get", read: &[("x-internal", Some("secret"))], ..GET },
    Case { path: "any/put-custom-header", method: "PUT", headers: &[("x-anything", "1")], ..PREFLIGHTED },
    Case { path: "any/custom-method", method: "PURGE", ..PREFLIGHTED },
    Case { path: "any/credentials", credentials: true, outcome: Blocked, ..GET },
    Case { path: "any/authorization-not-covered", headers: &[("authorization", "Bearer t")], ..REFUSED },
    Case { path: "any-auth/authorization-listed", headers: &[("authorization", "Bearer t")], ..PREFLIGHTED },
    // Patterns.
    Case { path: "any-port/delete", method: "DELETE", ..PREFLIGHTED },
    Case { path: "subdomains/get", page: SUBDOMAIN, ..GET },
    Case { path: "subdomains/put-credentials", page: SUBDOMAIN, method: "PUT", credentials: true, ..PREFLIGHTED },
    Case { path: "subdomains/apex-not-matched", outcome: Blocked, ..GET },
    Case { path: "subdomains/apex-preflight", method: "PUT", ..REFUSED },
    // Preflight caching and status.
    Case { path: "cached/put-twice", method: "PUT", repeat: 2, handled: 2, ..PREFLIGHTED },
    Case { path: "uncached/put-twice", method: "PUT", repeat: 2, preflights: 2, handled: 2, ..PREFLIGHTED },
    Case { path: "status-200/put", method: "PUT", ..PREFLIGHTED },
    // Above every engine's cap (Chromium 7 200 s, Firefox 86 400 s, WebKit 600 s): clamped,
    // not ignored, so the second request needs no preflight. The caps themselves would take
    // ten minutes at least to show, which this suite does not wait.
    Case { path: "cached-a-day/put-twice", method: "PUT", repeat: 2, handled: 2, ..PREFLIGHTED },
    // No `Access-Control-Max-Age`: the Fetch Standard's default is 5 s.
    Case { path: "default-cache/put-twice", method: "PUT", repeat: 2, handled: 2, ..PREFLIGHTED },
    // With credentials, `*` is a literal name, so the policy answers with the method and
    // headers asked for: a custom method and `authorization` pass, as listed names would.
    Case { path: "any-credentials/purge", method: "PURGE", credentials: true, ..PREFLIGHTED },
    Case { path: "any-credentials/authorization", headers: &[("authorization", "Bearer t")], credentials: true, ..PREFLIGHTED },
    Case { path: "any-credentials/custom-header-without-credentials", method: "PUT", headers: &[("x-anything", "1")], ..PREFLIGHTED },
    // Cross-origin writes, refused before the handler from a page the policy does not list
    // (`app.localhost`), let through from the listed page and from the API's own origin.
    Case { path: "writes/form-from-unlisted", form: true, outcome: Sent, ..REFUSED_WRITE },
    Case { path: "writes/no-cors-from-unlisted", mode: Some("no-cors"), headers: &[("content-type", "text/plain")], body: Some("x"), outcome: Opaque, ..REFUSED_WRITE },
    Case { path: "writes/get-from-unlisted", page: SUBDOMAIN, outcome: Blocked, sent: Some(1), ..GET },
    Case { path: "writes/credentialed-post-from-listed", method: "POST", credentials: true, headers: &[("content-type", "text/plain")], body: Some("x"), sent: Some(1), ..GET },
    Case { path: "writes/form-from-listed", method: "POST", form: true, outcome: Sent, sent: Some(1), ..GET },
    Case { path: "writes/same-origin-post", page: API_ITSELF, method: "POST", headers: &[("content-type", "application/json")], body: Some("{}"), sent: Some(1), ..GET },
    Case { path: "writes/same-origin-form", page: API_ITSELF, method: "POST", form: true, outcome: Sent, sent: Some(1), ..GET },
    // Two policies on one layer: the app's page cannot preflight, write or read an admin route…
    Case { path: "routed/admin/delete", method: "DELETE", credentials: true, ..REFUSED },
    Case { path: "routed/admin/read", credentials: true, outcome: Blocked, ..GET },
    Case { path: "routed/admin/no-cors-write", page: LOCALHOST, mode: Some("no-cors"), headers: &[("content-type", "text/plain")], body: Some("x"), outcome: Opaque, ..REFUSED_WRITE },
    Case { path: "routed/admin/form", page: LOCALHOST, form: true, outcome: Sent, ..REFUSED_WRITE },
    // …and can use the app's routes, while the admin's page can use the admin routes.
    Case { path: "routed/items/put", method: "PUT", credentials: true, ..PREFLIGHTED },
    Case { path: "routed/items/read", credentials: true, ..GET },
    Case { path: "routed/admin/delete-from-admin", page: SUBDOMAIN, method: "DELETE", credentials: true, ..PREFLIGHTED },
    // An authentication layer outside the CORS layer answers the preflight 401 itself.
    Case { path: "behind-auth/put", method: "PUT", headers: &[("authorization", "Bearer t")], handled: 0, ..REFUSED },
    Case { path: "behind-auth/get", outcome: Blocked, handled: 0, sent: Some(1), ..GET },
    // Answers written by hand: the rules of the CORS check, the preflight and the safelists
    // that no policy of this crate would break.
    Case { path: "raw/acao-star-star", outcome: Blocked, ..GET },
    Case { path: "raw/acao-two-lines", outcome: Blocked, ..GET },
    Case { path: "raw/acao-trailing-slash", outcome: Blocked, ..GET },
    Case { path: "raw/acam-lowercase-put", method: "PUT", ..REFUSED },
    Case { path: "raw/acam-bad-token", method: "PUT", ..REFUSED },
    Case { path: "raw/aceh-bad-token", read: &[("x-request-id", None), ("content-type", Some("text/plain"))], ..GET },
    Case { path: "raw/acac-uppercase", credentials: true, outcome: Blocked, ..GET },
    Case { path: "raw/preflight-401", method: "PUT", ..REFUSED },
    Case { path: "raw/preflight-403-with-cors", method: "PUT", ..REFUSED },
    Case { path: "raw/text-plain-garbage", method: "POST", headers: &[("content-type", "text/plain;garbage")], body: Some("x"), ..GET },
    Case { path: "raw/range-suffix", headers: &[("range", "bytes=-500")], ..PREFLIGHTED },
    Case { path: "raw/range-simple", headers: &[("range", "bytes=0-10")], ..GET },
    Case { path: "raw/accept-129-bytes", headers: &[("accept", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")], ..PREFLIGHTED },
    Case { path: "raw/acah-star-credentials", headers: &[("x-token", "1")], credentials: true, ..REFUSED },
    Case { path: "raw/acao-star-credentials", credentials: true, outcome: Blocked, ..GET },
    Case { path: "raw/aceh-star-credentials", credentials: true, read: &[("x-request-id", None), ("content-type", Some("text/plain"))], ..GET },
    Case { path: "raw/no-cors-get", mode: Some("no-cors"), outcome: Opaque, ..GET },
];

/// Every request the server received (outside the CORS layer), and those the handler received.
static RECEIVED: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());
static HANDLED: Mutex<Vec<String>> = Mutex::new(Vec::new());
/// What the browser said of where each write case came from: path, method, and the
/// `Origin`, `Sec-Fetch-Site` and `Sec-Fetch-Mode` it sent.
static SENT: Mutex<Vec<[String; 5]>> = Mutex::new(Vec::new());

/// Records what the browser sent for a write case.
fn sent(path: &str, method: &str, header: impl Fn(&str) -> Option<String>) {
    if path.starts_with("/writes/") {
        let [origin, site, mode] = ["origin", "sec-fetch-site", "sec-fetch-mode"]
            .map(|name| header(name).unwrap_or_else(|| "(none)".to_owned()));
        SENT.lock()
            .unwrap()
            .push([path.to_owned(), method.to_owned(), origin, site, mode]);
    }
}

/// A page on the API's own origin, running the cases of [`API_ITSELF`] with URLs relative to it.
fn page_on_the_api() -> String {
    format!(
        "<!doctype html><title>running</title>\
         <script id=\"cases\" type=\"application/json\">{}</script><script>{}</script>",
        cases_json(API_ITSELF, None),
        include_str!("../../../../examples/axum/assets/runner.js"),
    )
}

fn path_and_query(request: &Request) -> String {
    request
        .uri()
        .path_and_query()
        .map_or_else(String::new, ToString::to_string)
}

async fn record(request: Request, next: Next) -> Response {
    let entry = (request.method().to_string(), path_and_query(&request));
    sent(&entry.1, &entry.0, |name| {
        let value = request.headers().get(name)?;
        Some(String::from_utf8_lossy(value.as_bytes()).into_owned())
    });
    RECEIVED.lock().unwrap().push(entry);
    next.run(request).await
}

async fn handler(request: Request) -> Response {
    // Inside a nested router the path has lost its prefix; axum keeps the original.
    let original = request.extensions().get::<axum::extract::OriginalUri>();
    let path = original
        .and_then(|uri| uri.path_and_query())
        .map(ToString::to_string);
    HANDLED.lock().unwrap().push(path.unwrap_or_default());
    let status = request
        .uri()
        .query()
        .and_then(|q| q.strip_prefix("status="))
        .and_then(|s| s.parse().ok())
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static("text/plain")),
        (
            HeaderName::from_static("x-request-id"),
            HeaderValue::from_static("42"),
        ),
        (
            HeaderName::from_static("x-internal"),
            HeaderValue::from_static("secret"),
        ),
    ];
    (status, headers, "handled").into_response()
}

/// The `/raw` routes: the answer of [`RAW`] for the case, with the handler's headers.
async fn raw_handler(request: Request) -> Response {
    let original = request.extensions().get::<axum::extract::OriginalUri>();
    let path = original.map_or_else(String::new, |uri| uri.path().to_owned());
    let (status, lines) = raw_answer(request.method().as_str(), &path);
    let mut response = if request.method() == axum::http::Method::OPTIONS {
        StatusCode::from_u16(status).unwrap().into_response()
    } else {
        handler(request).await
    };
    for (name, value) in lines {
        response.headers_mut().append(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    response
}

/// An authentication layer: 401 to any request without `Authorization`.
async fn authenticate(request: Request, next: Next) -> Response {
    if request.headers().contains_key(header::AUTHORIZATION) {
        next.run(request).await
    } else {
        StatusCode::UNAUTHORIZED.into_response()
    }
}

fn api() -> Router {
    let mut router = Router::new();
    for (prefix, policy) in POLICIES {
        let scoped = Router::new()
            .route("/{*case}", any(handler))
            .layer(policy.layer());
        router = router.nest(&format!("/{prefix}"), scoped);
    }
    let app_and_admin = cors_runtime::CorsLayer::new(&ROUTED_APP)
        .route(ROUTED_PREFIX, &ROUTED_ADMIN)
        .expect("a valid prefix");
    router
        .nest(
            "/routed",
            Router::new()
                .route("/{*case}", any(handler))
                .layer(app_and_admin),
        )
        .nest("/raw", Router::new().route("/{*case}", any(raw_handler)))
        .nest(
            "/behind-auth",
            Router::new()
                .route("/{*case}", any(handler))
                .layer(BEHIND_AUTH.layer())
                .layer(middleware::from_fn(authenticate)),
        )
        .route("/page", get(|| async { Html(page_on_the_api()) }))
        .layer(middleware::from_fn(record))
}

/// The same API on actix-web: each prefix a scope wrapped in `actix::Cors`, whose default
/// service is the handler, so that every path under it is a case. Served on its own thread, in
/// actix-web's own runtime; returns its port.
fn actix_api() -> u16 {
    use actix_web::dev::{Service as _, ServiceResponse};
    use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};

    async fn handler(request: HttpRequest) -> HttpResponse {
        let path = request.uri().path_and_query().map(ToString::to_string);
        HANDLED.lock().unwrap().push(path.unwrap_or_default());
        let status = request
            .query_string()
            .strip_prefix("status=")
            .and_then(|s| s.parse().ok())
            .and_then(|s| actix_web::http::StatusCode::from_u16(s).ok())
            .unwrap_or(actix_web::http::StatusCode::OK);
        HttpResponse::build(status)
            .insert_header(("content-type", "text/plain"))
            .insert_header(("x-request-id", "42"))
            .insert_header(("x-internal", "secret"))
            .body("handled")
    }

    async fn raw_handler(request: HttpRequest) -> HttpResponse {
        let (status, lines) = raw_answer(request.method().as_str(), request.path());
        let mut response = if request.method() == actix_web::http::Method::OPTIONS {
            HttpResponse::new(actix_web::http::StatusCode::from_u16(status).unwrap())
        } else {
            handler(request).await
        };
        for (name, value) in lines {
            response.headers_mut().append(
                actix_web::http::header::HeaderName::from_static(name),
                actix_web::http::header::HeaderValue::from_static(value),
            );
        }
        response
    }

    let (sender, port) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = HttpServer::new(|| {
                let mut app = App::new().wrap_fn(|request, service| {
                    let path = request.uri().path_and_query().map(ToString::to_string);
                    let entry = (request.method().to_string(), path.unwrap_or_default());
                    sent(&entry.1, &entry.0, |name| {
                        let value = request.headers().get(name)?;
                        Some(String::from_utf8_lossy(value.as_bytes()).into_owned())
                    });
                    RECEIVED.lock().unwrap().push(entry);
                    service.call(request)
                });
                app = app.route(
                    "/page",
                    web::get().to(|| async {
                        HttpResponse::Ok()
                            .content_type("text/html")
                            .body(page_on_the_api())
                    }),
                );
                for (prefix, policy) in POLICIES {
                    app = app.service(
                        web::scope(&format!("/{prefix}"))
                            .wrap(policy.actix())
                            .default_service(web::to(handler)),
                    );
                }
                let app_and_admin = cors_runtime::actix::Cors::new(&ROUTED_APP)
                    .route(ROUTED_PREFIX, &ROUTED_ADMIN)
                    .expect("a valid prefix");
                app.service(
                    web::scope("/routed")
                        .wrap(app_and_admin)
                        .default_service(web::to(handler)),
                )
                .service(web::scope("/raw").default_service(web::to(raw_handler)))
                .service(
                    // The last `wrap` is the outermost: authentication runs before CORS.
                    web::scope("/behind-auth")
                        .wrap(BEHIND_AUTH.actix())
                        .wrap_fn(|request, service| {
                            // Passed on (`Ok`), or refused here (`Err`), before CORS sees it.
                            let next = if request.headers().contains_key("authorization") {
                                Ok(service.call(request))
                            } else {
                                Err(request.into_response(HttpResponse::Unauthorized().finish()))
                            };
                            async move {
                                match next {
                                    Ok(call) => {
                                        call.await.map(ServiceResponse::map_into_boxed_body)
                                    }
                                    Err(refused) => Ok(refused.map_into_boxed_body()),
                                }
                            }
                        })
                        .default_service(web::to(handler)),
                )
            })
            .workers(1)
            .bind(("127.0.0.1", 0))
            .unwrap();
            sender.send(server.addrs()[0].port()).unwrap();
            server.run().await.unwrap();
        });
    });
    port.recv().unwrap()
}

/// The cases of one page, as the runner reads them: URLs to the API on `api_port`, or relative
/// ones for a page on the API's own origin.
fn cases_json(page: &str, api_port: Option<u16>) -> String {
    let base = api_port.map_or_else(String::new, |port| format!("http://127.0.0.1:{port}"));
    let cases: Vec<Value> = CASES
        .iter()
        .filter(|case| case.page == page)
        .map(|case| {
            let headers: serde_json::Map<String, Value> = case
                .headers
                .iter()
                .map(|(name, value)| ((*name).to_owned(), Value::from(*value)))
                .collect();
            json!({
                "name": case.path,
                "url": format!("{base}/{}", case.path),
                "method": case.method,
                "headers": headers,
                "credentials": if case.credentials { "include" } else { "same-origin" },
                "body": case.body,
                "repeat": case.repeat,
                "mode": case.mode,
                "form": case.form,
                "read": case.read.iter().map(|(name, _)| *name).collect::<Vec<_>>(),
            })
        })
        .collect();
    Value::Array(cases).to_string().replace("</", "<\\/")
}

/// The pages: `/page/<api port>/<host>` runs the cases of `host` against the API on that port.
fn pages() -> Router {
    Router::new()
        .route(
            "/page/{api_port}/{host}",
            get(
                |axum::extract::Path((api_port, host)): axum::extract::Path<(u16, String)>| async move {
                    Html(format!(
                        "<!doctype html><title>running</title>\
                     <script id=\"cases\" type=\"application/json\">{}</script>\
                     <script src=\"/runner.js\"></script>",
                        cases_json(&host, Some(api_port))
                    ))
                },
            ),
        )
        .route(
            "/runner.js",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/javascript")],
                    include_str!("../../../../examples/axum/assets/runner.js"),
                )
            }),
        )
}

/// What one case came to, as the suite compares it: in an engine, or in the model.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Observed {
    outcome: Outcome,
    /// The value the page read for each of the case's `read` names.
    read: Vec<Option<String>>,
    /// The methods the server received for the case's path, in order.
    received: Vec<String>,
    /// Requests the handler received.
    handled: usize,
}

impl Observed {
    fn preflights(&self) -> usize {
        self.received.iter().filter(|m| *m == "OPTIONS").count()
    }

    /// Requests besides preflights that reached the server.
    fn sent(&self) -> usize {
        self.received.len() - self.preflights()
    }

    /// What the server saw of `case` since the logs were last cleared, with `outcome` and `read`.
    fn at_the_server(case: &Case, outcome: Outcome, read: Vec<Option<String>>) -> Self {
        let path = format!("/{}", case.path);
        let received = RECEIVED
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, p)| *p == path)
            .map(|(method, _)| method.clone())
            .collect();
        let handled = HANDLED
            .lock()
            .unwrap()
            .iter()
            .filter(|p| **p == path)
            .count();
        Self {
            outcome,
            read,
            received,
            handled,
        }
    }
}

/// What the engine let the page see of `case`, as its page wrote it.
fn in_engine(case: &Case, result: &Value) -> Observed {
    let outcome = match (result["outcome"].as_str(), result["status"].as_u64()) {
        (Some("allowed"), Some(0)) => Opaque,
        (Some("allowed"), Some(status)) => Allowed(u16::try_from(status).unwrap()),
        (Some("sent"), _) => Sent,
        _ => Blocked,
    };
    let read = case
        .read
        .iter()
        .map(|(name, _)| result["read"][name].as_str().map(ToOwned::to_owned))
        .collect();
    Observed::at_the_server(case, outcome, read)
}

/// What the model says of `case`.
fn in_model(case: &Case, outcome: &cors_browser::Outcome) -> Observed {
    use cors_browser::Response;
    let seen = match &outcome.response {
        Response::Readable { status, .. } => Allowed(status.as_u16()),
        Response::Opaque => Opaque,
        Response::Submitted => Sent,
        Response::Blocked(_) => Blocked,
    };
    let read = case
        .read
        .iter()
        .map(|(name, _)| outcome.header(name))
        .collect();
    Observed::at_the_server(case, seen, read)
}

/// The preflights `engine` may send for `case`.
fn preflights_expected(engine: Engine, case: &Case) -> RangeInclusive<usize> {
    case.preflights_in
        .iter()
        .find(|(other, _)| *other == engine)
        .map_or(case.preflights..=case.preflights, |(_, range)| {
            range.clone()
        })
}

/// What went wrong with one case in the engine, if anything.
fn check(engine: Engine, case: &Case, seen: &Observed) -> Vec<String> {
    let mut problems = Vec::new();
    if seen.outcome != case.outcome {
        problems.push(format!(
            "expected {:?}, the browser gave {:?}",
            case.outcome, seen.outcome
        ));
    }
    for ((name, expected), read) in case.read.iter().zip(&seen.read) {
        if read.as_deref() != *expected {
            problems.push(format!(
                "reading {name}: expected {expected:?}, got {read:?}"
            ));
        }
    }
    let expected = preflights_expected(engine, case);
    let preflights = seen.preflights();
    if !expected.contains(&preflights) {
        let (low, high) = expected.into_inner();
        let expected = if low == high {
            low.to_string()
        } else {
            format!("{low} to {high}")
        };
        problems.push(format!(
            "expected {expected} preflight(s), the server received {preflights} (in order: {})",
            seen.received.join(", ")
        ));
    }
    if case.sent.is_some_and(|sent| sent != seen.sent()) {
        problems.push(format!(
            "expected the browser to send {} request(s) besides preflights, the server received \
             {} (in order: {})",
            case.sent.unwrap_or_default(),
            seen.sent(),
            seen.received.join(", ")
        ));
    }
    if seen.handled != case.handled {
        problems.push(format!(
            "expected the handler to run {} time(s), it ran {}",
            case.handled, seen.handled
        ));
    }
    problems
}

/// Where the model and the engine differ on one case: the outcome, what the page read, the
/// requests the server received and the handler calls. Where the case lets the engine send a
/// range of preflights (a fresh Firefox profile), the model must fall in it too.
fn disagreements(
    engine: Engine,
    case: &Case,
    browser: &Observed,
    model: &Observed,
    outcome: &cors_browser::Outcome,
) -> Vec<String> {
    let same_preflights = if case.preflights_in.iter().any(|(other, _)| *other == engine) {
        preflights_expected(engine, case).contains(&model.preflights())
            && browser.sent() == model.sent()
    } else {
        browser.received == model.received
    };
    if browser.outcome == model.outcome
        && browser.read == model.read
        && browser.handled == model.handled
        && same_preflights
    {
        return Vec::new();
    }
    vec![format!(
        "the model disagrees with {}: the browser {browser:?}, the model {model:?}; the model \
         says:\n{outcome}",
        engine.name()
    )]
}

/// The page origin of `host`'s page, and the base of its URLs, against the API on `api_port`.
fn page_origin(host: &str, api_port: u16) -> String {
    if host == API_ITSELF {
        format!("http://127.0.0.1:{api_port}")
    } else {
        format!("http://{host}:{PAGE_PORT}")
    }
}

/// The request the runner makes for `case`, for the model.
fn model_request(case: &Case, api_port: u16) -> cors_browser::Request {
    use cors_browser::{Credentials, Mode, Request};
    let url = format!("http://127.0.0.1:{api_port}/{}", case.path);
    if case.form {
        return Request::form_post(&url)
            .field("field", case.body.unwrap_or("value"))
            .in_frame();
    }
    let mut request = Request::new(case.method, &url);
    for (name, value) in case.headers {
        request = request.header(name, value);
    }
    if let Some(body) = case.body {
        request = request.body(body);
    }
    if case.mode == Some("no-cors") {
        request = request.mode(Mode::NoCors);
    }
    request.credentials(if case.credentials {
        Credentials::Include
    } else {
        Credentials::SameOrigin
    })
}

/// Runs every case through the model, page by page in the order the pages ran them, with the
/// 250 ms the runner waits between repeats.
async fn run_model<S: cors_browser::Server>(
    browser: &mut cors_browser::Browser,
    server: &mut S,
    api_port: u16,
) -> BTreeMap<&'static str, cors_browser::Outcome> {
    let mut outcomes = BTreeMap::new();
    for host in [LOCALHOST, SUBDOMAIN, API_ITSELF] {
        let origin = page_origin(host, api_port);
        for case in CASES.iter().filter(|case| case.page == host) {
            for time in 0..case.repeat {
                if time > 0 {
                    browser.wait(std::time::Duration::from_millis(250));
                }
                let outcome = browser
                    .page(&origin)
                    .fetch(server, model_request(case, api_port))
                    .await;
                outcomes.insert(case.path, outcome);
            }
        }
    }
    outcomes
}

fn clear_logs() {
    RECEIVED.lock().unwrap().clear();
    HANDLED.lock().unwrap().clear();
    SENT.lock().unwrap().clear();
}

/// Runs the matrix in `engine` against the axum API, then against the actix-web API: both pages
/// each time, every case checked, every failure named; then the model of the same engine runs
/// every case against the same server (axum in process through tower, actix-web over HTTP),
/// and must agree with the engine on each.
pub(crate) async fn run(engine: Engine) {
    let api_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let axum_port = api_listener.local_addr().unwrap().port();
    let page_listener = tokio::net::TcpListener::bind(("127.0.0.1", PAGE_PORT))
        .await
        .unwrap_or_else(|e| panic!("the page server needs port {PAGE_PORT}: {e}"));
    tokio::spawn(async move { axum::serve(api_listener, api()).await.unwrap() });
    tokio::spawn(async move { axum::serve(page_listener, pages()).await.unwrap() });
    let actix_port = actix_api();

    let driver = Driver::start(engine).await;
    let session = driver.session().await;
    let mut failures = Vec::new();
    // One profile for both servers, as the engine's session is one.
    let mut model = cors_browser::Browser::new(engine);
    let mut agreed = 0;
    // Each server has its own port, so the browser's preflight cache keeps them apart.
    for (server, api_port) in [("axum", axum_port), ("actix-web", actix_port)] {
        clear_logs();
        let mut results = BTreeMap::new();
        for host in [LOCALHOST, SUBDOMAIN, API_ITSELF] {
            let url = if host == API_ITSELF {
                format!("http://127.0.0.1:{api_port}/page")
            } else {
                format!("http://{host}:{PAGE_PORT}/page/{api_port}/{host}")
            };
            let text = session.results(&url).await;
            let list: Vec<Value> = serde_json::from_str(&text).expect("the runner writes JSON");
            results.extend(
                list.into_iter()
                    .map(|result| (result["name"].as_str().unwrap().to_owned(), result)),
            );
        }
        // What the engine said of each write's origin, for the README's table.
        for [path, method, origin, site, mode] in SENT.lock().unwrap().iter() {
            println!(
                "{} on {server}: {method} {path}: Origin {origin}, Sec-Fetch-Site {site}, \
                 Sec-Fetch-Mode {mode}",
                engine.name()
            );
        }
        let mut seen = BTreeMap::new();
        for case in CASES {
            let name = format!("{server}: {} (page {})", case.path, case.page);
            let Some(result) = results.get(case.path) else {
                failures.push(format!("{name}: no result from the page"));
                continue;
            };
            let observed = in_engine(case, result);
            failures.extend(
                check(engine, case, &observed)
                    .into_iter()
                    .map(|p| format!("{name}: {p}")),
            );
            seen.insert(case.path, observed);
        }

        clear_logs();
        let outcomes = if server == "axum" {
            run_model(&mut model, &mut api(), api_port).await
        } else {
            run_model(&mut model, &mut cors_browser::Client::new(), api_port).await
        };
        for case in CASES {
            let (Some(browser), Some(outcome)) = (seen.get(case.path), outcomes.get(case.path))
            else {
                continue;
            };
            let problems = disagreements(engine, case, browser, &in_model(case, outcome), outcome);
            if problems.is_empty() {
                agreed += 1;
            }
            failures.extend(
                problems
                    .into_iter()
                    .map(|p| format!("{server}: {} (page {}): {p}", case.path, case.page)),
            );
        }
    }
    let version = session.version.clone();
    session.end().await;

    assert!(
        CASES.len() >= 30,
        "the matrix has {} cases, fewer than 30",
        CASES.len()
    );
    assert!(
        failures.is_empty(),
        "{} {version}: {} problem(s) in {} cases (the matrix runs on axum and on actix-web; the \
         model agreed on {agreed}):\n{}",
        engine.name(),
        failures.len(),
        2 * CASES.len(),
        failures.join("\n")
    );
    println!(
        "{} {version}: {} cases on axum and on actix-web, all as expected; the model agreed on \
         {agreed} of {}",
        engine.name(),
        CASES.len(),
        2 * CASES.len()
    );
}

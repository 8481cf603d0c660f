//! What the benchmarks share: the policy, the same policy for tower-http, the requests and the
//! hand-written floor. Requests are built, and services driven, by the tests' support library,
//! so that the tests and the benchmarks send the same bytes the same way.

use std::fmt::Write as _;
use std::time::Duration;

use cors_runtime::{CorsPolicy, Verdict, cors_policy};
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Method, Request, StatusCode};

pub use cors_tests::{Noop, drive, request};

include!(concat!(env!("OUT_DIR"), "/policies.rs"));

/// The benchmarks' policy, with the keys given after its own.
macro_rules! api_policy {
    ($($more:tt)*) => {
        cors_policy! {
            allow_origins: ["https://app.example.com", "https://*.example.com"],
            allow_methods: [PUT, DELETE],
            allow_headers: ["content-type", "x-request-id"],
            expose_headers: ["x-request-id"],
            allow_credentials: true,
            max_age: 600,
            $($more)*
        }
    };
}

/// The policy of the core and layer benchmarks.
pub static API: CorsPolicy = api_policy!();

/// [`API`] with `refuse_cross_origin_writes`, for the cost of the rule.
pub static API_WRITES: CorsPolicy = api_policy!(refuse_cross_origin_writes: true);

/// A named request: its method and header lines.
pub type Named = (
    &'static str,
    Method,
    &'static [(&'static str, &'static str)],
);

/// The requests of the cross-origin write benchmarks, as browsers send them (`Sec-Fetch-Site`),
/// by name.
pub const WRITES: [Named; 8] = [
    (
        "get_allowed",
        Method::GET,
        &[
            ("origin", "https://app.example.com"),
            ("sec-fetch-site", "cross-site"),
        ],
    ),
    (
        "get_disallowed",
        Method::GET,
        &[
            ("origin", "https://evil.example"),
            ("sec-fetch-site", "cross-site"),
        ],
    ),
    (
        "post_allowed",
        Method::POST,
        &[
            ("origin", "https://app.example.com"),
            ("sec-fetch-site", "cross-site"),
        ],
    ),
    (
        "post_same_origin",
        Method::POST,
        &[
            ("origin", "https://api.example.net"),
            ("sec-fetch-site", "same-origin"),
        ],
    ),
    (
        "post_refused",
        Method::POST,
        &[
            ("origin", "https://evil.example"),
            ("sec-fetch-site", "cross-site"),
        ],
    ),
    (
        "post_refused_without_sec_fetch_site",
        Method::POST,
        &[
            ("host", "api.example.net"),
            ("origin", "https://evil.example"),
        ],
    ),
    (
        "preflight_unlisted_origin",
        Method::OPTIONS,
        &[
            ("origin", "https://evil.example"),
            ("access-control-request-method", "PUT"),
        ],
    ),
    (
        "preflight_rejected",
        Method::OPTIONS,
        &[
            ("origin", "https://app.example.com"),
            ("access-control-request-method", "PATCH"),
        ],
    ),
];

/// The write benchmark's request named `name`.
#[must_use]
pub fn write_request(name: &str) -> Option<Request<()>> {
    WRITES
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, method, pairs)| request(method.clone(), pairs))
}

/// What one more header lookup costs: reading `Sec-Fetch-Site`'s value from the request's map.
/// The numbers of prefixes the routing benchmarks compare: none (the layer without routes), then
/// 1, 10 and 100.
pub const ROUTE_COUNTS: [usize; 4] = [0, 1, 10, 100];

/// [`API`]'s layer with `n` prefixes `/p0` … `/p{n-1}`, each under [`API_WRITES`].
///
/// # Panics
/// Never: the prefixes are valid and distinct.
#[must_use]
pub fn routed_layer(n: usize) -> cors_runtime::CorsLayer {
    (0..n).fold(API.layer(), |layer, i| {
        layer
            .route(&format!("/p{i}"), &API_WRITES)
            .expect("a valid prefix")
    })
}

/// The path of a request through a routed layer: `chosen`, a path under the last prefix (or,
/// without prefixes, any path); otherwise a path of four segments that no prefix covers. Parsed
/// once, so that a benchmark's loop only clones it.
///
/// # Panics
/// Never: the paths are valid.
#[must_use]
pub fn routed_uri(n: usize, chosen: bool) -> http::Uri {
    let path = if chosen && n > 0 {
        format!("/p{}/items/42", n - 1)
    } else {
        "/api/v1/items/42".to_owned()
    };
    path.parse().expect("a path")
}

/// An allowed request (an origin both policies allow) to `uri`.
#[must_use]
pub fn routed_request(uri: &http::Uri) -> Request<()> {
    let mut request = Kind::ActualAllowed.request();
    *request.uri_mut() = uri.clone();
    request
}

#[must_use]
pub fn one_lookup(request: &HeaderMap) -> bool {
    request
        .get(SEC_FETCH_SITE)
        .is_some_and(|site| site.as_bytes() == b"cross-site")
}

const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Whether `origin` is `https://<labels>.example.com`, as a tower-http user would write it.
fn is_example_subdomain(origin: &[u8]) -> bool {
    origin
        .strip_prefix(b"https://")
        .and_then(|rest| rest.strip_suffix(b".example.com"))
        .is_some_and(|labels| {
            !labels.is_empty()
                && labels.split(|&b| b == b'.').all(|label| {
                    !label.is_empty()
                        && label
                            .iter()
                            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                })
        })
}

/// [`API`] for tower-http: the exact origin and the subdomains through a predicate, since
/// tower-http has no subdomain patterns.
pub fn tower_http_layer() -> tower_http::cors::CorsLayer {
    use tower_http::cors::{AllowOrigin, CorsLayer};
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(|origin: &HeaderValue, _| {
            origin == "https://app.example.com" || is_example_subdomain(origin.as_bytes())
        }))
        .allow_methods([Method::PUT, Method::DELETE])
        .allow_headers([header::CONTENT_TYPE, X_REQUEST_ID])
        .expose_headers([X_REQUEST_ID])
        .allow_credentials(true)
        .max_age(Duration::from_mins(10))
}

/// [`API`] for actix-cors 0.7: the exact origin and the subdomains through a predicate, as for
/// tower-http. A disallowed origin reaches the handler, as with ours, instead of being answered
/// with an error.
pub fn actix_cors() -> actix_cors::Cors {
    actix_cors::Cors::default()
        .allowed_origin("https://app.example.com")
        .allowed_origin_fn(|origin, _| is_example_subdomain(origin.as_bytes()))
        .allowed_methods(["GET", "HEAD", "POST", "PUT", "DELETE"])
        .allowed_headers(["content-type", "x-request-id"])
        .expose_headers(["x-request-id"])
        .supports_credentials()
        .max_age(600)
        .block_on_origin_mismatch(false)
}

/// tower-http with a list of 1 000 exact origins, against [`ORIGINS_1000`].
pub fn tower_http_layer_1000() -> tower_http::cors::CorsLayer {
    use tower_http::cors::{AllowOrigin, CorsLayer};
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(
            EXACT_1000.iter().map(|o| HeaderValue::from_static(o)),
        ))
        .allow_methods([Method::PUT, Method::DELETE])
        .allow_headers([header::CONTENT_TYPE, X_REQUEST_ID])
        .allow_credentials(true)
}

/// The adversarial preflights' names, the ordinary rejection first.
pub const ADVERSARIAL: [&str; 4] = [
    "ordinary_rejection",
    "headers_8k_commas",
    "headers_8k_unknown_names",
    "origin_8k",
];

/// The preflight named `name` (one of [`ADVERSARIAL`]): 8 KiB of commas or of unknown names in
/// `Access-Control-Request-Headers`, or an 8 KiB `Origin`, and an ordinary rejected preflight
/// (a method the policy does not list) to compare them with. Each is refused by [`API`].
#[must_use]
pub fn adversarial_request(name: &str) -> Option<Request<()>> {
    const KIB8: usize = 8 * 1024;
    const APP: &str = "https://app.example.com";
    let commas = ",".repeat(KIB8);
    let mut names = String::new();
    let mut i = 0;
    while names.len() < KIB8 - 16 {
        let _ = write!(names, "x-unknown-{i:04},");
        i += 1;
    }
    let long_origin = format!("https://{}.example.com", "a".repeat(KIB8 - 20));
    let pairs: Vec<(&str, &str)> = match name {
        "ordinary_rejection" => vec![("origin", APP), ("access-control-request-method", "PATCH")],
        "headers_8k_commas" => vec![
            ("origin", APP),
            ("access-control-request-method", "PUT"),
            ("access-control-request-headers", &commas),
        ],
        "headers_8k_unknown_names" => vec![
            ("origin", APP),
            ("access-control-request-method", "PUT"),
            ("access-control-request-headers", &names),
        ],
        "origin_8k" => vec![
            ("origin", &long_origin),
            ("access-control-request-method", "PUT"),
        ],
        _ => return None,
    };
    Some(request(Method::OPTIONS, &pairs))
}

/// The request kinds every comparison uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    ActualAllowed,
    ActualDisallowed,
    NoOrigin,
    PreflightAllowed,
    PreflightRejected,
    SubdomainHit,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::ActualAllowed,
        Kind::ActualDisallowed,
        Kind::NoOrigin,
        Kind::PreflightAllowed,
        Kind::PreflightRejected,
        Kind::SubdomainHit,
    ];

    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Kind::ActualAllowed => "actual_allowed",
            Kind::ActualDisallowed => "actual_disallowed",
            Kind::NoOrigin => "no_origin",
            Kind::PreflightAllowed => "preflight_allowed",
            Kind::PreflightRejected => "preflight_rejected",
            Kind::SubdomainHit => "subdomain_hit",
        }
    }

    /// The request, with header values shared the way hyper shares its read buffer.
    #[must_use]
    pub fn request(self) -> Request<()> {
        let (method, pairs) = self.parts();
        request(method, pairs)
    }

    /// The same request for actix-web, its values shared the same way.
    #[must_use]
    pub fn actix_request(self) -> actix_web::dev::ServiceRequest {
        let (method, pairs) = self.parts();
        cors_tests::actix_request(&method, pairs)
    }

    fn parts(self) -> (Method, &'static [(&'static str, &'static str)]) {
        match self {
            Kind::ActualAllowed => (Method::GET, &[("origin", "https://app.example.com")]),
            Kind::ActualDisallowed => (Method::GET, &[("origin", "https://evil.example")]),
            Kind::NoOrigin => (Method::GET, &[("accept", "*/*")]),
            Kind::PreflightAllowed => (
                Method::OPTIONS,
                &[
                    ("origin", "https://app.example.com"),
                    ("access-control-request-method", "PUT"),
                    (
                        "access-control-request-headers",
                        "content-type,x-request-id",
                    ),
                ],
            ),
            Kind::PreflightRejected => (
                Method::OPTIONS,
                &[
                    ("origin", "https://app.example.com"),
                    ("access-control-request-method", "PATCH"),
                ],
            ),
            Kind::SubdomainHit => (Method::GET, &[("origin", "https://eu.example.com")]),
        }
    }
}

/// Our core path: `check`, then the status and `write_headers`.
pub fn ours(
    policy: &CorsPolicy,
    method: &Method,
    request: &HeaderMap,
    out: &mut HeaderMap,
) -> StatusCode {
    match policy.check(method, request) {
        Verdict::Preflight(preflight) => {
            preflight.write_headers(out);
            preflight.status()
        }
        Verdict::Actual(actual) => {
            actual.write_headers(out);
            StatusCode::OK
        }
        // Refused before the handler: no header at all.
        Verdict::RefusedWrite(refused) => refused.status(),
    }
}

/// The floor's body, for `http` 1 (tower, hyper, the core path) and for actix-web's `http` 0.2
/// types: one piece of code, its names resolved in the module that writes it out.
macro_rules! floor {
    () => {
        const APP: &[u8] = b"https://app.example.com";
        const APP_VALUE: HeaderValue = HeaderValue::from_static("https://app.example.com");
        const TRUE: HeaderValue = HeaderValue::from_static("true");
        const EXPOSE: HeaderValue = HeaderValue::from_static("x-request-id");
        const VARY_ORIGIN: HeaderValue = HeaderValue::from_static("Origin");
        const VARY_PREFLIGHT: HeaderValue = HeaderValue::from_static(
            "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
        );

        /// The floor: what an expert would write by hand for this one kind of request and this
        /// one expected origin. It reads the headers it needs, compares bytes and inserts the
        /// same values as our policy; it knows nothing it was not told.
        #[must_use]
        pub fn floor(
            kind: Kind,
            method: &Method,
            request: &HeaderMap,
            out: &mut HeaderMap,
        ) -> StatusCode {
            let origin = request.get(header::ORIGIN);
            match kind {
                Kind::ActualAllowed | Kind::ActualDisallowed | Kind::NoOrigin => {
                    if origin.is_some_and(|o| o.as_bytes() == APP) {
                        out.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, APP_VALUE);
                        out.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE);
                        out.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSE);
                    }
                    out.append(header::VARY, VARY_ORIGIN);
                    StatusCode::OK
                }
                Kind::SubdomainHit => {
                    if let Some(origin) = origin.filter(|o| is_example_subdomain(o.as_bytes())) {
                        out.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
                        out.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE);
                        out.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSE);
                    }
                    out.append(header::VARY, VARY_ORIGIN);
                    StatusCode::OK
                }
                Kind::PreflightAllowed | Kind::PreflightRejected => {
                    out.append(header::VARY, VARY_PREFLIGHT);
                    let method_ok = request
                        .get(header::ACCESS_CONTROL_REQUEST_METHOD)
                        .is_some_and(|m| m == "PUT" || m == "DELETE");
                    let requested = request.get(header::ACCESS_CONTROL_REQUEST_HEADERS);
                    let headers_ok = requested.is_none_or(|h| h == "content-type,x-request-id");
                    if *method != Method::OPTIONS
                        || origin.is_none_or(|o| o.as_bytes() != APP)
                        || !method_ok
                        || !headers_ok
                    {
                        return StatusCode::FORBIDDEN;
                    }
                    out.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, APP_VALUE);
                    out.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE);
                    if let Some(method) = request.get(header::ACCESS_CONTROL_REQUEST_METHOD) {
                        out.insert(header::ACCESS_CONTROL_ALLOW_METHODS, method.clone());
                    }
                    if let Some(requested) = requested {
                        out.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, requested.clone());
                    }
                    out.insert(
                        header::ACCESS_CONTROL_MAX_AGE,
                        HeaderValue::from_static("600"),
                    );
                    StatusCode::NO_CONTENT
                }
            }
        }
    };
}

/// The floor of the core path (`check` + `write_headers`), over `http` 1.
pub mod floor {
    use super::{Kind, is_example_subdomain};
    use http::header::{self, HeaderMap, HeaderValue};
    use http::{Method, StatusCode};

    floor!();
}

pub use floor::floor;

/// The actix-web floor: a handler that writes the same headers itself, over actix-web's types.
pub mod actix_floor {
    use super::{Kind, is_example_subdomain};
    use actix_web::http::header::{self, HeaderMap, HeaderValue};
    use actix_web::http::{Method, StatusCode};

    floor!();

    /// The actix-web floor as a service: a handler answering a request of `kind` with
    /// [`floor`]'s status and headers, as an application without CORS middleware would.
    #[must_use]
    pub fn handler(
        kind: Kind,
    ) -> impl actix_web::dev::Service<
        actix_web::dev::ServiceRequest,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    > {
        actix_web::dev::fn_service(move |request: actix_web::dev::ServiceRequest| {
            let mut response = actix_web::HttpResponse::Ok().finish();
            let status = floor(
                kind,
                request.method(),
                request.headers(),
                response.headers_mut(),
            );
            *response.status_mut() = status;
            std::future::ready(Ok(request.into_response(response)))
        })
    }
}

/// The least an actix-web middleware that can answer a request itself costs: it calls the
/// service it wraps and hands its response on as the left side of an `EitherBody`, the type
/// that lets a middleware's own answers (a preflight's, a refusal's) have another body. No
/// CORS at all: what any such middleware pays before doing its work, ours and actix-cors
/// included.
pub mod actix_pass_through {
    use std::future::{Future, Ready, ready};
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use actix_web::Error;
    use actix_web::body::{EitherBody, MessageBody};
    use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};

    /// The middleware: `App::new().wrap(PassThrough)`.
    #[derive(Debug)]
    pub struct PassThrough;

    impl<S, B> Transform<S, ServiceRequest> for PassThrough
    where
        S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
        B: MessageBody,
    {
        type Response = ServiceResponse<EitherBody<B>>;
        type Error = Error;
        type Transform = PassThroughService<S>;
        type InitError = ();
        type Future = Ready<Result<PassThroughService<S>, ()>>;

        fn new_transform(&self, service: S) -> Self::Future {
            ready(Ok(PassThroughService { service }))
        }
    }

    /// The service [`PassThrough`] wraps around another.
    #[derive(Debug)]
    pub struct PassThroughService<S> {
        service: S,
    }

    impl<S, B> Service<ServiceRequest> for PassThroughService<S>
    where
        S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
        B: MessageBody,
    {
        type Response = ServiceResponse<EitherBody<B>>;
        type Error = Error;
        type Future = PassThroughFuture<S::Future>;

        forward_ready!(service);

        fn call(&self, request: ServiceRequest) -> Self::Future {
            PassThroughFuture {
                future: self.service.call(request),
            }
        }
    }

    pin_project_lite::pin_project! {
        /// The inner service's future, its response's body mapped.
        #[derive(Debug)]
        pub struct PassThroughFuture<F> {
            #[pin]
            future: F,
        }
    }

    impl<F, B> Future for PassThroughFuture<F>
    where
        F: Future<Output = Result<ServiceResponse<B>, Error>>,
    {
        type Output = Result<ServiceResponse<EitherBody<B>>, Error>;

        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
            self.project()
                .future
                .poll(cx)
                .map(|result| result.map(ServiceResponse::map_into_left_body))
        }
    }
}

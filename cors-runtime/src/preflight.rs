//! Answering a CORS preflight: the checks in the Fetch Standard's order, then the headers.

use std::fmt;

use http::header::{self, GetAll, HeaderMap};
use http::{HeaderValue, StatusCode};

use crate::lines::single;
use crate::names::{
    ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK, ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK,
    PREFLIGHT_RESPONSE_HEADERS, STAR, STAR_AND_AUTHORIZATION, TRUE,
};
use crate::origin::{AllowOrigin, OriginMatch};
use crate::policy::{AllowHeaders, AllowMethods, CorsPolicy};
use crate::rejection::Rejection;
use crate::request_headers;
use crate::vary::VaryOn;
use cors_rules::syntax::{is_safelisted_method, is_token};

/// The verdict for a preflight request: answer it at once, without calling the handler.
///
/// It borrows the request, whose `Origin`, method and header list an allowed answer echoes.
///
/// ```
/// use cors_runtime::{cors_policy, CorsPolicy, Rejection, Verdict};
/// use cors_runtime::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
///
/// static API: CorsPolicy = cors_policy! {
///     allow_origins: ["https://app.example.com"],
///     allow_headers: ["content-type"],
///     max_age: 600,
/// };
///
/// let mut request = HeaderMap::new();
/// request.insert(header::ORIGIN, HeaderValue::from_static("https://app.example.com"));
/// request.insert(header::ACCESS_CONTROL_REQUEST_METHOD, HeaderValue::from_static("POST"));
/// request.insert(header::ACCESS_CONTROL_REQUEST_HEADERS, HeaderValue::from_static("content-type"));
///
/// let Verdict::Preflight(preflight) = API.check(&Method::OPTIONS, &request) else { unreachable!() };
/// assert!(preflight.is_allowed());
/// assert_eq!(preflight.status(), StatusCode::NO_CONTENT);
/// let mut response = HeaderMap::new();
/// preflight.write_headers(&mut response);
/// assert_eq!(response[header::ACCESS_CONTROL_ALLOW_HEADERS], "content-type");
/// assert_eq!(response[header::ACCESS_CONTROL_MAX_AGE], "600");
/// assert!(!response.contains_key(header::ACCESS_CONTROL_ALLOW_METHODS)); // POST needs none
///
/// request.insert(header::ACCESS_CONTROL_REQUEST_HEADERS, HeaderValue::from_static("x-secret"));
/// let Verdict::Preflight(preflight) = API.check(&Method::OPTIONS, &request) else { unreachable!() };
/// assert_eq!(preflight.rejection(), Some(Rejection::Header(b"x-secret")));
/// assert_eq!(preflight.status(), StatusCode::FORBIDDEN);
/// assert_eq!(
///     format!("{preflight:?}"),
///     r#"Preflight { status: 403, rejection: Some(Header("x-secret")), .. }"#
/// );
/// ```
pub struct Preflight<'p, 'r> {
    policy: &'p CorsPolicy,
    /// The `Access-Control-Request-Headers` lines, echoed by an allowed answer.
    request_headers: GetAll<'r, HeaderValue>,
    outcome: Result<Allowed<'p, 'r>, Rejection<'r>>,
}

/// What an allowed preflight echoes or answers.
struct Allowed<'p, 'r> {
    origin: AllowOrigin<'p, &'r HeaderValue>,
    method: AllowMethod<'r>,
    /// At least one request header was asked for.
    headers_requested: bool,
    private_network: bool,
}

#[derive(Clone, Copy)]
enum AllowMethod<'r> {
    /// A CORS-safelisted method, which needs no `Access-Control-Allow-Methods`.
    Safelisted,
    Any,
    /// A listed method (the policy's own value), or the request's under `*` with credentials.
    Value(&'r HeaderValue),
}

impl<'p, 'r> Preflight<'p, 'r> {
    /// `origins` and `methods` are the request's `Origin` and `Access-Control-Request-Method`
    /// lines, which `check` looked up already.
    pub(crate) fn new(
        policy: &'p CorsPolicy,
        request: &'r HeaderMap,
        origins: GetAll<'r, HeaderValue>,
        methods: GetAll<'r, HeaderValue>,
    ) -> Self {
        let lines = Lines {
            origins,
            methods,
            request_headers: request.get_all(header::ACCESS_CONTROL_REQUEST_HEADERS),
        };
        Self {
            policy,
            outcome: evaluate(policy, request, &lines),
            request_headers: lines.request_headers,
        }
    }

    /// Whether the preflight passed every check.
    #[must_use]
    pub fn is_allowed(&self) -> bool {
        self.outcome.is_ok()
    }

    /// Why the preflight failed, or `None` when it is allowed.
    #[must_use]
    pub fn rejection(&self) -> Option<Rejection<'r>> {
        self.outcome.as_ref().err().copied()
    }

    /// The status to answer with: the policy's success status (204 unless
    /// `preflight_success_status: 200`), or 403 when the preflight is refused.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        if self.is_allowed() {
            self.policy.parts().preflight_status
        } else {
            StatusCode::FORBIDDEN
        }
    }

    /// Writes the answer's headers: the `Access-Control-*` headers of an allowed preflight
    /// (replacing any already there, removing those the answer does not include), or none at
    /// all for a refused one; and in both cases `Vary`, appended without repeating a name.
    pub fn write_headers(&self, headers: &mut HeaderMap) {
        let parts = self.policy.parts();
        if !headers.is_empty() {
            for name in &PREFLIGHT_RESPONSE_HEADERS {
                headers.remove(name);
            }
        }
        VaryOn {
            origin: self.policy.origin_set().is_some(),
            preflight: true,
            private_network: parts.private_network,
        }
        .append_to(headers);
        let Ok(allowed) = &self.outcome else {
            return;
        };
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allowed.origin.value());
        if parts.credentials {
            headers.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE);
        }
        let method = match allowed.method {
            AllowMethod::Safelisted => None,
            AllowMethod::Any => Some(STAR),
            AllowMethod::Value(method) => Some(method.clone()),
        };
        if let Some(method) = method {
            headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, method);
        }
        if allowed.headers_requested {
            match parts.headers {
                AllowHeaders::Any { authorization } if !parts.credentials => {
                    let value = if authorization {
                        STAR_AND_AUTHORIZATION
                    } else {
                        STAR
                    };
                    headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, value);
                }
                // Each request line is echoed as it came; browsers join the lines again.
                _ => {
                    for line in &self.request_headers {
                        headers.append(header::ACCESS_CONTROL_ALLOW_HEADERS, line.clone());
                    }
                }
            }
        }
        if let Some(max_age) = &parts.max_age {
            headers.insert(header::ACCESS_CONTROL_MAX_AGE, max_age.clone());
        }
        if allowed.private_network {
            headers.insert(ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK, TRUE);
        }
    }
}

/// The request lines a preflight reads.
struct Lines<'r> {
    origins: GetAll<'r, HeaderValue>,
    methods: GetAll<'r, HeaderValue>,
    request_headers: GetAll<'r, HeaderValue>,
}

/// The checks, in the order of the Fetch Standard's CORS-preflight fetch.
fn evaluate<'p, 'r>(
    policy: &'p CorsPolicy,
    request: &'r HeaderMap,
    lines: &Lines<'r>,
) -> Result<Allowed<'p, 'r>, Rejection<'r>> {
    let parts = policy.parts();
    let origin = check_origin(policy, &lines.origins)?;
    let method = check_method(parts.methods, parts.credentials, &lines.methods)?;
    let headers_requested =
        request_headers::check(&lines.request_headers, parts.headers, parts.credentials)?;
    // Not `request.get(…)`: that hashes the 38-byte name on every preflight, while comparing
    // the request's few names (most of them interned constants) is cheaper.
    let private_network = request
        .keys()
        .any(|name| *name == ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK)
        && request
            .get(ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK)
            .is_some_and(|value| value == "true");
    if private_network && !parts.private_network {
        return Err(Rejection::PrivateNetwork);
    }
    Ok(Allowed {
        origin,
        method,
        headers_requested,
        private_network,
    })
}

fn check_origin<'p, 'r>(
    policy: &'p CorsPolicy,
    lines: &GetAll<'r, HeaderValue>,
) -> Result<AllowOrigin<'p, &'r HeaderValue>, Rejection<'r>> {
    let origin = single(lines)
        .map_err(|()| Rejection::MultipleOrigins)?
        .ok_or(Rejection::Origin(b""))?;
    let Some(set) = policy.origin_set() else {
        return Ok(AllowOrigin::Any);
    };
    match set.find(origin.as_bytes()) {
        OriginMatch::None => Err(Rejection::Origin(origin.as_bytes())),
        OriginMatch::Exact(allowed) => Ok(AllowOrigin::Exact(allowed)),
        OriginMatch::Pattern => Ok(AllowOrigin::Echo(origin)),
    }
}

fn check_method<'r>(
    methods: AllowMethods,
    credentials: bool,
    lines: &GetAll<'r, HeaderValue>,
) -> Result<AllowMethod<'r>, Rejection<'r>> {
    let mut lines = lines.iter();
    let (Some(method), None) = (lines.next(), lines.next()) else {
        return Err(Rejection::MultipleMethods);
    };
    let bytes = method.as_bytes();
    if is_safelisted_method(bytes) {
        return Ok(AllowMethod::Safelisted);
    }
    match methods {
        AllowMethods::List(listed) => listed
            .iter()
            .find(|listed| listed.as_bytes() == bytes)
            .map(AllowMethod::Value)
            .ok_or(Rejection::Method(bytes)),
        // With credentials `*` is a literal method name, so the method itself is echoed.
        AllowMethods::Any if is_token(bytes) => Ok(if credentials {
            AllowMethod::Value(method)
        } else {
            AllowMethod::Any
        }),
        AllowMethods::Any => Err(Rejection::Method(bytes)),
    }
}

impl fmt::Debug for Preflight<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Preflight")
            .field("status", &self.status())
            .field("rejection", &self.rejection())
            .finish_non_exhaustive()
    }
}

//! Answering a CORS preflight: the checks in the Fetch Standard's order, then the headers.

use std::fmt;

use http::StatusCode;
use http::header::HeaderMap;

use crate::allow_origin::AllowOrigin;
use crate::fixed_values::{STAR, STAR_AND_AUTHORIZATION, TRUE};
use crate::lines::{HeaderLines, Name, single};
use crate::policy::{AllowHeaders, AllowMethods, CorsPolicy};
use crate::rejection::Rejection;
use crate::request_headers;
use crate::value::PolicyValue;
use crate::vary::{By, VaryOn};
use cors_rules::fetch::is_safelisted_method;
use cors_rules::origin_table::OriginMatch;
use cors_rules::syntax::is_token;

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
pub struct Preflight<'p, 'r>(PreflightCheck<'p, 'r, HeaderMap>);

/// A checked preflight, read from the request of any framework `H`.
pub(crate) struct PreflightCheck<'p, 'r, H: HeaderLines + 'r> {
    policy: &'p CorsPolicy,
    outcome: Result<Allowed<'p, 'r, H>, Rejection<'r>>,
}

/// What an allowed preflight echoes or answers.
struct Allowed<'p, 'r, H: HeaderLines + 'r> {
    origin: AllowOrigin<'p, &'r H::Value>,
    method: AllowMethod<'p, 'r, H>,
    /// The `Access-Control-Request-Headers` lines, echoed by the answer.
    request_headers: H::Lines<'r>,
    /// At least one request header was asked for.
    headers_requested: bool,
    private_network: bool,
}

enum AllowMethod<'p, 'r, H: HeaderLines + 'r> {
    /// A CORS-safelisted method, which needs no `Access-Control-Allow-Methods`.
    Safelisted,
    Any,
    /// A listed method, answered with the policy's own value.
    Listed(&'p PolicyValue),
    /// The request's method, echoed under `*` with credentials.
    Echo(&'r H::Value),
}

impl<'p, 'r> Preflight<'p, 'r> {
    pub(crate) fn new(check: PreflightCheck<'p, 'r, HeaderMap>) -> Self {
        Self(check)
    }

    /// Whether the preflight passed every check.
    #[must_use]
    pub fn is_allowed(&self) -> bool {
        self.0.outcome.is_ok()
    }

    /// Why the preflight failed, or `None` when it is allowed.
    #[must_use]
    pub fn rejection(&self) -> Option<Rejection<'r>> {
        self.0.rejection()
    }

    /// The status to answer with: the policy's success status (204 unless
    /// `preflight_success_status: 200`), or 403 when the preflight is refused.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        self.0.status()
    }

    /// Writes the answer's headers: the `Access-Control-*` headers of an allowed preflight
    /// (replacing any already there, removing those the answer does not include), or none at
    /// all for a refused one; and in both cases `Vary`, appended without repeating a name.
    pub fn write_headers(&self, headers: &mut HeaderMap) {
        self.0.write_headers(headers);
    }
}

impl<'p, 'r, H: HeaderLines + 'r> PreflightCheck<'p, 'r, H> {
    /// `origins` and `methods` are the request's `Origin` and `Access-Control-Request-Method`
    /// lines, which the caller looked up already.
    pub(crate) fn new(
        policy: &'p CorsPolicy,
        request: &'r H,
        origins: &H::Lines<'r>,
        methods: &H::Lines<'r>,
    ) -> Self {
        Self {
            policy,
            outcome: evaluate(policy, request, origins, methods),
        }
    }

    pub(crate) fn rejection(&self) -> Option<Rejection<'r>> {
        self.outcome.as_ref().err().copied()
    }

    pub(crate) fn status(&self) -> StatusCode {
        if self.outcome.is_ok() {
            self.policy.answers().preflight_success_status
        } else {
            StatusCode::FORBIDDEN
        }
    }

    pub(crate) fn write_headers(&self, headers: &mut H) {
        let answers = self.policy.answers();
        if !headers.is_empty() {
            for name in Name::PREFLIGHT_RESPONSE {
                headers.remove(name);
            }
        }
        VaryOn {
            origin: self.policy.origin_set().is_some(),
            preflight: true,
            private_network: answers.allow_private_network,
            by: By::Caller,
        }
        .append_to(headers);
        let Ok(allowed) = &self.outcome else {
            return;
        };
        // None of these names is in the map any more: appending is inserting, and costs less
        // in actix-web's map.
        headers.append(Name::AllowOrigin, allowed.origin.value::<H>());
        if answers.allow_credentials {
            headers.append(Name::AllowCredentials, H::policy_value(&TRUE).clone());
        }
        let method = match allowed.method {
            AllowMethod::Safelisted => None,
            AllowMethod::Any => Some(H::policy_value(&STAR).clone()),
            AllowMethod::Listed(method) => Some(H::policy_value(method).clone()),
            AllowMethod::Echo(method) => Some(method.clone()),
        };
        if let Some(method) = method {
            headers.append(Name::AllowMethods, method);
        }
        if allowed.headers_requested {
            match answers.allow_headers {
                AllowHeaders::Any { authorization } if !answers.allow_credentials => {
                    let value = if authorization {
                        &STAR_AND_AUTHORIZATION
                    } else {
                        &STAR
                    };
                    headers.append(Name::AllowHeaders, H::policy_value(value).clone());
                }
                // Each request line is echoed as it came; browsers join the lines again.
                _ => {
                    for line in H::values(&allowed.request_headers) {
                        headers.append(Name::AllowHeaders, line.clone());
                    }
                }
            }
        }
        if let Some(max_age) = &answers.max_age {
            headers.append(Name::MaxAge, H::policy_value(max_age).clone());
        }
        if allowed.private_network {
            headers.append(Name::AllowPrivateNetwork, H::policy_value(&TRUE).clone());
        }
    }
}

/// The checks, in the order of the Fetch Standard's CORS-preflight fetch.
fn evaluate<'p, 'r, H: HeaderLines + 'r>(
    policy: &'p CorsPolicy,
    request: &'r H,
    origins: &H::Lines<'r>,
    methods: &H::Lines<'r>,
) -> Result<Allowed<'p, 'r, H>, Rejection<'r>> {
    let answers = policy.answers();
    let origin = check_origin::<H>(policy, origins)?;
    let method = check_method::<H>(answers.allow_methods, answers.allow_credentials, methods)?;
    // Looked up only now: a preflight refused for its origin or method does without.
    let request_headers = request.lines(Name::RequestHeaders);
    let headers_requested = request_headers::check::<H>(
        &request_headers,
        answers.allow_headers,
        answers.allow_credentials,
    )?;
    let private_network = request.requests_private_network();
    if private_network && !answers.allow_private_network {
        return Err(Rejection::PrivateNetwork);
    }
    Ok(Allowed {
        origin,
        method,
        request_headers,
        headers_requested,
        private_network,
    })
}

fn check_origin<'p, 'r, H: HeaderLines + 'r>(
    policy: &'p CorsPolicy,
    lines: &H::Lines<'r>,
) -> Result<AllowOrigin<'p, &'r H::Value>, Rejection<'r>> {
    let origin = single::<H>(lines)
        .map_err(|()| Rejection::MultipleOrigins)?
        .ok_or(Rejection::Origin(b""))?;
    let Some(set) = policy.origin_set() else {
        return Ok(AllowOrigin::Any);
    };
    let bytes = H::bytes(origin);
    match set.find(bytes) {
        OriginMatch::None => Err(Rejection::Origin(bytes)),
        OriginMatch::Exact(allowed) => Ok(AllowOrigin::Exact(allowed)),
        OriginMatch::Pattern => Ok(AllowOrigin::Echo(origin)),
    }
}

fn check_method<'p, 'r, H: HeaderLines + 'r>(
    methods: AllowMethods,
    credentials: bool,
    lines: &H::Lines<'r>,
) -> Result<AllowMethod<'p, 'r, H>, Rejection<'r>> {
    let mut lines = H::values(lines);
    let (Some(method), None) = (lines.next(), lines.next()) else {
        return Err(Rejection::MultipleMethods);
    };
    let bytes = H::bytes(method);
    if is_safelisted_method(bytes) {
        return Ok(AllowMethod::Safelisted);
    }
    match methods {
        AllowMethods::List(listed) => listed
            .iter()
            .find(|listed| listed.as_bytes() == bytes)
            .map(AllowMethod::Listed)
            .ok_or(Rejection::Method(bytes)),
        // With credentials `*` is a literal method name, so the method itself is echoed.
        AllowMethods::Any if is_token(bytes) => Ok(if credentials {
            AllowMethod::Echo(method)
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

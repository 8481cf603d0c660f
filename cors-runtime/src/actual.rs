//! The headers an actual (non-preflight) request's response gets.

use std::fmt;

use http::HeaderValue;
use http::header::{self, HeaderMap};

use crate::names::{ACTUAL_RESPONSE_HEADERS, STAR, TRUE};
use crate::policy::CorsPolicy;
use crate::vary::VaryOn;

/// The verdict for an actual request: call the handler, then write these headers into its
/// response. It holds nothing of the request, so the request can move into the handler.
///
/// ```
/// use cors_runtime::{cors_policy, CorsPolicy, Verdict};
/// use cors_runtime::http::{header, HeaderMap, HeaderValue, Method};
///
/// static API: CorsPolicy = cors_policy! {
///     allow_origins: ["https://app.example.com"],
///     expose_headers: ["x-request-id"],
/// };
///
/// let mut request = HeaderMap::new();
/// request.insert(header::ORIGIN, HeaderValue::from_static("https://evil.example"));
/// let Verdict::Actual(actual) = API.check(&Method::GET, &request) else { unreachable!() };
/// assert!(!actual.is_allowed());
///
/// let mut response = HeaderMap::new();
/// response.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
/// actual.write_headers(&mut response);
/// assert!(!response.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));
/// let vary: Vec<_> = response.get_all(header::VARY).iter().collect();
/// assert_eq!(vary, ["accept-encoding", "Origin"]);
/// ```
pub struct Actual<'p> {
    policy: &'p CorsPolicy,
    origin: ActualOrigin<'p>,
}

/// The `Origin` decision. It never borrows the request, so that it outlives it.
#[derive(Clone, Debug)]
pub(crate) enum ActualOrigin<'p> {
    /// `allow_origins: *`: `Access-Control-Allow-Origin: *`, whatever the request.
    Any,
    /// An exact origin of the policy, equal to the request's.
    Exact(&'p HeaderValue),
    /// Allowed by a pattern: the request's own value, shared, is the answer.
    Echo(HeaderValue),
    /// Not allowed, missing, or sent more than once.
    Refused,
}

impl ActualOrigin<'_> {
    /// The same decision, owning the policy's value instead of borrowing it: for a verdict
    /// kept beside a policy held by reference count, which it cannot borrow from.
    #[cfg(feature = "tower")]
    pub(crate) fn detach(self) -> ActualOrigin<'static> {
        match self {
            Self::Any => ActualOrigin::Any,
            Self::Exact(origin) => ActualOrigin::Echo(origin.clone()),
            Self::Echo(origin) => ActualOrigin::Echo(origin),
            Self::Refused => ActualOrigin::Refused,
        }
    }
}

impl<'p> Actual<'p> {
    pub(crate) fn new(policy: &'p CorsPolicy, origin: ActualOrigin<'p>) -> Self {
        Self { policy, origin }
    }

    /// The decision, to keep apart from the policy.
    #[cfg(feature = "tower")]
    pub(crate) fn into_origin(self) -> ActualOrigin<'p> {
        self.origin
    }

    /// Whether the response will be readable by the requesting origin: an allowed `Origin`,
    /// or a `*` policy (even for a request without `Origin`).
    #[must_use]
    pub fn is_allowed(&self) -> bool {
        !matches!(self.origin, ActualOrigin::Refused)
    }

    /// Writes the CORS headers into the handler's response.
    ///
    /// The `Access-Control-*` headers replace any the handler set, and those the policy does
    /// not grant are removed. Unless the policy is `allow_origins: *`, `Origin` is added to
    /// `Vary` (after the handler's own names, never twice), whatever the verdict: the response
    /// differs by origin, and caches must know.
    pub fn write_headers(&self, headers: &mut HeaderMap) {
        // Nothing to remove from an empty map (a fresh response, or a reused one).
        let handler_headers = !headers.is_empty();
        let vary = VaryOn {
            origin: !matches!(self.origin, ActualOrigin::Any),
            preflight: false,
            private_network: false,
        };
        vary.append_to(headers);
        let parts = self.policy.parts();
        let allow_origin = match &self.origin {
            ActualOrigin::Any => STAR,
            ActualOrigin::Exact(origin) => (*origin).clone(),
            ActualOrigin::Echo(origin) => origin.clone(),
            ActualOrigin::Refused => {
                if handler_headers {
                    for name in ACTUAL_RESPONSE_HEADERS {
                        headers.remove(name);
                    }
                }
                return;
            }
        };
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
        if parts.credentials {
            headers.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE);
        } else if handler_headers {
            headers.remove(header::ACCESS_CONTROL_ALLOW_CREDENTIALS);
        }
        if let Some(expose) = &parts.expose_headers {
            headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, expose.clone());
        } else if handler_headers {
            headers.remove(header::ACCESS_CONTROL_EXPOSE_HEADERS);
        }
    }
}

impl fmt::Debug for Actual<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let allow_origin = match &self.origin {
            ActualOrigin::Any => Some(STAR),
            ActualOrigin::Exact(origin) => Some((*origin).clone()),
            ActualOrigin::Echo(origin) => Some(origin.clone()),
            ActualOrigin::Refused => None,
        };
        f.debug_struct("Actual")
            .field("allowed", &self.is_allowed())
            .field("allow_origin", &allow_origin)
            .finish_non_exhaustive()
    }
}

//! The headers an actual (non-preflight) request's response gets.

use std::fmt;
use std::marker::PhantomData;

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
/// use http::{header, HeaderMap, HeaderValue, Method};
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
    origin: ActualOrigin,
    /// What an allowed origin also gets.
    credentials: bool,
    expose: Option<HeaderValue>,
    /// The verdict is owned: its values are copied from the policy (a reference count at
    /// most), so that it outlives a policy that is replaced while the handler runs.
    policy: PhantomData<&'p CorsPolicy>,
}

/// The `Origin` decision, owned so that it outlives the request and the policy.
#[derive(Clone, Debug)]
pub(crate) enum ActualOrigin {
    /// `allow_origins: *`: `Access-Control-Allow-Origin: *`, whatever the request.
    Any,
    /// Allowed: this value is the answer (the policy's own, or the request's for a pattern).
    Echo(HeaderValue),
    /// Not allowed, missing, or sent more than once.
    Refused,
}

impl<'p> Actual<'p> {
    pub(crate) fn new(policy: &'p CorsPolicy, origin: ActualOrigin) -> Self {
        let parts = policy.parts();
        let allowed = !matches!(origin, ActualOrigin::Refused);
        Self {
            origin,
            credentials: parts.credentials,
            expose: parts.expose_headers.clone().filter(|_| allowed),
            policy: PhantomData,
        }
    }

    /// The same verdict, no longer tied to the policy's lifetime.
    #[cfg(feature = "tower")]
    pub(crate) fn detach(self) -> Actual<'static> {
        Actual {
            origin: self.origin,
            credentials: self.credentials,
            expose: self.expose,
            policy: PhantomData,
        }
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
        let allow_origin = match &self.origin {
            ActualOrigin::Any => STAR,
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
        if self.credentials {
            headers.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE);
        } else if handler_headers {
            headers.remove(header::ACCESS_CONTROL_ALLOW_CREDENTIALS);
        }
        if let Some(expose) = &self.expose {
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
            ActualOrigin::Echo(origin) => Some(origin.clone()),
            ActualOrigin::Refused => None,
        };
        f.debug_struct("Actual")
            .field("allowed", &self.is_allowed())
            .field("allow_origin", &allow_origin)
            .finish_non_exhaustive()
    }
}

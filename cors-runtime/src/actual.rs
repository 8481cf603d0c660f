//! The headers an actual (non-preflight) request's response gets.

use std::fmt;

use http::HeaderValue;
use http::header::HeaderMap;

use crate::allow_origin::AllowOrigin;
use crate::fixed_values::TRUE;
use crate::lines::{HeaderLines, Name};
use crate::policy::CorsPolicy;
use crate::vary::{By, VaryOn};

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
    origin: ActualOrigin<'p, HeaderValue>,
}

/// The `Origin` decision, `None` when the origin is not allowed, missing, or sent more than
/// once. `V` is the framework's header value: an echoed origin is the request's own value,
/// shared, so the decision never borrows the request and outlives it.
pub(crate) type ActualOrigin<'p, V> = Option<AllowOrigin<'p, V>>;

/// The same decision, owning the policy's value instead of borrowing it: for a verdict kept
/// beside a policy held by reference count, which it cannot borrow from.
#[cfg(any(feature = "tower", feature = "actix"))]
pub(crate) fn detach<H: HeaderLines>(
    origin: ActualOrigin<'_, H::Value>,
) -> ActualOrigin<'static, H::Value> {
    origin.map(|origin| match origin {
        AllowOrigin::Any => AllowOrigin::Any,
        AllowOrigin::Exact(origin) => AllowOrigin::Echo(H::policy_value(origin).clone()),
        AllowOrigin::Echo(origin) => AllowOrigin::Echo(origin),
    })
}

impl<'p> Actual<'p> {
    pub(crate) fn new(policy: &'p CorsPolicy, origin: ActualOrigin<'p, HeaderValue>) -> Self {
        Self { policy, origin }
    }

    /// Whether the response will be readable by the requesting origin: an allowed `Origin`,
    /// or a `*` policy (even for a request without `Origin`).
    #[must_use]
    pub fn is_allowed(&self) -> bool {
        self.origin.is_some()
    }

    /// Writes the CORS headers into the handler's response.
    ///
    /// The `Access-Control-*` headers replace any the handler set, and those the policy does
    /// not grant are removed. Unless the policy is `allow_origins: *`, `Origin` is added to
    /// `Vary` (after the handler's own names, never twice), whatever the verdict: the response
    /// differs by origin, and caches must know.
    pub fn write_headers(&self, headers: &mut HeaderMap) {
        // A caller's write never looks for a middleware's mark, so it always writes.
        write(self.policy, self.origin.as_ref(), headers, By::Caller);
    }
}

/// The actual request's headers, as a middleware writes them into the response of the service it
/// wraps: marked as its answer, unless a middleware of this crate inside it has answered already.
/// Then the inner answer stands, whatever this policy would say, and a warning says so once:
/// stacked middlewares never widen the inner one's policy on the way out.
#[cfg(any(feature = "tower", feature = "actix"))]
pub(crate) fn answer<H: HeaderLines>(
    policy: &CorsPolicy,
    origin: Option<&AllowOrigin<'_, H::Value>>,
    headers: &mut H,
) {
    // The mark is on `Access-Control-Allow-Origin` (every answer of an `allow_origins: *`
    // policy writes it), read here, or on `Vary` (every answer of a policy with origins lists
    // `Origin` there), read where writing reads `Vary` anyway.
    let answered =
        !headers.is_empty() && H::values(&headers.lines(Name::AllowOrigin)).any(H::is_marked);
    if answered || !write(policy, origin, headers, By::Middleware) {
        #[cfg(feature = "tracing")]
        crate::trace::stacked(policy);
    }
}

/// Marks the `Origin` line of a write that a middleware passes on to the service it wraps, so
/// that a middleware of this crate inside it, if it refuses the write, knows that it is stacked
/// and marks its refusal in turn. Only a write can be refused inside, so only a write pays for
/// the lookup.
#[cfg(any(feature = "tower", feature = "actix"))]
pub(crate) fn pass_on<H: HeaderLines>(write: bool, request: &mut H) {
    if write && let Some(origin) = request.first_mut(Name::Origin) {
        H::mark(origin);
    }
}

/// The answer to a write refused by a middleware that an outer one passed it on from (see
/// [`pass_on`]): `Vary: Origin`, marked, so that the outer one leaves the refusal as it is. A
/// middleware that is not stacked adds nothing, and its refusal allocates nothing.
#[cfg(any(feature = "tower", feature = "actix"))]
pub(crate) fn mark_refusal<H: HeaderLines>(request: &H, headers: &mut H) {
    if !H::values(&request.lines(Name::Origin)).any(H::is_marked) {
        return;
    }
    VaryOn {
        origin: true,
        preflight: false,
        private_network: false,
        by: By::Middleware,
    }
    .append_to(headers);
}

/// The actual request's headers, written into a response of any framework by `by`; `false`,
/// with nothing written, when a middleware finds an inner one's answer there. Inlined into each
/// caller, whose `by` is a constant there: a caller's write and a middleware's each lose the
/// other's branches.
#[expect(
    clippy::inline_always,
    reason = "measured: check + write_headers of a refused origin costs 12 fewer instructions (487 against 499)"
)]
#[inline(always)]
fn write<H: HeaderLines>(
    policy: &CorsPolicy,
    origin: Option<&AllowOrigin<'_, H::Value>>,
    headers: &mut H,
    by: By,
) -> bool {
    let handler_headers = !headers.is_empty();
    let vary = VaryOn {
        origin: !matches!(origin, Some(AllowOrigin::Any)),
        preflight: false,
        private_network: false,
        by,
    };
    if !vary.append_to(headers) {
        return false;
    }
    let answers = policy.answers();
    let Some(origin) = origin else {
        if handler_headers {
            for name in Name::ACTUAL_RESPONSE {
                headers.remove(name);
            }
        }
        return true;
    };
    // A map the handler left empty has none of these names: appending is inserting there, and
    // costs less in actix-web's map.
    let set = |headers: &mut H, name, value| {
        if handler_headers {
            headers.insert(name, value);
        } else {
            headers.append(name, value);
        }
    };
    let mut allow_origin = origin.value::<H>();
    if by == By::Middleware && matches!(origin, AllowOrigin::Any) {
        // The only line a `*` policy always writes.
        H::mark(&mut allow_origin);
    }
    set(headers, Name::AllowOrigin, allow_origin);
    if answers.allow_credentials {
        set(
            headers,
            Name::AllowCredentials,
            H::policy_value(&TRUE).clone(),
        );
    } else if handler_headers {
        headers.remove(Name::AllowCredentials);
    }
    if let Some(expose) = &answers.expose_headers {
        set(
            headers,
            Name::ExposeHeaders,
            H::policy_value(expose).clone(),
        );
    } else if handler_headers {
        headers.remove(Name::ExposeHeaders);
    }
    true
}

impl fmt::Debug for Actual<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let allow_origin = self.origin.as_ref().map(AllowOrigin::value::<HeaderMap>);
        f.debug_struct("Actual")
            .field("allowed", &self.is_allowed())
            .field("allow_origin", &allow_origin)
            .finish_non_exhaustive()
    }
}

//! Classifying a request: a [`Verdict`] from a policy and the request's headers.

use http::Method;
use http::header::HeaderMap;

use cors_rules::origin_table::OriginMatch;

use crate::actual::{Actual, ActualOrigin};
use crate::allow_origin::AllowOrigin;
use crate::lines::{HeaderLines, Name, single};
use crate::policy::CorsPolicy;
use crate::preflight::{Preflight, PreflightCheck};

/// What a policy means for one request: see [`CorsPolicy::check`].
///
/// ```
/// use cors_runtime::{cors_policy, CorsPolicy, Verdict};
/// use cors_runtime::http::{header, HeaderMap, HeaderValue, Method};
///
/// static API: CorsPolicy = cors_policy! { allow_origins: ["https://app.example.com"] };
///
/// let mut request = HeaderMap::new();
/// request.insert(header::ORIGIN, HeaderValue::from_static("https://app.example.com"));
/// assert!(matches!(API.check(&Method::GET, &request), Verdict::Actual(_)));
/// // OPTIONS is a preflight only with Access-Control-Request-Method as well.
/// assert!(matches!(API.check(&Method::OPTIONS, &request), Verdict::Actual(_)));
/// request.insert(header::ACCESS_CONTROL_REQUEST_METHOD, HeaderValue::from_static("GET"));
/// assert!(matches!(API.check(&Method::OPTIONS, &request), Verdict::Preflight(_)));
/// ```
#[derive(Debug)]
pub enum Verdict<'p, 'r> {
    /// A CORS preflight: answer it now with [`Preflight::status`] and
    /// [`Preflight::write_headers`], without calling the handler.
    Preflight(Preflight<'p, 'r>),
    /// Any other request: call the handler, then [`Actual::write_headers`] into its response.
    /// It does not borrow the request, which can therefore be moved into the handler.
    Actual(Actual<'p>),
}

impl CorsPolicy {
    /// Decides what the policy means for a request.
    ///
    /// A request is a preflight when its method is `OPTIONS` and it carries both `Origin` and
    /// `Access-Control-Request-Method`; everything else is an actual request. Nothing is
    /// allocated: the verdict refers to the policy's static data and to the request's headers.
    ///
    /// ```
    /// use cors_runtime::{cors_policy, CorsPolicy, Verdict};
    /// use cors_runtime::http::{header, HeaderMap, HeaderValue, Method};
    ///
    /// static API: CorsPolicy = cors_policy! { allow_origins: ["https://app.example.com"] };
    ///
    /// let mut request = HeaderMap::new();
    /// request.insert(header::ORIGIN, HeaderValue::from_static("https://app.example.com"));
    /// let Verdict::Actual(actual) = API.check(&Method::GET, &request) else { unreachable!() };
    /// drop(request); // the verdict of an actual request does not borrow it
    ///
    /// let mut response = HeaderMap::new();
    /// actual.write_headers(&mut response);
    /// assert_eq!(response[header::ACCESS_CONTROL_ALLOW_ORIGIN], "https://app.example.com");
    /// assert_eq!(response[header::VARY], "Origin");
    /// ```
    #[must_use]
    pub fn check<'p, 'r>(&'p self, method: &Method, headers: &'r HeaderMap) -> Verdict<'p, 'r> {
        match self.decide(method == Method::OPTIONS, headers) {
            Decision::Preflight(check) => Verdict::Preflight(Preflight::new(check)),
            Decision::Actual(origin) => Verdict::Actual(Actual::new(self, origin)),
        }
    }

    /// [`check`](Self::check) for the request of any framework, given whether its method is
    /// `OPTIONS`: the one place a request is classified, for `check` and for every adapter.
    pub(crate) fn decide<'p, 'r, H: HeaderLines>(
        &'p self,
        options: bool,
        headers: &'r H,
    ) -> Decision<'p, 'r, H> {
        if options {
            // Each header is looked up once; the preflight reads the lines found here.
            let origins = headers.lines(Name::Origin);
            let methods = headers.lines(Name::RequestMethod);
            if H::values(&origins).next().is_some() && H::values(&methods).next().is_some() {
                let preflight = PreflightCheck::new(self, headers, &origins, &methods);
                #[cfg(feature = "tracing")]
                if let Some(rejection) = preflight.rejection() {
                    crate::trace::preflight_refused(headers, &rejection);
                }
                return Decision::Preflight(preflight);
            }
        }
        Decision::Actual(self.actual_origin(headers))
    }

    fn actual_origin<H: HeaderLines>(&self, headers: &H) -> ActualOrigin<'_, H::Value> {
        let Some(set) = self.origin_set() else {
            return Some(AllowOrigin::Any);
        };
        let lines = headers.lines(Name::Origin);
        let Some(origin) = single::<H>(&lines).ok().flatten() else {
            #[cfg(feature = "tracing")]
            if let Some(first) = H::values(&lines).next() {
                crate::trace::origin_refused(H::bytes(first), true);
            }
            return None;
        };
        match set.find(H::bytes(origin)) {
            OriginMatch::None => {
                #[cfg(feature = "tracing")]
                crate::trace::origin_refused(H::bytes(origin), false);
                None
            }
            OriginMatch::Exact(allowed) => Some(AllowOrigin::Exact(allowed)),
            OriginMatch::Pattern => Some(AllowOrigin::Echo(origin.clone())),
        }
    }
}

/// A [`Verdict`] for the request of any framework `H`.
pub(crate) enum Decision<'p, 'r, H: HeaderLines + 'r> {
    Preflight(PreflightCheck<'p, 'r, H>),
    Actual(ActualOrigin<'p, H::Value>),
}

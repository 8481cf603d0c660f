//! Classifying a request: a [`Verdict`] from a policy and the request's headers.

use http::Method;
use http::header::{self, HeaderMap};

use crate::actual::{Actual, ActualOrigin};
use crate::lines::single;
use crate::origin::OriginMatch;
use crate::policy::CorsPolicy;
use crate::preflight::Preflight;

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
        if method == Method::OPTIONS {
            // Each header is looked up once; the preflight reads the lines found here.
            let origins = headers.get_all(header::ORIGIN);
            let methods = headers.get_all(header::ACCESS_CONTROL_REQUEST_METHOD);
            if origins.iter().next().is_some() && methods.iter().next().is_some() {
                let preflight = Preflight::new(self, headers, origins, methods);
                #[cfg(feature = "tracing")]
                if let Some(rejection) = preflight.rejection() {
                    crate::trace::preflight_refused(headers, &rejection);
                }
                return Verdict::Preflight(preflight);
            }
        }
        Verdict::Actual(Actual::new(self, self.actual_origin(headers)))
    }

    fn actual_origin(&self, headers: &HeaderMap) -> ActualOrigin<'_> {
        let Some(set) = self.origin_set() else {
            return ActualOrigin::Any;
        };
        let lines = headers.get_all(header::ORIGIN);
        let Some(origin) = single(&lines).ok().flatten() else {
            #[cfg(feature = "tracing")]
            if let Some(first) = lines.iter().next() {
                crate::trace::origin_refused(first.as_bytes(), true);
            }
            return ActualOrigin::Refused;
        };
        match set.find(origin.as_bytes()) {
            OriginMatch::None => {
                #[cfg(feature = "tracing")]
                crate::trace::origin_refused(origin.as_bytes(), false);
                ActualOrigin::Refused
            }
            OriginMatch::Exact(allowed) => ActualOrigin::Exact(allowed),
            OriginMatch::Pattern => ActualOrigin::Echo(origin.clone()),
        }
    }
}

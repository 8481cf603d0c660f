//! Classifying a request: a [`Verdict`] from a policy and the request's headers.

use std::ops::ControlFlow;

use http::header::HeaderMap;
use http::{Method, Request, Uri};

use cors_rules::origin_table::OriginMatch;

use crate::actual::{Actual, ActualOrigin};
use crate::allow_origin::AllowOrigin;
use crate::lines::{HeaderLines, Name};
use crate::policy::CorsPolicy;
use crate::preflight::{Preflight, PreflightCheck};
use crate::writes::{self, Head, RefusedWrite, RequestMethod, RequestUri};

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
    /// A write the policy refuses (`refuse_cross_origin_writes`): answer it now with
    /// [`RefusedWrite::status`] (403) and an empty body, without calling the handler and without
    /// any CORS header.
    RefusedWrite(RefusedWrite<'r>),
}

impl CorsPolicy {
    /// Decides what the policy means for a request.
    ///
    /// A request is a preflight when its method is `OPTIONS` and it carries both `Origin` and
    /// `Access-Control-Request-Method`; under `refuse_cross_origin_writes`, a write from a page the
    /// policy does not trust is refused; everything else is an actual request. Nothing is
    /// allocated: the verdict refers to the policy's static data and to the request's headers.
    ///
    /// The request's own origin, which may always write, is told by its authority: here the
    /// `Host` header, right for an HTTP/1.1 request in origin form (`POST /items`). With the
    /// whole request at hand, [`check_request`](Self::check_request) also reads the URI's.
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
    #[inline]
    pub fn check<'p, 'r>(&'p self, method: &Method, headers: &'r HeaderMap) -> Verdict<'p, 'r> {
        self.verdict(method, None, headers)
    }

    /// [`check`](Self::check) for a whole request, whose URI's authority (absolute form,
    /// HTTP/2's `:authority`) is its own origin's, before `Host`.
    ///
    /// ```
    /// use cors_runtime::{cors_policy, CorsPolicy, Verdict};
    /// use cors_runtime::http::{header, Request};
    ///
    /// static API: CorsPolicy = cors_policy! {
    ///     allow_origins: ["https://app.example.com"],
    ///     refuse_cross_origin_writes: true,
    /// };
    ///
    /// // An HTTP/2 request from a page of the service itself: its origin is the URI's.
    /// let request = Request::post("https://api.example.com/items")
    ///     .header(header::ORIGIN, "https://api.example.com")
    ///     .body(())?;
    /// assert!(matches!(API.check_request(&request), Verdict::Actual(_)));
    /// // A `Host` that contradicts the URI does not make another origin the request's own.
    /// let forged = Request::post("https://api.example.com/items")
    ///     .header(header::ORIGIN, "https://evil.example")
    ///     .header(header::HOST, "evil.example")
    ///     .body(())?;
    /// assert!(matches!(API.check_request(&forged), Verdict::RefusedWrite(_)));
    /// # Ok::<(), cors_runtime::http::Error>(())
    /// ```
    #[must_use]
    pub fn check_request<'p, 'r, B>(&'p self, request: &'r Request<B>) -> Verdict<'p, 'r> {
        self.verdict(request.method(), Some(request.uri()), request.headers())
    }

    #[inline]
    fn verdict<'p, 'r>(
        &'p self,
        method: &Method,
        uri: Option<&Uri>,
        headers: &'r HeaderMap,
    ) -> Verdict<'p, 'r> {
        match self.decide(
            Head {
                method,
                uri,
                prefix: None,
            },
            headers,
        ) {
            ControlFlow::Break(Answer::Preflight(check)) => {
                Verdict::Preflight(Preflight::new(check))
            }
            ControlFlow::Break(Answer::RefusedWrite(refused)) => Verdict::RefusedWrite(refused),
            ControlFlow::Continue(origin) => Verdict::Actual(Actual::new(self, origin)),
        }
    }

    /// [`check`](Self::check) for the request of any framework: the one place a request is
    /// classified, for `check` and for every adapter. A request answered without the handler
    /// breaks off; an actual one continues with its `Origin` decision.
    #[inline]
    pub(crate) fn decide<'p, 'r, H: HeaderLines, M: RequestMethod, U: RequestUri>(
        &'p self,
        head: Head<'_, M, U>,
        headers: &'r H,
    ) -> ControlFlow<Answer<'p, 'r, H>, ActualOrigin<'p, H::Value>> {
        if head.method.is_options() {
            // Each header is looked up once; the preflight reads the lines found here.
            let origins = headers.lines(Name::Origin);
            let methods = headers.lines(Name::RequestMethod);
            if H::values(&origins).next().is_some() && H::values(&methods).next().is_some() {
                let preflight = PreflightCheck::new(self, headers, &origins, &methods);
                #[cfg(feature = "tracing")]
                if let Some(rejection) = preflight.rejection() {
                    crate::trace::preflight_refused(headers, &rejection, head.place());
                }
                return ControlFlow::Break(Answer::Preflight(preflight));
            }
        }
        let Some(set) = self.origin_set() else {
            // `*` trusts every origin, to read and so to write.
            return ControlFlow::Continue(Some(AllowOrigin::Any));
        };
        let origin = headers.single_line(Name::Origin);
        let allowed = match origin {
            Ok(Some(origin)) => match set.find(H::bytes(origin)) {
                OriginMatch::None => None,
                OriginMatch::Exact(allowed) => Some(AllowOrigin::Exact(allowed)),
                OriginMatch::Pattern => Some(AllowOrigin::Echo(origin.clone())),
            },
            Ok(None) | Err(()) => None,
        };
        if self.answers().refuse_cross_origin_writes && head.method.is_write() {
            let refused = writes::refusal(headers, head.uri, origin, allowed.is_some());
            if let Some(refused) = refused {
                #[cfg(feature = "tracing")]
                crate::trace::write_refused(
                    headers,
                    head.method.name(),
                    &refused.rejection(),
                    head.place(),
                );
                return ControlFlow::Break(Answer::RefusedWrite(refused));
            }
        }
        #[cfg(feature = "tracing")]
        if allowed.is_none()
            && let Some(first) = H::values(&headers.lines(Name::Origin)).next()
        {
            crate::trace::origin_refused(H::bytes(first), origin.is_err(), head.place());
        }
        ControlFlow::Continue(allowed)
    }
}

/// A request answered at once, without the handler: a preflight, or a refused write (403, no
/// CORS header).
pub(crate) enum Answer<'p, 'r, H: HeaderLines + 'r> {
    Preflight(PreflightCheck<'p, 'r, H>),
    RefusedWrite(RefusedWrite<'r>),
}

#[cfg(any(feature = "tower", feature = "actix"))]
impl<'r, H: HeaderLines + 'r> Answer<'_, 'r, H> {
    pub(crate) fn status(&self) -> http::StatusCode {
        match self {
            Self::Preflight(preflight) => preflight.status(),
            Self::RefusedWrite(refused) => refused.status(),
        }
    }

    /// Writes the answer's headers: a preflight's; none for a refused write, but the mark of a
    /// stacked middleware's refusal.
    pub(crate) fn write_headers(&self, request: &H, headers: &mut H) {
        match self {
            Self::Preflight(preflight) => preflight.write_headers(headers),
            Self::RefusedWrite(_) => crate::actual::mark_refusal(request, headers),
        }
    }
}

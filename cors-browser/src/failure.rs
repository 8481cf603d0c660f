//! Why a fetch was refused, in the Fetch Standard's terms: the step (`Stage`) and the failure
//! with the value concerned (`Failure`), and what the server's side should change.

use http::HeaderName;

/// The step of the fetch at which a request was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Before anything was sent: `fetch()` threw (a forbidden method, a header that is not a
    /// header, a mode the request cannot have).
    Request,
    /// The preflight (`OPTIONS`) or its answer.
    Preflight,
    /// The response to the request itself.
    Response,
}

/// Why a request was refused: one of the Fetch Standard's failures, with the value concerned.
///
/// ```
/// use cors_browser::Failure;
///
/// let failure = Failure::MethodNotAllowed { method: "PATCH".to_owned() };
/// assert_eq!(failure.header().unwrap(), "access-control-allow-methods");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// `fetch()` refuses the request itself, before sending it.
    Request(String),
    /// The server could not be reached, or its answer was not HTTP.
    Network(String),
    /// The preflight's answer does not have an ok status (200 to 299).
    NotOk {
        /// The status it had.
        status: u16,
    },
    /// No `Access-Control-Allow-Origin`.
    MissingAllowOrigin,
    /// Several `Access-Control-Allow-Origin` values (several lines, or a list in one).
    MultipleAllowOrigin {
        /// Every value, joined with `, `.
        value: String,
    },
    /// An `Access-Control-Allow-Origin` that is neither the page's origin nor `*`.
    AllowOriginMismatch {
        /// The value the server sent.
        value: String,
    },
    /// `Access-Control-Allow-Origin: *` for a request with credentials.
    WildcardWithCredentials,
    /// A request with credentials, and `Access-Control-Allow-Credentials` is not `true`.
    AllowCredentials {
        /// What the server sent instead, if anything.
        value: Option<String>,
    },
    /// `Access-Control-Allow-Methods` or `-Headers` does not parse as a list of tokens, so the
    /// preflight fails whatever it lists.
    InvalidList {
        /// The header.
        header: HeaderName,
        /// The first element that is not a token.
        token: String,
    },
    /// The preflight's answer does not allow the method (compared case-sensitively).
    MethodNotAllowed {
        /// The method as sent.
        method: String,
    },
    /// The preflight's answer does not allow a request header.
    HeaderNotAllowed {
        /// The (lowercase) name.
        name: String,
    },
    /// The response is a redirect, which browsers follow and this model does not.
    Redirect {
        /// The redirect's status.
        status: u16,
    },
}

impl Failure {
    /// The response header the failure is about, if one is.
    #[must_use]
    pub fn header(&self) -> Option<HeaderName> {
        match self {
            Self::MissingAllowOrigin
            | Self::MultipleAllowOrigin { .. }
            | Self::AllowOriginMismatch { .. }
            | Self::WildcardWithCredentials => Some(http::header::ACCESS_CONTROL_ALLOW_ORIGIN),
            Self::AllowCredentials { .. } => Some(http::header::ACCESS_CONTROL_ALLOW_CREDENTIALS),
            Self::InvalidList { header, .. } => Some(header.clone()),
            Self::MethodNotAllowed { .. } => Some(http::header::ACCESS_CONTROL_ALLOW_METHODS),
            Self::HeaderNotAllowed { .. } => Some(http::header::ACCESS_CONTROL_ALLOW_HEADERS),
            Self::Request(_) | Self::Network(_) | Self::NotOk { .. } | Self::Redirect { .. } => {
                None
            }
        }
    }

    /// What the server's side should change, in a sentence, given the `status` of the answer
    /// that failed.
    pub(crate) fn fix(&self, stage: Stage, status: Option<u16>) -> String {
        if stage == Stage::Preflight
            && let Some(status) = status.filter(|s| !(200..300).contains(s))
            && !matches!(self, Self::NotOk { .. })
        {
            return Self::NotOk { status }.fix(stage, None);
        }
        let answer = if stage == Stage::Preflight {
            "the answer to the preflight (OPTIONS)"
        } else {
            "the response"
        };
        match self {
            Self::Request(_) => "the page's own request is refused: change the request".to_owned(),
            Self::Network(error) => format!("the server was not reached: {error}"),
            Self::NotOk { status } => format!(
                "the preflight got {status}: either the CORS layer refused it (the origin, \
                 method or headers asked for are not allowed), or something answers OPTIONS \
                 before the CORS layer (an authentication layer, a router without the route, a \
                 redirect): then put the CORS layer outside it"
            ),
            Self::MissingAllowOrigin => format!(
                "{answer} carried no Access-Control-Allow-Origin: the route is outside the CORS \
                 layer, or the policy does not allow this origin"
            ),
            Self::MultipleAllowOrigin { .. } => format!(
                "{answer} carried several Access-Control-Allow-Origin values: two layers or a \
                 handler and a layer both write it; let one write it"
            ),
            Self::AllowOriginMismatch { value } => format!(
                "{answer} allows `{value}`, not this page: the policy does not list this origin, \
                 or a cache served another origin's answer (Vary: Origin missing)"
            ),
            Self::WildcardWithCredentials => format!(
                "{answer} allows `*`, which never covers a request with credentials: echo the \
                 origin and send Access-Control-Allow-Credentials: true"
            ),
            Self::AllowCredentials { .. } => format!(
                "{answer} lacks Access-Control-Allow-Credentials: true, which a request with \
                 credentials needs"
            ),
            Self::InvalidList { header, token } => format!(
                "{} contains `{token}`, which is not a token: browsers then refuse every \
                 preflight",
                canonical(header.as_str())
            ),
            Self::MethodNotAllowed { method } => format!(
                "Access-Control-Allow-Methods does not list `{method}` (methods are compared \
                 case-sensitively, and `*` does not cover a request with credentials)"
            ),
            Self::HeaderNotAllowed { name } => format!(
                "Access-Control-Allow-Headers does not list `{name}` (`*` does not cover \
                 `authorization`, nor any header of a request with credentials)"
            ),
            Self::Redirect { status } => format!(
                "the response is a redirect ({status}), which cors-browser does not follow: \
                 request the final URL"
            ),
        }
    }
}

/// `access-control-allow-methods` as browsers print it: `Access-Control-Allow-Methods`.
pub(crate) fn canonical(name: &str) -> String {
    name.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect::<Vec<_>>()
        .join("-")
}

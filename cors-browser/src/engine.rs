//! The three engines, where they differ: how long they keep a preflight, what a fresh profile
//! does, and how each words a refusal in its console and to the script.

use std::fmt;

use crate::failure::{Failure, Stage, canonical};

/// A browser engine, as the browser suite measured it (Chromium 156, Firefox ESR 153, WebKitGTK
/// 2.50).
///
/// ```
/// use cors_browser::Engine;
///
/// assert_eq!(Engine::WebKit.preflight_cache_cap(), 600);
/// assert_eq!(Engine::Chromium.script_error(), "TypeError: Failed to fetch");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Engine {
    /// Chrome, Edge, Opera, Brave.
    Chromium,
    /// Firefox.
    Firefox,
    /// Safari, and every browser on iOS.
    WebKit,
}

impl Engine {
    /// All three.
    pub const ALL: [Self; 3] = [Self::Chromium, Self::Firefox, Self::WebKit];

    /// The engine's name.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Chromium => "Chromium",
            Self::Firefox => "Firefox",
            Self::WebKit => "WebKit",
        }
    }

    /// The longest a preflight answer stays in the engine's cache, in seconds, whatever
    /// `Access-Control-Max-Age` says: a longer value is cut to this one, not ignored.
    #[must_use]
    pub const fn preflight_cache_cap(self) -> u64 {
        match self {
            Self::Chromium => 7_200,
            Self::Firefox => 86_400,
            Self::WebKit => 600,
        }
    }

    /// How many cacheable preflight answers a fresh profile does not reuse. Firefox ESR, in a
    /// new profile, sent the preflight again for the first two requests whose answer it could
    /// have cached, each sent twice 250 ms apart: four answers it did not reuse, in every run
    /// of the browser suite; from the third request on it used its cache.
    #[must_use]
    pub const fn fresh_profile_uncached_preflights(self) -> usize {
        match self {
            Self::Firefox => 4,
            Self::Chromium | Self::WebKit => 0,
        }
    }

    /// What a script's `catch` gets when the engine refuses a fetch after sending it (a CORS
    /// failure or a network error look the same to the page, by design).
    #[must_use]
    pub const fn script_error(self) -> &'static str {
        match self {
            Self::Chromium => "TypeError: Failed to fetch",
            Self::Firefox => "TypeError: NetworkError when attempting to fetch resource.",
            Self::WebKit => "TypeError: Load failed",
        }
    }

    /// The line the engine writes to its console for `failure` at `stage`, for a fetch of `url`
    /// from `origin` whose response (if any) had `status`.
    #[must_use]
    pub fn console(
        self,
        stage: Stage,
        failure: &Failure,
        url: &str,
        origin: &str,
        status: Option<u16>,
    ) -> String {
        match self {
            Self::Chromium => chromium(stage, failure, url, origin),
            Self::Firefox => firefox(failure, url, status),
            Self::WebKit => webkit(failure, origin, status),
        }
    }
}

impl fmt::Display for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

fn chromium(stage: Stage, failure: &Failure, url: &str, origin: &str) -> String {
    let blocked = format!(
        "Access to fetch at '{url}' from origin '{origin}' has been blocked by CORS policy: "
    );
    let check = if stage == Stage::Preflight {
        "Response to preflight request doesn't pass access control check: "
    } else {
        ""
    };
    match failure {
        Failure::Request(detail) => {
            format!("TypeError: Failed to execute 'fetch' on 'Window': {detail}")
        }
        Failure::Network(_) => format!("GET {url} net::ERR_FAILED (the server did not answer)"),
        Failure::NotOk { status } if (300..400).contains(status) => {
            format!("{blocked}{check}Redirect is not allowed for a preflight request.")
        }
        Failure::NotOk { .. } => format!("{blocked}{check}It does not have HTTP ok status."),
        Failure::MissingAllowOrigin => format!(
            "{blocked}{check}No 'Access-Control-Allow-Origin' header is present on the requested resource."
        ),
        Failure::MultipleAllowOrigin { value } => format!(
            "{blocked}{check}The 'Access-Control-Allow-Origin' header contains multiple values '{value}', but only one is allowed."
        ),
        Failure::AllowOriginMismatch { value } => format!(
            "{blocked}{check}The 'Access-Control-Allow-Origin' header has a value '{value}' that is not equal to the supplied origin."
        ),
        Failure::WildcardWithCredentials => format!(
            "{blocked}{check}The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'."
        ),
        Failure::AllowCredentials { value } => format!(
            "{blocked}{check}The value of the 'Access-Control-Allow-Credentials' header in the response is '{}' which must be 'true' when the request's credentials mode is 'include'.",
            value.as_deref().unwrap_or("")
        ),
        Failure::InvalidList { header, .. } => format!(
            "{blocked}Cannot parse {} response header field in preflight response.",
            canonical(header.as_str())
        ),
        Failure::MethodNotAllowed { method } => format!(
            "{blocked}Method {method} is not allowed by Access-Control-Allow-Methods in preflight response."
        ),
        Failure::HeaderNotAllowed { name } => format!(
            "{blocked}Request header field {name} is not allowed by Access-Control-Allow-Headers in preflight response."
        ),
        Failure::Redirect { .. } => {
            format!("{blocked}(a redirect: cors-browser does not follow redirects)")
        }
    }
}

fn firefox(failure: &Failure, url: &str, status: Option<u16>) -> String {
    let reason = match failure {
        Failure::Request(detail) => return format!("TypeError: {detail}"),
        Failure::Network(_) => "CORS request did not succeed".to_owned(),
        Failure::NotOk { .. } => "CORS preflight response did not succeed".to_owned(),
        Failure::MissingAllowOrigin => {
            "CORS header ‘Access-Control-Allow-Origin’ missing".to_owned()
        }
        Failure::MultipleAllowOrigin { .. } => {
            "Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed".to_owned()
        }
        Failure::AllowOriginMismatch { value } => {
            format!("CORS header ‘Access-Control-Allow-Origin’ does not match ‘{value}’")
        }
        Failure::WildcardWithCredentials => {
            "Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’"
                .to_owned()
        }
        Failure::AllowCredentials { .. } => {
            "expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’".to_owned()
        }
        Failure::InvalidList { header, token } => format!(
            "invalid token ‘{token}’ in CORS header ‘{}’",
            canonical(header.as_str())
        ),
        Failure::MethodNotAllowed { .. } => {
            "Did not find method in CORS header ‘Access-Control-Allow-Methods’".to_owned()
        }
        Failure::HeaderNotAllowed { name } => format!(
            "header ‘{name}’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response"
        ),
        Failure::Redirect { .. } => "a redirect, which cors-browser does not follow".to_owned(),
    };
    let status = status.map_or_else(String::new, |status| format!(" Status code: {status}."));
    format!(
        "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}. (Reason: {reason}).{status}"
    )
}

fn webkit(failure: &Failure, origin: &str, status: Option<u16>) -> String {
    let status = status.map_or_else(String::new, |status| format!(" Status code: {status}"));
    match failure {
        Failure::Request(detail) => format!("TypeError: {detail}"),
        Failure::Network(_) => "Could not connect to the server.".to_owned(),
        Failure::NotOk { .. } => format!("Preflight response is not successful.{status}"),
        Failure::MissingAllowOrigin
        | Failure::MultipleAllowOrigin { .. }
        | Failure::AllowOriginMismatch { .. } => {
            format!("Origin {origin} is not allowed by Access-Control-Allow-Origin.{status}")
        }
        Failure::WildcardWithCredentials => {
            "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true."
                .to_owned()
        }
        Failure::AllowCredentials { .. } => {
            "Credentials flag is true, but Access-Control-Allow-Credentials is not \"true\"."
                .to_owned()
        }
        Failure::InvalidList { header, .. } => {
            format!("{} header is invalid.", canonical(header.as_str()))
        }
        Failure::MethodNotAllowed { method } => {
            format!("Method {method} is not allowed by Access-Control-Allow-Methods.")
        }
        Failure::HeaderNotAllowed { name } => {
            format!("Request header field {name} is not allowed by Access-Control-Allow-Headers.")
        }
        Failure::Redirect { .. } => "A redirect, which cors-browser does not follow.".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_engine_words_a_missing_allow_origin_its_own_way() {
        let [chromium, firefox, webkit] = Engine::ALL.map(|engine| {
            engine.console(
                Stage::Preflight,
                &Failure::MissingAllowOrigin,
                "https://api.example.com/items",
                "https://app.example.com",
                Some(401),
            )
        });
        assert_eq!(
            chromium,
            "Access to fetch at 'https://api.example.com/items' from origin \
             'https://app.example.com' has been blocked by CORS policy: Response to preflight \
             request doesn't pass access control check: No 'Access-Control-Allow-Origin' header \
             is present on the requested resource."
        );
        assert!(
            firefox.ends_with(
                "(Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 401."
            ),
            "{firefox}"
        );
        assert_eq!(
            webkit,
            "Origin https://app.example.com is not allowed by Access-Control-Allow-Origin. Status code: 401"
        );
    }

    #[test]
    fn caps_and_names() {
        assert_eq!(Engine::WebKit.preflight_cache_cap(), 600);
        assert_eq!(Engine::Chromium.preflight_cache_cap(), 7200);
        assert_eq!(
            canonical("access-control-allow-headers"),
            "Access-Control-Allow-Headers"
        );
        assert_eq!(Engine::Firefox.to_string(), "Firefox");
    }
}

//! Adding names to `Vary` without replacing or repeating what a handler already put there.

use http::HeaderValue;
use http::header::{self, Entry, HeaderMap};

/// Request headers a CORS answer can depend on, in the order they are written.
#[derive(Clone, Copy)]
pub(crate) struct VaryOn {
    pub origin: bool,
    pub preflight: bool,
    pub private_network: bool,
}

const ORIGIN: &str = "Origin";
const ORIGIN_LINE: HeaderValue = HeaderValue::from_static(ORIGIN);
const REQUEST_METHOD: &str = "Access-Control-Request-Method";
const REQUEST_HEADERS: &str = "Access-Control-Request-Headers";
const REQUEST_PRIVATE_NETWORK: &str = "Access-Control-Request-Private-Network";

/// One line for the common case of a response without `Vary`, indexed by
/// `origin | private_network << 1`, for preflights.
const PREFLIGHT_LINES: [HeaderValue; 4] = [
    HeaderValue::from_static("Access-Control-Request-Method, Access-Control-Request-Headers"),
    HeaderValue::from_static(
        "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
    ),
    HeaderValue::from_static(
        "Access-Control-Request-Method, Access-Control-Request-Headers, \
         Access-Control-Request-Private-Network",
    ),
    HeaderValue::from_static(
        "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, \
         Access-Control-Request-Private-Network",
    ),
];

impl VaryOn {
    fn names(self) -> impl Iterator<Item = &'static str> {
        [
            (self.origin, ORIGIN),
            (self.preflight, REQUEST_METHOD),
            (self.preflight, REQUEST_HEADERS),
            (
                self.preflight && self.private_network,
                REQUEST_PRIVATE_NETWORK,
            ),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
    }

    /// Appends the names that `Vary` does not list yet, leaving the handler's lines as they are.
    pub(crate) fn append_to(self, headers: &mut HeaderMap) {
        if !self.origin && !self.preflight {
            return;
        }
        let line = || {
            if self.preflight {
                PREFLIGHT_LINES[usize::from(self.origin) | usize::from(self.private_network) << 1]
                    .clone()
            } else {
                ORIGIN_LINE
            }
        };
        // The common case, a fresh response: nothing to look up.
        if headers.is_empty() {
            headers.append(header::VARY, line());
            return;
        }
        match headers.entry(header::VARY) {
            Entry::Vacant(vacant) => {
                vacant.insert(line());
            }
            Entry::Occupied(mut lines) => {
                for name in self.names() {
                    if !lists(lines.iter(), name) {
                        lines.append(HeaderValue::from_static(name));
                    }
                }
            }
        }
    }
}

/// Whether the `Vary` lines already cover `name` (case-insensitively, or by `*`).
fn lists<'a>(mut lines: impl Iterator<Item = &'a HeaderValue>, name: &str) -> bool {
    lines.any(|line| {
        line.as_bytes().split(|&b| b == b',').any(|element| {
            let element = element.trim_ascii();
            element == b"*" || element.eq_ignore_ascii_case(name.as_bytes())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vary(headers: &HeaderMap) -> Vec<&str> {
        headers
            .get_all(header::VARY)
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect()
    }

    const ACTUAL: VaryOn = VaryOn {
        origin: true,
        preflight: false,
        private_network: false,
    };

    #[test]
    fn appends_after_the_handlers_own_line() {
        let mut headers = HeaderMap::new();
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        ACTUAL.append_to(&mut headers);
        assert_eq!(vary(&headers), ["accept-encoding", "Origin"]);
    }

    #[test]
    fn never_duplicates_in_any_case_or_position() {
        for existing in ["origin", "Accept, ORIGIN", " origin ,x", "*"] {
            let mut headers = HeaderMap::new();
            headers.insert(header::VARY, HeaderValue::from_static(existing));
            ACTUAL.append_to(&mut headers);
            assert_eq!(vary(&headers), [existing], "{existing}");
        }
    }

    #[test]
    fn look_alike_names_do_not_count() {
        let mut headers = HeaderMap::new();
        headers.insert(header::VARY, HeaderValue::from_static("origins, x-origin"));
        ACTUAL.append_to(&mut headers);
        assert_eq!(vary(&headers), ["origins, x-origin", "Origin"]);
    }

    #[test]
    fn preflight_adds_only_the_missing_names() {
        let on = VaryOn {
            origin: true,
            preflight: true,
            private_network: true,
        };
        let mut headers = HeaderMap::new();
        on.append_to(&mut headers);
        assert_eq!(
            vary(&headers),
            [
                "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, \
              Access-Control-Request-Private-Network"
            ]
        );
        let mut headers = HeaderMap::new();
        headers.insert(header::VARY, HeaderValue::from_static("origin"));
        on.append_to(&mut headers);
        assert_eq!(
            vary(&headers),
            [
                "origin",
                "Access-Control-Request-Method",
                "Access-Control-Request-Headers",
                "Access-Control-Request-Private-Network"
            ]
        );
    }
}

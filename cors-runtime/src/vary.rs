//! Adding names to `Vary` without replacing or repeating what a handler already put there.

use crate::lines::{HeaderLines, Name};
use crate::value::PolicyValue;

/// Request headers a CORS answer can depend on, in the order they are written.
#[derive(Clone, Copy)]
pub(crate) struct VaryOn {
    pub origin: bool,
    pub preflight: bool,
    pub private_network: bool,
    pub by: By,
}

/// Who writes an answer: a caller of `write_headers`, or a middleware, which marks a line
/// (see [`HeaderLines::mark`]) so that a middleware stacked around it leaves the answer as it is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum By {
    Caller,
    Middleware,
}

/// The names, each also the line for a response whose `Vary` lacks only it.
static NAMES: [PolicyValue; 4] = [
    PolicyValue::from_static("Origin"),
    PolicyValue::from_static("Access-Control-Request-Method"),
    PolicyValue::from_static("Access-Control-Request-Headers"),
    PolicyValue::from_static("Access-Control-Request-Private-Network"),
];

/// One line for the common case of a response without `Vary`, indexed by
/// `origin | private_network << 1`, for preflights.
static PREFLIGHT_LINES: [PolicyValue; 4] = [
    PolicyValue::from_static("Access-Control-Request-Method, Access-Control-Request-Headers"),
    PolicyValue::from_static(
        "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
    ),
    PolicyValue::from_static(
        "Access-Control-Request-Method, Access-Control-Request-Headers, \
         Access-Control-Request-Private-Network",
    ),
    PolicyValue::from_static(
        "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, \
         Access-Control-Request-Private-Network",
    ),
];

impl VaryOn {
    /// Whether each of [`NAMES`] applies.
    fn applies(self) -> [bool; 4] {
        [
            self.origin,
            self.preflight,
            self.preflight,
            self.preflight && self.private_network,
        ]
    }

    /// Appends the names that `Vary` does not list yet, leaving the handler's lines as they are.
    ///
    /// For a middleware, it also reads there whether one of this crate inside it has answered
    /// already (a marked line): then it writes nothing and says so with `false`.
    ///
    /// A response without headers, the common case, gets its one line here; one with headers is
    /// read first, out of line.
    pub(crate) fn append_to<H: HeaderLines>(self, headers: &mut H) -> bool {
        if headers.is_empty() {
            self.append_line(headers);
            true
        } else {
            self.append_missing(headers)
        }
    }

    /// The one line for a response whose `Vary` lists none of the names yet.
    fn append_line<H: HeaderLines>(self, headers: &mut H) {
        if !(self.origin || self.preflight) {
            return;
        }
        let line = if self.preflight {
            &PREFLIGHT_LINES[usize::from(self.origin) | usize::from(self.private_network) << 1]
        } else {
            &NAMES[0]
        };
        headers.append(Name::Vary, self.line::<H>(line));
    }

    /// [`append_to`](Self::append_to) for a response with headers.
    #[inline(never)]
    fn append_missing<H: HeaderLines>(self, headers: &mut H) -> bool {
        let names = self.origin || self.preflight;
        if !names && self.by == By::Caller {
            return true;
        }
        let missing = {
            let lines = headers.lines(Name::Vary);
            if self.by == By::Middleware && H::values(&lines).any(H::is_marked) {
                return false;
            }
            if !names {
                return true;
            }
            H::values(&lines).next().is_some().then(|| {
                let mut missing = self.applies();
                for (missing, name) in missing.iter_mut().zip(&NAMES) {
                    *missing = *missing && !lists(H::values(&lines).map(H::bytes), name.as_bytes());
                }
                missing
            })
        };
        let Some(missing) = missing else {
            // The handler wrote no `Vary`.
            self.append_line(headers);
            return true;
        };
        for (line, missing) in NAMES.iter().zip(missing) {
            if missing {
                headers.append(Name::Vary, self.line::<H>(line));
            }
        }
        if self.by == By::Middleware
            && let Some(first) = headers.first_mut(Name::Vary)
        {
            H::mark(first);
        }
        true
    }

    fn line<H: HeaderLines>(self, line: &PolicyValue) -> H::Value {
        let mut value = H::policy_value(line).clone();
        if self.by == By::Middleware {
            H::mark(&mut value);
        }
        value
    }
}

fn lists<'a>(mut lines: impl Iterator<Item = &'a [u8]>, name: &[u8]) -> bool {
    lines.any(|line| {
        line.split(|&b| b == b',').any(|element| {
            let element = element.trim_ascii();
            element == b"*" || element.eq_ignore_ascii_case(name)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;
    use http::header::{self, HeaderMap};

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
        by: By::Caller,
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
            by: By::Caller,
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

//! Policies by path: one layer (or middleware) holding a policy for every path and others for
//! some prefixes, choosing for each request the policy of the longest prefix that covers its path.
//!
//! A prefix covers a path on segment boundaries: `/admin` covers `/admin` and `/admin/…`, never
//! `/administrator`. Prefixes are compared with the path byte for byte, as the router sees it
//! (axum's: the request's path as sent; actix-web's: the path it routes on, with percent-encoded
//! characters decoded), so the policy chosen is the one of the routes the request reaches.

use std::fmt;

use cors_rules::hash::Table;

/// The longest prefix accepted: far beyond any route, short enough for the logs.
const MAX_PREFIX: usize = 256;

/// Prefixes and what each chooses, with a table that finds a prefix by hashing it once.
#[derive(Debug)]
pub(crate) struct Routes<T> {
    /// The prefixes, in the order they were given, and what each chooses.
    entries: Vec<(Box<str>, T)>,
    /// Indexes into `entries`, placed by prefix.
    table: Table<usize>,
    /// The length of the longest prefix: no longer part of a path needs a look.
    longest: usize,
}

impl<T> Default for Routes<T> {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
            table: Table::empty(),
            longest: 0,
        }
    }
}

impl<T: Clone> Routes<T> {
    /// These routes and one more, or why `prefix` cannot be one.
    pub(crate) fn with(&self, prefix: &str, value: T) -> Result<Self, RouteError> {
        check(prefix)?;
        if self.entries.iter().any(|(known, _)| **known == *prefix) {
            return Err(RouteError {
                prefix: prefix.into(),
                reason: Reason::Duplicate,
            });
        }
        let mut entries = self.entries.clone();
        entries.push((prefix.into(), value));
        let table = Table::lay_out(
            entries
                .iter()
                .enumerate()
                .map(|(index, (prefix, _))| (prefix.as_bytes(), index))
                .collect(),
        );
        let longest = entries
            .iter()
            .map(|(prefix, _)| prefix.len())
            .max()
            .unwrap_or(0);
        Ok(Self {
            entries,
            table,
            longest,
        })
    }
}

impl<T> Routes<T> {
    /// The route of the longest prefix that covers `path`, or `None` when none does.
    ///
    /// Each candidate is a part of the path that ends at a segment boundary, longest first, no
    /// longer than the longest prefix; each costs one hash, whatever the number of prefixes.
    pub(crate) fn choose(&self, path: &str) -> Option<(&str, &T)> {
        if self.entries.is_empty() {
            return None;
        }
        let path = path.as_bytes();
        let mut end = path.len().min(self.longest);
        loop {
            if end == path.len() || path[end] == b'/' {
                let candidate = &path[..end];
                let found = self.table.bucket(candidate).iter().find_map(|&index| {
                    let (prefix, value) = &self.entries[index];
                    (prefix.as_bytes() == candidate).then_some((&**prefix, value))
                });
                if found.is_some() {
                    return found;
                }
            }
            // The next shorter candidate ends at the previous `/`; the root is not a prefix.
            match path[..end].iter().rposition(|&b| b == b'/') {
                Some(slash) if slash > 0 => end = slash,
                _ => return None,
            }
        }
    }
}

/// Whether `prefix` is a path prefix as routes write them, or why not.
fn check(prefix: &str) -> Result<(), RouteError> {
    let refuse = |reason| {
        Err(RouteError {
            prefix: prefix.into(),
            reason,
        })
    };
    let Some(rest) = prefix.strip_prefix('/') else {
        return refuse(Reason::NoLeadingSlash);
    };
    if rest.is_empty() {
        return refuse(Reason::Root);
    }
    if prefix.len() > MAX_PREFIX {
        return refuse(Reason::TooLong);
    }
    if let Some(bad) = prefix.chars().find(|&c| !is_path_char(c)) {
        return refuse(match bad {
            '?' | '#' => Reason::QueryOrFragment,
            '*' | '{' | '}' | ':' => Reason::Pattern,
            '%' => Reason::PercentEncoded,
            other => Reason::Character(other),
        });
    }
    if rest.ends_with('/') {
        return refuse(Reason::TrailingSlash);
    }
    for segment in rest.split('/') {
        match segment {
            "" => return refuse(Reason::EmptySegment),
            "." | ".." => return refuse(Reason::DotSegment),
            _ => {}
        }
    }
    Ok(())
}

/// A character of a path segment, as RFC 3986 writes it unencoded (`pchar` without `%`, and
/// without `:`, which routers read as a parameter), or `/`.
fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '/' | '-'
                | '.'
                | '_'
                | '~'
                | '!'
                | '$'
                | '&'
                | '\''
                | '('
                | ')'
                | '+'
                | ','
                | ';'
                | '='
                | '@'
        )
}

/// A prefix given to `.route(…)` that cannot be one, or that was given twice: the layer is not
/// built. [`Display`](fmt::Display) says what to write instead.
///
/// ```
/// use cors_runtime::{cors_policy, CorsLayer, CorsPolicy};
///
/// static APP: CorsPolicy = cors_policy! { allow_origins: ["https://app.example.com"] };
/// static ADMIN: CorsPolicy = cors_policy! { allow_origins: ["https://admin.example.com"] };
///
/// let error = CorsLayer::new(&APP).route("/admin/", &ADMIN).unwrap_err();
/// assert_eq!(error.prefix(), "/admin/");
/// assert_eq!(
///     error.to_string(),
///     "route prefix `/admin/` ends with `/`: write `/admin`, which covers `/admin` and every path under it",
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteError {
    prefix: Box<str>,
    reason: Reason,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reason {
    NoLeadingSlash,
    Root,
    TooLong,
    QueryOrFragment,
    Pattern,
    PercentEncoded,
    Character(char),
    TrailingSlash,
    EmptySegment,
    DotSegment,
    Duplicate,
}

impl RouteError {
    /// The prefix as it was given.
    #[must_use]
    pub fn prefix(&self) -> &str {
        &self.prefix
    }
}

impl fmt::Display for RouteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix = &*self.prefix;
        write!(f, "route prefix `{}` ", prefix.escape_debug())?;
        match self.reason {
            Reason::NoLeadingSlash => write!(
                f,
                "is not a path: write it from the root, `/{}`",
                prefix.escape_debug()
            ),
            Reason::Root => f.write_str(
                "covers every path, which the layer's own policy already does: pass that policy \
                 to the layer itself",
            ),
            Reason::TooLong => write!(f, "is longer than {MAX_PREFIX} bytes"),
            Reason::QueryOrFragment => f.write_str(
                "has a query or a fragment: a prefix is a path, and the policy is chosen by the \
                 path alone",
            ),
            Reason::Pattern => f.write_str(
                "has a parameter or a wildcard: prefixes are literal, and each covers every path \
                 under it; write the part before the parameter",
            ),
            Reason::PercentEncoded => f.write_str(
                "is percent-encoded: prefixes are compared with the path the router sees, byte \
                 for byte; write the characters themselves",
            ),
            Reason::Character(c) => write!(
                f,
                "has `{}`, which a path cannot have unencoded",
                c.escape_debug()
            ),
            Reason::TrailingSlash => write!(
                f,
                "ends with `/`: write `{}`, which covers `{0}` and every path under it",
                prefix.trim_end_matches('/').escape_debug()
            ),
            Reason::EmptySegment => f.write_str("has an empty segment (`//`)"),
            Reason::DotSegment => {
                f.write_str("has a `.` or `..` segment, which no request path keeps")
            }
            Reason::Duplicate => f.write_str(
                "is given twice: one prefix, one policy; remove one of the two `.route(…)` calls",
            ),
        }
    }
}

impl std::error::Error for RouteError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn routes(prefixes: &[&str]) -> Routes<usize> {
        prefixes
            .iter()
            .enumerate()
            .try_fold(Routes::default(), |routes, (index, prefix)| {
                routes.with(prefix, index)
            })
            .expect("valid prefixes")
    }

    #[test]
    fn the_longest_prefix_on_a_segment_boundary_chooses() {
        let routes = routes(&["/admin", "/admin/audit", "/api/v1", "/a"]);
        let chosen = |path| routes.choose(path).map(|(prefix, _)| prefix);
        for (path, expected) in [
            ("/admin", Some("/admin")),
            ("/admin/", Some("/admin")),
            ("/admin/users", Some("/admin")),
            ("/admin/audit", Some("/admin/audit")),
            ("/admin/audit/2026", Some("/admin/audit")),
            ("/admin/auditors", Some("/admin")),
            ("/administrator", None),
            ("/adm", None),
            ("/api", None),
            ("/api/v1", Some("/api/v1")),
            ("/api/v10", None),
            ("/a", Some("/a")),
            ("/a/admin", Some("/a")),
            ("/b/admin", None),
            ("/ADMIN", None),
            ("/%61dmin", None),
            ("//admin", None),
            ("/", None),
            ("", None),
        ] {
            assert_eq!(chosen(path), expected, "{path}");
        }
    }

    #[test]
    fn a_path_longer_than_every_prefix_is_read_only_as_far_as_the_longest() {
        let routes = routes(&["/admin"]);
        let long = format!("/admin/{}", "x/".repeat(10_000));
        assert_eq!(routes.choose(&long).map(|(p, _)| p), Some("/admin"));
        let other = format!("/{}", "x".repeat(10_000));
        assert_eq!(routes.choose(&other), None);
    }

    #[test]
    fn the_choice_is_the_same_among_many_prefixes() {
        let prefixes: Vec<String> = (0..200).map(|i| format!("/p{i}/q")).collect();
        let refs: Vec<&str> = prefixes.iter().map(String::as_str).collect();
        let routes = routes(&refs);
        for (i, prefix) in prefixes.iter().enumerate() {
            let path = format!("{prefix}/item");
            assert_eq!(routes.choose(&path), Some((prefix.as_str(), &i)));
            assert_eq!(routes.choose(&format!("/p{i}")), None);
        }
    }

    #[test]
    fn prefixes_that_are_not_paths_are_refused_with_the_fix() {
        for (prefix, message) in [
            (
                "admin",
                "route prefix `admin` is not a path: write it from the root, `/admin`",
            ),
            (
                "/",
                "route prefix `/` covers every path, which the layer's own policy already does: pass that policy to the layer itself",
            ),
            (
                "/admin/",
                "route prefix `/admin/` ends with `/`: write `/admin`, which covers `/admin` and every path under it",
            ),
            (
                "/admin?x=1",
                "route prefix `/admin?x=1` has a query or a fragment: a prefix is a path, and the policy is chosen by the path alone",
            ),
            (
                "/admin#top",
                "route prefix `/admin#top` has a query or a fragment: a prefix is a path, and the policy is chosen by the path alone",
            ),
            (
                "/users/{id}",
                "route prefix `/users/{id}` has a parameter or a wildcard: prefixes are literal, and each covers every path under it; write the part before the parameter",
            ),
            (
                "/files/*",
                "route prefix `/files/*` has a parameter or a wildcard: prefixes are literal, and each covers every path under it; write the part before the parameter",
            ),
            (
                "/users/:id",
                "route prefix `/users/:id` has a parameter or a wildcard: prefixes are literal, and each covers every path under it; write the part before the parameter",
            ),
            (
                "/caf%C3%A9",
                "route prefix `/caf%C3%A9` is percent-encoded: prefixes are compared with the path the router sees, byte for byte; write the characters themselves",
            ),
            (
                "/a b",
                "route prefix `/a b` has ` `, which a path cannot have unencoded",
            ),
            (
                "/café",
                "route prefix `/café` has `é`, which a path cannot have unencoded",
            ),
            (
                "/a\n",
                "route prefix `/a\\n` has `\\n`, which a path cannot have unencoded",
            ),
            ("/a//b", "route prefix `/a//b` has an empty segment (`//`)"),
            (
                "/a/../admin",
                "route prefix `/a/../admin` has a `.` or `..` segment, which no request path keeps",
            ),
            (
                "/.",
                "route prefix `/.` has a `.` or `..` segment, which no request path keeps",
            ),
        ] {
            let error = Routes::default().with(prefix, ()).unwrap_err();
            assert_eq!(error.to_string(), message);
            assert_eq!(error.prefix(), prefix);
        }
        let long = format!("/{}", "a".repeat(MAX_PREFIX));
        let error = Routes::default().with(&long, ()).unwrap_err();
        assert!(
            error.to_string().ends_with("is longer than 256 bytes"),
            "{error}"
        );
        assert!(Routes::default().with(&long[..MAX_PREFIX], ()).is_ok());
    }

    #[test]
    fn a_prefix_given_twice_is_refused() {
        let routes = routes(&["/admin", "/api"]);
        let error = routes.with("/admin", 9).unwrap_err();
        assert_eq!(
            error.to_string(),
            "route prefix `/admin` is given twice: one prefix, one policy; remove one of the two `.route(…)` calls"
        );
        // The routes it was asked of are unchanged.
        assert_eq!(routes.choose("/admin/x"), Some(("/admin", &0)));
    }
}

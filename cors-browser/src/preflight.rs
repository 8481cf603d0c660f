//! The CORS-preflight fetch: whether one is needed, what it sends, how its answer is validated,
//! and the cache that spares the next one.
//!
//! <https://fetch.spec.whatwg.org/#cors-preflight-fetch>

use std::time::Duration;

use http::{HeaderMap, HeaderValue, header};

use crate::cors::{cors_check, max_age, token_list};
use crate::engine::Engine;
use crate::failure::Failure;
use crate::safelist::is_safelisted_method;

/// The request header a `*` in `Access-Control-Allow-Headers` never covers (Fetch: "CORS
/// non-wildcard request-header name").
const NON_WILDCARD_HEADER: &str = "authorization";

/// The headers of the preflight for a request with `method` and the CORS-unsafe header names
/// `unsafe_names` (lowercase, sorted): `Access-Control-Request-Method` and, when there are
/// any, `Access-Control-Request-Headers`, comma-joined without spaces. The caller adds
/// `Origin`, `Host` and the fetch metadata; a preflight never carries cookies.
///
/// ```
/// use cors_browser::preflight::preflight_headers;
///
/// let names = ["content-type".to_owned(), "x-token".to_owned()];
/// let headers = preflight_headers("PUT", &names);
/// assert_eq!(headers["access-control-request-headers"], "content-type,x-token");
/// ```
#[must_use]
pub fn preflight_headers(method: &str, unsafe_names: &[String]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(header::ACCEPT, HeaderValue::from_static("*/*"));
    if let Ok(method) = HeaderValue::from_str(method) {
        headers.insert(header::ACCESS_CONTROL_REQUEST_METHOD, method);
    }
    if !unsafe_names.is_empty()
        && let Ok(names) = HeaderValue::from_str(&unsafe_names.join(","))
    {
        headers.insert(header::ACCESS_CONTROL_REQUEST_HEADERS, names);
    }
    headers
}

/// What a successful preflight allowed, for the cache (see [`validate`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Allowance {
    /// `Access-Control-Allow-Methods`, as listed.
    pub methods: Vec<String>,
    /// `Access-Control-Allow-Headers`, as listed.
    pub headers: Vec<String>,
    /// How long it may be kept, in seconds (the engine's cap applied).
    pub max_age: u64,
}

/// Validates the answer to a preflight as `engine` does: the CORS check and an ok status
/// (Chromium reports a failed CORS check first, Firefox and WebKit a status that is not ok
/// first), then the method and every unsafe header name against the lists.
///
/// ```
/// use cors_browser::preflight::validate;
/// use cors_browser::{Engine, Failure};
/// use http::HeaderMap;
///
/// let mut answer = HeaderMap::new();
/// answer.insert("access-control-allow-origin", "https://app.example.com".parse().unwrap());
/// answer.insert("access-control-allow-methods", "put".parse().unwrap());
/// let origin = "https://app.example.com";
/// assert_eq!(
///     validate(Engine::Chromium, 204, &answer, origin, "PUT", &[], false),
///     Err(Failure::MethodNotAllowed { method: "PUT".to_owned() })
/// );
/// ```
///
/// # Errors
///
/// The first failure, as the engine reports it.
pub fn validate(
    engine: Engine,
    status: u16,
    response: &HeaderMap,
    origin: &str,
    method: &str,
    unsafe_names: &[String],
    credentials: bool,
) -> Result<Allowance, Failure> {
    let ok = (200..300).contains(&status);
    if engine != Engine::Chromium && !ok {
        return Err(Failure::NotOk { status });
    }
    cors_check(response, origin, credentials)?;
    if !ok {
        return Err(Failure::NotOk { status });
    }
    let methods = token_list(response, &header::ACCESS_CONTROL_ALLOW_METHODS)?.unwrap_or_default();
    let headers = token_list(response, &header::ACCESS_CONTROL_ALLOW_HEADERS)?.unwrap_or_default();
    let any_method = !credentials && methods.iter().any(|m| m == "*");
    if !is_safelisted_method(method) && !any_method && !methods.iter().any(|m| m == method) {
        return Err(Failure::MethodNotAllowed {
            method: method.to_owned(),
        });
    }
    let any_header = !credentials && headers.iter().any(|h| h == "*");
    for name in unsafe_names {
        let listed = headers.iter().any(|h| h.eq_ignore_ascii_case(name));
        let covered = any_header && name != NON_WILDCARD_HEADER;
        if !listed && !covered {
            return Err(Failure::HeaderNotAllowed { name: name.clone() });
        }
    }
    Ok(Allowance {
        methods,
        headers,
        max_age: max_age(response, engine.preflight_cache_cap()),
    })
}

/// What one cache entry allows: a method or a header name.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Allows {
    Method(String),
    Header(String),
}

#[derive(Clone, Debug)]
struct Entry {
    origin: String,
    url: String,
    credentials: bool,
    allows: Allows,
    /// When it expires, on the browser's clock.
    until: Duration,
}

/// The preflight cache, keyed by the page's origin, the URL and whether credentials were sent,
/// one entry per method and header name allowed (Fetch: "CORS-preflight cache").
///
/// ```
/// use std::time::Duration;
/// use cors_browser::preflight::{Allowance, PreflightCache};
///
/// let mut cache = PreflightCache::default();
/// let key = ("https://app.example.com", "https://api.example.com/items", false);
/// let allowance = Allowance { methods: vec!["PUT".to_owned()], headers: vec![], max_age: 5 };
/// cache.store(Duration::ZERO, key, &allowance);
/// assert!(cache.covers(Duration::from_secs(4), key, "PUT", &[]));
/// assert!(!cache.covers(Duration::from_secs(5), key, "PUT", &[]));
/// ```
#[derive(Clone, Debug, Default)]
pub struct PreflightCache {
    entries: Vec<Entry>,
}

impl PreflightCache {
    /// Whether a request with `method` and `unsafe_names` needs no preflight at `now`: every
    /// one of them has a live entry.
    #[must_use]
    pub fn covers(
        &self,
        now: Duration,
        key: (&str, &str, bool),
        method: &str,
        unsafe_names: &[String],
    ) -> bool {
        let live = |allows: &dyn Fn(&Allows) -> bool| {
            self.entries.iter().any(|entry| {
                (entry.origin.as_str(), entry.url.as_str(), entry.credentials) == key
                    && entry.until > now
                    && allows(&entry.allows)
            })
        };
        let credentials = key.2;
        let method_ok = is_safelisted_method(method)
            || live(&|allows| match allows {
                Allows::Method(m) => m == method || (m == "*" && !credentials),
                Allows::Header(_) => false,
            });
        method_ok
            && unsafe_names.iter().all(|name| {
                live(&|allows| match allows {
                    Allows::Header(h) => {
                        h.eq_ignore_ascii_case(name)
                            || (h == "*" && !credentials && name != NON_WILDCARD_HEADER)
                    }
                    Allows::Method(_) => false,
                })
            })
    }

    /// Stores what a preflight allowed, from `now` for its max-age; an entry already there for
    /// the same method or name gets the new expiry.
    pub fn store(&mut self, now: Duration, key: (&str, &str, bool), allowance: &Allowance) {
        let until = now + Duration::from_secs(allowance.max_age);
        let allowed = allowance
            .methods
            .iter()
            .map(|m| Allows::Method(m.clone()))
            .chain(
                allowance
                    .headers
                    .iter()
                    .map(|h| Allows::Header(h.to_ascii_lowercase())),
            );
        for allows in allowed {
            let same = |entry: &&mut Entry| {
                (entry.origin.as_str(), entry.url.as_str(), entry.credentials) == key
                    && entry.allows == allows
            };
            if let Some(entry) = self.entries.iter_mut().find(same) {
                entry.until = until;
            } else {
                self.entries.push(Entry {
                    origin: key.0.to_owned(),
                    url: key.1.to_owned(),
                    credentials: key.2,
                    allows,
                    until,
                });
            }
        }
    }

    /// Forgets every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// How many entries it holds (expired ones included).
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderName;

    const PAGE: &str = "https://app.example.com";

    fn answer(lines: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert("access-control-allow-origin", PAGE.parse().unwrap());
        for (name, value) in lines {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        map
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|&n| n.to_owned()).collect()
    }

    #[test]
    fn the_preflight_asks_in_lowercase_sorted_comma_joined() {
        let headers = preflight_headers("PUT", &names(&["content-type", "x-token"]));
        assert_eq!(headers["access-control-request-method"], "PUT");
        assert_eq!(
            headers["access-control-request-headers"],
            "content-type,x-token"
        );
        assert!(!preflight_headers("PUT", &[]).contains_key("access-control-request-headers"));
    }

    #[test]
    fn methods_are_case_sensitive() {
        // fetch/api/cors/cors-preflight.any.js: `put` does not allow `PUT`.
        let check = |listed: &str, method: &str, credentials| {
            let mut answer = answer(&[("access-control-allow-methods", listed)]);
            if credentials {
                answer.insert("access-control-allow-credentials", "true".parse().unwrap());
            }
            validate(
                Engine::Chromium,
                204,
                &answer,
                PAGE,
                method,
                &[],
                credentials,
            )
        };
        assert!(matches!(
            check("put", "PUT", false),
            Err(Failure::MethodNotAllowed { .. })
        ));
        assert!(check("PUT", "PUT", false).is_ok());
        assert!(check("patch", "patch", false).is_ok());
        assert!(check("*", "PURGE", false).is_ok());
        // With credentials `*` is a method named `*`.
        assert!(check("*", "PURGE", true).is_err());
        assert!(check("", "GET", false).is_ok());
        assert!(matches!(
            check("PUT, no no", "PUT", false),
            Err(Failure::InvalidList { .. })
        ));
    }

    #[test]
    fn header_names_and_the_wildcard() {
        let check = |listed: &str, asked: &[&str]| {
            validate(
                Engine::Firefox,
                200,
                &answer(&[("access-control-allow-headers", listed)]),
                PAGE,
                "GET",
                &names(asked),
                false,
            )
        };
        assert!(check("X-Token", &["x-token"]).is_ok());
        assert!(check("*", &["x-anything", "x-other"]).is_ok());
        assert_eq!(
            check("*", &["authorization"]),
            Err(Failure::HeaderNotAllowed {
                name: "authorization".to_owned()
            })
        );
        assert!(check("*, authorization", &["authorization"]).is_ok());
        assert_eq!(
            check("x-token", &["x-other", "x-token"]),
            Err(Failure::HeaderNotAllowed {
                name: "x-other".to_owned()
            })
        );
    }

    #[test]
    fn engines_report_a_refused_preflight_status_in_their_order() {
        let no_cors_headers = HeaderMap::new();
        let chromium = validate(
            Engine::Chromium,
            401,
            &no_cors_headers,
            PAGE,
            "PUT",
            &[],
            false,
        );
        assert_eq!(chromium, Err(Failure::MissingAllowOrigin));
        for engine in [Engine::Firefox, Engine::WebKit] {
            let other = validate(engine, 401, &no_cors_headers, PAGE, "PUT", &[], false);
            assert_eq!(other, Err(Failure::NotOk { status: 401 }), "{engine}");
        }
        let with_origin = answer(&[("access-control-allow-methods", "PUT")]);
        assert_eq!(
            validate(Engine::Chromium, 302, &with_origin, PAGE, "PUT", &[], false),
            Err(Failure::NotOk { status: 302 })
        );
    }

    #[test]
    fn max_age_is_capped_per_engine() {
        let answer = answer(&[
            ("access-control-allow-methods", "PUT"),
            ("access-control-max-age", "86400"),
        ]);
        let age = |engine| {
            validate(engine, 204, &answer, PAGE, "PUT", &[], false)
                .unwrap()
                .max_age
        };
        assert_eq!(
            [Engine::Chromium, Engine::Firefox, Engine::WebKit].map(age),
            [7200, 86_400, 600]
        );
    }

    #[test]
    fn the_cache_is_keyed_and_expires() {
        let mut cache = PreflightCache::default();
        let key = (PAGE, "https://api.example.com/items", false);
        let allowance = Allowance {
            methods: names(&["PUT"]),
            headers: names(&["X-Token"]),
            max_age: 5,
        };
        let at = Duration::from_secs;
        cache.store(at(0), key, &allowance);
        assert!(cache.covers(at(4), key, "PUT", &names(&["x-token"])));
        assert!(!cache.covers(at(5), key, "PUT", &[]), "expired after 5 s");
        assert!(!cache.covers(at(1), key, "DELETE", &[]));
        assert!(!cache.covers(at(1), key, "PUT", &names(&["x-other"])));
        assert!(!cache.covers(
            at(1),
            (PAGE, "https://api.example.com/other", false),
            "PUT",
            &[]
        ));
        assert!(
            !cache.covers(at(1), (PAGE, key.1, true), "PUT", &[]),
            "credentials are a key"
        );
        assert!(cache.covers(at(1), key, "GET", &[]), "safelisted");
        cache.store(at(3), key, &allowance);
        assert!(
            cache.covers(at(7), key, "PUT", &[]),
            "stored again: a new expiry"
        );
        assert_eq!(cache.len(), 2);
        let any = Allowance {
            methods: names(&["*"]),
            headers: names(&["*"]),
            max_age: 5,
        };
        cache.store(at(0), key, &any);
        assert!(cache.covers(at(1), key, "PURGE", &names(&["x-any"])));
        assert!(!cache.covers(at(1), key, "PURGE", &names(&["authorization"])));
        cache.clear();
        assert!(cache.is_empty());
    }
}

//! URLs and origins as a browser compares them: same origin, same site, and the value of
//! `Sec-Fetch-Site`.

use std::fmt;

/// An `http`, `https`, `ws` or `wss` URL, split into what CORS compares.
///
/// ```
/// use cors_browser::url::Url;
///
/// let url = Url::parse("HTTPS://API.example.com:443/items").unwrap();
/// assert_eq!(url.to_string(), "https://api.example.com/items");
/// assert_eq!(url.origin().to_string(), "https://api.example.com");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    /// The scheme, lowercase.
    pub scheme: String,
    /// The host, lowercase, as it is serialized (an IPv6 address in brackets).
    pub host: String,
    /// The port, when it is not the scheme's default.
    pub port: Option<u16>,
    /// The path and query, `/` at least.
    pub path_and_query: String,
}

impl Url {
    /// Parses an absolute URL, or says why it is not one.
    ///
    /// # Errors
    ///
    /// When `text` is not an absolute `http(s)`/`ws(s)` URL with a host, or has a fragment or
    /// user information.
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.contains('#') {
            return Err(format!(
                "`{text}` has a fragment, which is never sent: leave it out"
            ));
        }
        let uri: http::Uri = text
            .parse()
            .map_err(|e| format!("`{text}` is not a URL: {e}"))?;
        let scheme = uri
            .scheme_str()
            .ok_or_else(|| format!("`{text}` has no scheme: write `https://{text}`"))?
            .to_ascii_lowercase();
        let default_port = match scheme.as_str() {
            "http" | "ws" => 80,
            "https" | "wss" => 443,
            other => return Err(format!("`{text}` has scheme `{other}`: use http or https")),
        };
        let authority = uri
            .authority()
            .ok_or_else(|| format!("`{text}` has no host"))?;
        if authority.as_str().contains('@') {
            return Err(format!(
                "`{text}` has user information, which fetch() refuses"
            ));
        }
        let host = authority.host().to_ascii_lowercase();
        if host.is_empty() {
            return Err(format!("`{text}` has no host"));
        }
        let port = authority.port_u16().filter(|&port| port != default_port);
        let path_and_query = uri
            .path_and_query()
            .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
        let path_and_query = if path_and_query.starts_with('/') {
            path_and_query
        } else {
            format!("/{path_and_query}")
        };
        Ok(Self {
            scheme,
            host,
            port,
            path_and_query,
        })
    }

    /// The URL's origin.
    #[must_use]
    pub fn origin(&self) -> Origin {
        let scheme = match self.scheme.as_str() {
            "ws" => "http",
            "wss" => "https",
            other => other,
        };
        Origin {
            scheme: scheme.to_owned(),
            host: self.host.clone(),
            port: self.port,
        }
    }

    /// The `Host` header a browser sends for it.
    #[must_use]
    pub fn authority(&self) -> String {
        match self.port {
            Some(port) => format!("{}:{port}", self.host),
            None => self.host.clone(),
        }
    }

    /// Whether the Fetch Standard sends `Sec-Fetch-*` headers to this URL: only to a
    /// potentially trustworthy one (`https`, or a loopback host).
    #[must_use]
    pub fn is_potentially_trustworthy(&self) -> bool {
        self.origin().is_potentially_trustworthy()
    }
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}://{}{}",
            self.scheme,
            self.authority(),
            self.path_and_query
        )
    }
}

/// A tuple origin: a scheme, a host and a port.
///
/// ```
/// use cors_browser::url::Origin;
///
/// let app = Origin::parse("https://app.example.com").unwrap();
/// let api = Origin::parse("https://api.example.com").unwrap();
/// assert_eq!(app.site_of(&api), "same-site");
/// let pages = Origin::parse("https://a.github.io").unwrap();
/// assert_eq!(pages.site_of(&Origin::parse("https://b.github.io").unwrap()), "cross-site");
/// assert!(Origin::parse("https://app.example.com/").is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Origin {
    scheme: String,
    host: String,
    port: Option<u16>,
}

impl Origin {
    /// Parses a page's origin as browsers serialize it (`https://app.example.com`,
    /// `http://localhost:3000`).
    ///
    /// # Errors
    ///
    /// When `text` is not exactly a serialized `http` or `https` origin: a path, a trailing `/`,
    /// upper case, a default port written out.
    pub fn parse(text: &str) -> Result<Self, String> {
        let url = Url::parse(text)?;
        let origin = url.origin();
        if url.scheme.starts_with("ws") {
            return Err(format!(
                "`{text}` is a WebSocket URL: a page's origin is http or https"
            ));
        }
        if origin.to_string() != text {
            return Err(format!(
                "`{text}` is not an origin as a browser writes it: `{origin}`"
            ));
        }
        Ok(origin)
    }

    /// Whether a secure context could be this origin's: `https`, or a loopback host.
    #[must_use]
    pub fn is_potentially_trustworthy(&self) -> bool {
        self.scheme == "https"
            || self.host == "localhost"
            || self.host.ends_with(".localhost")
            || self.host == "[::1]"
            || self
                .host
                .parse::<std::net::Ipv4Addr>()
                .is_ok_and(|ip| ip.is_loopback())
    }

    /// The scheme, `http` or `https`.
    #[must_use]
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// The host, lowercase.
    #[must_use]
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port, when it is not the scheme's default.
    #[must_use]
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// Whether the host is an IP address.
    #[must_use]
    pub fn is_ip_address(&self) -> bool {
        self.host.starts_with('[') || self.host.parse::<std::net::Ipv4Addr>().is_ok()
    }

    /// The host's registrable domain by the Public Suffix List (`example.co.uk` for
    /// `app.example.co.uk`), or `None` for an IP address, or a host that is itself a public
    /// suffix (`localhost`, `github.io`).
    ///
    /// ```
    /// use cors_browser::url::Origin;
    ///
    /// let origin = Origin::parse("https://eu.app.example.co.uk").unwrap();
    /// assert_eq!(origin.registrable_domain(), Some("example.co.uk"));
    /// assert_eq!(Origin::parse("https://github.io").unwrap().registrable_domain(), None);
    /// ```
    #[must_use]
    pub fn registrable_domain(&self) -> Option<&str> {
        let host = self.host.as_str();
        if self.is_ip_address() {
            return None;
        }
        // The longest public suffix of the host (a single label is one, by the list's implicit
        // `*` rule), then one label more.
        let mut labels: Vec<usize> = vec![0];
        labels.extend(host.match_indices('.').map(|(i, _)| i + 1));
        let suffix = labels
            .iter()
            .position(|&start| cors_rules::public_suffix::is_public_suffix(&host[start..]))
            .unwrap_or(labels.len() - 1);
        let start = *labels.get(suffix.checked_sub(1)?)?;
        Some(&host[start..])
    }

    /// Whether `self` and `other` are the same site: the same scheme, and the same registrable
    /// domain, or the same host when there is none.
    #[must_use]
    pub fn is_same_site(&self, other: &Self) -> bool {
        self.scheme == other.scheme
            && match (self.registrable_domain(), other.registrable_domain()) {
                (Some(a), Some(b)) => a == b,
                _ => self.host == other.host,
            }
    }

    /// The `Sec-Fetch-Site` a request from a page at `self` to `target` carries.
    #[must_use]
    pub fn site_of(&self, target: &Self) -> &'static str {
        if self == target {
            "same-origin"
        } else if self.is_same_site(target) {
            "same-site"
        } else {
            "cross-site"
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.scheme, self.host)?;
        if let Some(port) = self.port {
            write!(f, ":{port}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(text: &str) -> Origin {
        Origin::parse(text).unwrap()
    }

    #[test]
    fn urls_and_their_origins() {
        let url = Url::parse("HTTPS://API.Example.com:443/items?x=1").unwrap();
        assert_eq!(url.to_string(), "https://api.example.com/items?x=1");
        assert_eq!(url.origin().to_string(), "https://api.example.com");
        assert_eq!(
            Url::parse("http://127.0.0.1:3000").unwrap().path_and_query,
            "/"
        );
        for bad in [
            "ftp://example.com/",
            "/items",
            "https://user@example.com/",
            "https://example.com/#top",
            "not a url",
        ] {
            assert!(Url::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn origins_are_written_as_browsers_send_them() {
        assert_eq!(
            origin("http://localhost:3000").to_string(),
            "http://localhost:3000"
        );
        for bad in [
            "https://example.com/",
            "https://example.com:443",
            "HTTPS://example.com",
            "https://example.com/app",
            "ws://example.com",
        ] {
            assert!(Origin::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sites_by_the_public_suffix_list() {
        let app = origin("https://app.example.com");
        assert_eq!(app.site_of(&app), "same-origin");
        assert_eq!(app.site_of(&origin("https://api.example.com")), "same-site");
        assert_eq!(app.site_of(&origin("http://api.example.com")), "cross-site");
        // github.io is a public suffix: two pages on it are two sites.
        assert_eq!(
            origin("https://a.github.io").site_of(&origin("https://b.github.io")),
            "cross-site"
        );
        assert_eq!(
            origin("https://a.example.co.uk").site_of(&origin("https://b.example.co.uk")),
            "same-site"
        );
        // The browser suite's pages: `localhost` is a public suffix of its own, so
        // `app.localhost` is another site; two ports of one IP address are the same site.
        assert_eq!(
            origin("http://app.localhost:1").site_of(&origin("http://localhost:1")),
            "cross-site"
        );
        assert_eq!(
            origin("http://127.0.0.1:3001").site_of(&origin("http://127.0.0.1:3000")),
            "same-site"
        );
        assert_eq!(
            origin("http://localhost:1").site_of(&origin("http://127.0.0.1:1")),
            "cross-site"
        );
    }

    #[test]
    fn trustworthy_urls_get_fetch_metadata() {
        for yes in [
            "https://example.com",
            "http://localhost:1",
            "http://a.localhost",
            "http://127.0.0.2",
        ] {
            assert!(origin(yes).is_potentially_trustworthy(), "{yes}");
        }
        assert!(!origin("http://example.com").is_potentially_trustworthy());
    }
}

//! A framework's header map, as the CORS rules read and write it: the one abstraction every
//! adapter implements, so that the rules are written once and a framework's own types are read as
//! they are, nothing converted.
//!
//! A request is read as bytes, one header's lines at a time. An answer writes either one of the
//! policy's values ([`PolicyValue`], which holds every framework's type) or the request's own value,
//! echoed by cloning it: a handle to the request's buffer, never a copy.

use http::HeaderValue;
use http::header::{GetAll, HeaderMap, HeaderName};

use crate::value::PolicyValue;

/// The headers the rules read or write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Name {
    Origin,
    RequestMethod,
    RequestHeaders,
    /// `Access-Control-Request-Private-Network`, sent by Chromium on a Private Network Access
    /// preflight.
    RequestPrivateNetwork,
    /// `Sec-Fetch-Site`, where a browser says whose page sent the request.
    SecFetchSite,
    /// `Host`, the request's authority when its URI has none.
    Host,
    Vary,
    AllowOrigin,
    AllowCredentials,
    AllowMethods,
    AllowHeaders,
    MaxAge,
    ExposeHeaders,
    /// The answer to [`Name::RequestPrivateNetwork`].
    AllowPrivateNetwork,
}

impl Name {
    pub(crate) const REQUEST_PRIVATE_NETWORK: &str = "access-control-request-private-network";
    pub(crate) const ALLOW_PRIVATE_NETWORK: &str = "access-control-allow-private-network";
    pub(crate) const SEC_FETCH_SITE: &str = "sec-fetch-site";

    /// The response headers a policy owns on an actual request: written when the policy says so,
    /// removed otherwise, so a handler cannot widen the policy by accident.
    pub(crate) const ACTUAL_RESPONSE: [Self; 3] = [
        Self::AllowOrigin,
        Self::AllowCredentials,
        Self::ExposeHeaders,
    ];

    /// The response headers a policy owns on a preflight.
    pub(crate) const PREFLIGHT_RESPONSE: [Self; 7] = [
        Self::AllowOrigin,
        Self::AllowCredentials,
        Self::AllowMethods,
        Self::AllowHeaders,
        Self::MaxAge,
        Self::ExposeHeaders,
        Self::AllowPrivateNetwork,
    ];
}

/// A framework's header map: a request's, read, or a response's, written.
pub(crate) trait HeaderLines {
    /// The framework's header value. The rules read its bytes; an answer that echoes the
    /// request clones it.
    type Value: Clone;
    /// One header's lines in a request, kept by a preflight whose answer echoes them.
    type Lines<'r>
    where
        Self: 'r;

    fn bytes(value: &Self::Value) -> &[u8];
    /// The policy's value, in this framework's type.
    fn policy_value(value: &PolicyValue) -> &Self::Value;

    fn lines(&self, name: Name) -> Self::Lines<'_>;
    fn values<'r>(lines: &Self::Lines<'r>) -> impl Iterator<Item = &'r Self::Value>
    where
        Self: 'r;

    /// The single line of a header, or `Err` when there are several: [`single`] of its lines.
    #[inline]
    fn single_line(&self, name: Name) -> Result<Option<&Self::Value>, ()>
    where
        Self: Sized,
    {
        single::<Self>(&self.lines(name))
    }

    /// Whether the request asks for private-network access (`…-Private-Network: true`).
    fn requests_private_network(&self) -> bool {
        Self::values(&self.lines(Name::RequestPrivateNetwork))
            .any(|value| Self::bytes(value) == b"true")
    }

    fn is_empty(&self) -> bool;
    /// The first line of a header, to change it in place.
    fn first_mut(&mut self, name: Name) -> Option<&mut Self::Value>;
    /// Marks a value as one a middleware of this crate wrote, for one stacked around it to see:
    /// the value's "sensitive" flag, which HTTP/1.1 does not send and HTTP/2 only keeps out of
    /// its header compression table.
    fn mark(value: &mut Self::Value);
    fn is_marked(value: &Self::Value) -> bool;
    fn insert(&mut self, name: Name, value: Self::Value);
    fn append(&mut self, name: Name, value: Self::Value);
    fn remove(&mut self, name: Name);
}

/// The single line of a header, or `Err` when there are several.
pub(crate) fn single<'r, H: HeaderLines + 'r>(
    lines: &H::Lines<'r>,
) -> Result<Option<&'r H::Value>, ()> {
    let mut values = H::values(lines);
    // Most headers come once, which both maps' iterators know without a second step.
    if values.size_hint() == (1, Some(1)) {
        return Ok(values.next());
    }
    let first = values.next();
    if values.next().is_some() {
        return Err(());
    }
    Ok(first)
}

/// A `&'static` reference to a header name, to read with: a `static` of its own, since a name
/// held in `Bytes` (a custom one) is not promoted to a constant reference, and a custom name
/// built per lookup is also dropped per lookup.
macro_rules! static_name {
    ($type:ty, $value:expr) => {{
        static NAME: $type = $value;
        &NAME
    }};
}
#[cfg(feature = "actix")]
pub(crate) use static_name;

/// A header name by value, to write with: a map's `insert` and `append` keep the key they are
/// given, and a constant costs less to hand over than a clone of a `static`. A `const`, so that
/// a custom name's `from_static` (which checks every byte) runs at compile time.
macro_rules! owned_name {
    ($type:ty, $value:expr) => {{
        const NAME: $type = $value;
        NAME
    }};
}
#[cfg(feature = "actix")]
pub(crate) use owned_name;

/// The `HeaderName` of a [`Name`], from a `header` module: `http` 1's or actix-web's (`http`
/// 0.2), whose constants have the same names. One table for both, each name handed to `$as`:
/// [`static_name`] to read, [`owned_name`] to write.
macro_rules! header_name {
    ($header:path, $name:expr, $as:ident) => {{
        use $header as header;
        type Of = header::HeaderName;
        match $name {
            Name::Origin => $as!(Of, header::ORIGIN),
            Name::RequestMethod => $as!(Of, header::ACCESS_CONTROL_REQUEST_METHOD),
            Name::RequestHeaders => $as!(Of, header::ACCESS_CONTROL_REQUEST_HEADERS),
            Name::RequestPrivateNetwork => $as!(Of, Of::from_static(Name::REQUEST_PRIVATE_NETWORK)),
            Name::SecFetchSite => $as!(Of, Of::from_static(Name::SEC_FETCH_SITE)),
            Name::Host => $as!(Of, header::HOST),
            Name::Vary => $as!(Of, header::VARY),
            Name::AllowOrigin => $as!(Of, header::ACCESS_CONTROL_ALLOW_ORIGIN),
            Name::AllowCredentials => $as!(Of, header::ACCESS_CONTROL_ALLOW_CREDENTIALS),
            Name::AllowMethods => $as!(Of, header::ACCESS_CONTROL_ALLOW_METHODS),
            Name::AllowHeaders => $as!(Of, header::ACCESS_CONTROL_ALLOW_HEADERS),
            Name::MaxAge => $as!(Of, header::ACCESS_CONTROL_MAX_AGE),
            Name::ExposeHeaders => $as!(Of, header::ACCESS_CONTROL_EXPOSE_HEADERS),
            Name::AllowPrivateNetwork => $as!(Of, Of::from_static(Name::ALLOW_PRIVATE_NETWORK)),
        }
    }};
}
#[cfg(feature = "actix")]
pub(crate) use header_name;

/// The methods of [`HeaderLines`] that both maps (`http` 1's and actix-web's, whose `HeaderMap`
/// and `HeaderValue` have the same API) write the same way, given the functions that name a
/// [`Name`] in the map's own `HeaderName`: by reference to read, by value to write.
macro_rules! map_writes {
    ($name:ident, $key:ident) => {
        #[inline]
        fn is_empty(&self) -> bool {
            HeaderMap::is_empty(self)
        }

        #[inline]
        fn first_mut(&mut self, name: Name) -> Option<&mut HeaderValue> {
            self.get_mut($name(name))
        }

        #[inline]
        fn mark(value: &mut HeaderValue) {
            value.set_sensitive(true);
        }

        #[inline]
        fn is_marked(value: &HeaderValue) -> bool {
            value.is_sensitive()
        }

        #[inline]
        fn insert(&mut self, name: Name, value: HeaderValue) {
            HeaderMap::insert(self, $key(name), value);
        }

        #[inline]
        fn append(&mut self, name: Name, value: HeaderValue) {
            HeaderMap::append(self, $key(name), value);
        }

        #[inline]
        fn remove(&mut self, name: Name) {
            HeaderMap::remove(self, $name(name));
        }
    };
}
#[cfg(feature = "actix")]
pub(crate) use map_writes;

/// `http` 1.x, which axum, hyper, tonic and tower speak.
impl HeaderLines for HeaderMap {
    type Value = HeaderValue;
    type Lines<'r> = GetAll<'r, HeaderValue>;

    #[inline]
    fn bytes(value: &HeaderValue) -> &[u8] {
        value.as_bytes()
    }

    #[inline]
    fn policy_value(value: &PolicyValue) -> &HeaderValue {
        value.http()
    }

    #[inline]
    fn lines(&self, name: Name) -> GetAll<'_, HeaderValue> {
        self.get_all(http_name(name))
    }

    #[inline]
    fn values<'r>(lines: &GetAll<'r, HeaderValue>) -> impl Iterator<Item = &'r HeaderValue>
    where
        Self: 'r,
    {
        lines.iter()
    }

    #[inline]
    fn single_line(&self, name: Name) -> Result<Option<&HeaderValue>, ()> {
        // `len` counts lines and `keys_len` names: when they are equal no header has several
        // lines, and `get` says all there is, without walking the lines of the one asked for.
        if self.len() == self.keys_len() {
            return Ok(self.get(http_name(name)));
        }
        single::<Self>(&self.lines(name))
    }

    fn requests_private_network(&self) -> bool {
        // Not `get(…)` at once: that hashes the 38-byte name on every preflight, while
        // comparing the request's few names (most of them interned constants) is cheaper.
        let private_network = http_name(Name::RequestPrivateNetwork);
        self.keys().any(|name| name == private_network)
            && self
                .get(private_network)
                .is_some_and(|value| value == "true")
    }

    map_writes!(http_name, http_key);
}

#[inline(always)]
fn http_name(name: Name) -> &'static HeaderName {
    header_name!(http::header, name, static_name)
}

#[inline(always)]
fn http_key(name: Name) -> HeaderName {
    header_name!(http::header, name, owned_name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::header;

    /// `single_line`'s shortcut (one `get` when no name has several lines) answers as the walk
    /// of the lines does, whichever header comes twice.
    #[test]
    fn single_line_agrees_with_the_walk_of_the_lines() {
        let value = HeaderValue::from_static;
        let maps: [&[(HeaderName, HeaderValue)]; 4] = [
            &[],
            &[(header::ORIGIN, value("https://a.example"))],
            &[
                (header::ORIGIN, value("https://a.example")),
                (header::COOKIE, value("a=1")),
                (header::COOKIE, value("b=2")),
            ],
            &[
                (header::ORIGIN, value("https://a.example")),
                (header::ORIGIN, value("https://b.example")),
            ],
        ];
        let mut shortcuts = 0;
        for lines in maps {
            let mut map = HeaderMap::new();
            for (name, value) in lines {
                map.append(name.clone(), value.clone());
            }
            shortcuts += usize::from(map.len() == map.keys_len());
            for name in [Name::Origin, Name::Host] {
                assert_eq!(
                    map.single_line(name),
                    single::<HeaderMap>(&map.lines(name)),
                    "{lines:?}"
                );
            }
        }
        assert_eq!(shortcuts, 2, "two maps take the shortcut, two the walk");
    }
}

//! A header value the policy answers with, held in the value type of every framework it serves,
//! so that answering copies a handle instead of checking or converting bytes.

use http::HeaderValue;

/// One value of the policy (an origin, a method, `max_age`, the exposed names, `*`): as an
/// `http` 1 `HeaderValue`, and with feature `actix` also as actix-web's (`http` 0.2), both made
/// once, when the policy is.
#[doc(hidden)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyValue {
    http: HeaderValue,
    #[cfg(feature = "actix")]
    actix: actix_web::http::header::HeaderValue,
}

impl PolicyValue {
    /// The value of a visible-ASCII literal, which the macro checked.
    #[must_use]
    pub const fn from_static(value: &'static str) -> Self {
        Self {
            http: HeaderValue::from_static(value),
            #[cfg(feature = "actix")]
            actix: actix_web::http::header::HeaderValue::from_static(value),
        }
    }

    /// The value of an origin checked at startup, or `None` if it is not a valid header value.
    #[cfg(feature = "config")]
    pub(crate) fn from_str(value: &str) -> Option<Self> {
        Some(Self {
            http: shared(HeaderValue::from_str(value).ok()?),
            #[cfg(feature = "actix")]
            actix: shared(actix_web::http::header::HeaderValue::from_str(value).ok()?),
        })
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.http.as_bytes()
    }

    pub(crate) fn http(&self) -> &HeaderValue {
        &self.http
    }

    #[cfg(feature = "actix")]
    pub(crate) fn actix(&self) -> &actix_web::http::header::HeaderValue {
        &self.actix
    }
}

impl AsRef<[u8]> for PolicyValue {
    #[inline]
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

/// The first clone of a value built from a string moves its bytes to shared storage; doing it
/// once, when the policy is built, keeps every clone per request free of allocation.
#[cfg(feature = "config")]
fn shared<V: Clone>(value: V) -> V {
    drop(value.clone());
    value
}

//! What a page asks for: a `fetch()` with its method, headers, body, credentials and mode, or an
//! HTML form submission.

/// `fetch()`'s `credentials` option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credentials {
    /// `omit`: never cookies.
    Omit,
    /// `same-origin`, the default: cookies only to the page's own origin.
    SameOrigin,
    /// `include`: cookies everywhere, and the CORS check asks the server to allow them.
    Include,
}

/// `fetch()`'s `mode` option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `cors`, the default: a cross-origin response is readable only if the server allows it.
    Cors,
    /// `no-cors`: only `GET`, `HEAD` and `POST` with safelisted headers; the response is opaque.
    NoCors,
    /// `same-origin`: a cross-origin request fails before it is sent.
    SameOrigin,
}

/// How the page sends it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `fetch()`.
    Fetch,
    /// An HTML form submitted into the page itself (`Sec-Fetch-Dest: document`) or into a
    /// frame (`iframe`).
    Form { in_frame: bool },
}

/// A request a page makes.
///
/// ```
/// use cors_browser::{Credentials, Request};
///
/// let request = Request::put("https://api.example.com/items/1")
///     .header("content-type", "application/json")
///     .body(r#"{"done":true}"#)
///     .credentials(Credentials::Include);
/// assert_eq!(request.method(), "PUT");
/// ```
#[derive(Clone, Debug)]
pub struct Request {
    pub(crate) method: String,
    pub(crate) url: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Option<String>,
    pub(crate) credentials: Credentials,
    pub(crate) mode: Mode,
    pub(crate) kind: Kind,
}

impl Request {
    /// A `fetch(url, { method })`, as a script writes it: the method is normalized as browsers
    /// do (`put` is sent as `PUT`, `patch` stays `patch`).
    #[must_use]
    pub fn new(method: &str, url: &str) -> Self {
        Self {
            method: method.to_owned(),
            url: url.to_owned(),
            headers: Vec::new(),
            body: None,
            credentials: Credentials::SameOrigin,
            mode: Mode::Cors,
            kind: Kind::Fetch,
        }
    }

    /// `fetch(url)`.
    #[must_use]
    pub fn get(url: &str) -> Self {
        Self::new("GET", url)
    }

    /// `fetch(url, { method: "POST" })`.
    #[must_use]
    pub fn post(url: &str) -> Self {
        Self::new("POST", url)
    }

    /// `fetch(url, { method: "PUT" })`.
    #[must_use]
    pub fn put(url: &str) -> Self {
        Self::new("PUT", url)
    }

    /// `fetch(url, { method: "DELETE" })`.
    #[must_use]
    pub fn delete(url: &str) -> Self {
        Self::new("DELETE", url)
    }

    /// An HTML `<form method="post" action="url">` submitted with
    /// `application/x-www-form-urlencoded`, with cookies: what any site can make a visitor's
    /// browser send. Add fields with [`field`](Self::field).
    #[must_use]
    pub fn form_post(url: &str) -> Self {
        Self {
            credentials: Credentials::Include,
            kind: Kind::Form { in_frame: false },
            body: Some(String::new()),
            ..Self::new("POST", url)
        }
    }

    /// For a form: submitted into a (hidden) frame rather than the page itself.
    #[must_use]
    pub fn in_frame(mut self) -> Self {
        if let Kind::Form { in_frame } = &mut self.kind {
            *in_frame = true;
        }
        self
    }

    /// For a form: one more field, urlencoded.
    #[must_use]
    pub fn field(mut self, name: &str, value: &str) -> Self {
        let body = self.body.get_or_insert_with(String::new);
        if !body.is_empty() {
            body.push('&');
        }
        body.push_str(&urlencode(name));
        body.push('=');
        body.push_str(&urlencode(value));
        self
    }

    /// A request header, appended as `Headers.append` does.
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// A text body. Without a `content-type` header, browsers send `text/plain;charset=UTF-8`
    /// with it.
    #[must_use]
    pub fn body(mut self, body: impl Into<String>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// `credentials`.
    #[must_use]
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = credentials;
        self
    }

    /// `credentials: "include"`.
    #[must_use]
    pub fn with_credentials(self) -> Self {
        self.credentials(Credentials::Include)
    }

    /// `mode`.
    #[must_use]
    pub fn mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }

    /// The method as written.
    #[must_use]
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The URL as written.
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }
}

/// `application/x-www-form-urlencoded` encoding of one name or value.
fn urlencode(text: &str) -> String {
    let mut encoded = String::new();
    for byte in text.bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                encoded.push(char::from(byte));
            }
            b' ' => encoded.push('+'),
            _ => {
                let hex = b"0123456789ABCDEF";
                encoded.push('%');
                encoded.push(char::from(hex[usize::from(byte >> 4)]));
                encoded.push(char::from(hex[usize::from(byte & 0xf)]));
            }
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_urlencoded_with_credentials() {
        let form = Request::form_post("https://api.example.com/transfer")
            .field("to", "mallory & co")
            .field("amount", "1000");
        assert_eq!(form.body.as_deref(), Some("to=mallory+%26+co&amount=1000"));
        assert_eq!(form.credentials, Credentials::Include);
        assert_eq!(form.kind, Kind::Form { in_frame: false });
        assert_eq!(form.in_frame().kind, Kind::Form { in_frame: true });
    }
}

//! The compiled policy: what the macro (or `with_origins`) laid out, and what it allows.

use std::fmt;

use http::StatusCode;

use crate::origin::{OriginMatch, OriginSet, Stored, Table};
use crate::value::Value;
use cors_rules::syntax::is_safelisted_method;

/// A CORS policy, built by [`cors_policy!`](crate::cors_policy) and checked at compile time.
///
/// A compiled policy holds only `'static` data (the origin tables and header values the macro
/// laid out), so it lives in a `static` and is shared by every request without locking. With
/// feature `config`, [`CorsPolicy::with_origins`] makes one whose origins come from
/// configuration, checked by the same rules when the service starts.
///
/// ```
/// use cors_runtime::{cors_policy, CorsPolicy};
///
/// static API: CorsPolicy = cors_policy! { allow_origins: ["https://app.example.com"] };
/// assert!(API.allows_origin(b"https://app.example.com"));
/// assert_eq!(API.origin_patterns(), ["https://app.example.com"]);
/// ```
pub struct CorsPolicy {
    parts: PolicyParts,
}

/// What the generated code fills in. Every value was validated and normalized by the macro (or,
/// for origins from configuration, by the same rules at startup).
#[doc(hidden)]
#[allow(
    missing_debug_implementations,
    missing_docs,
    clippy::struct_excessive_bools,
    reason = "one field per key of the macro"
)]
pub struct PolicyParts {
    pub origins: AllowOrigins,
    pub origin_patterns: Stored<[Stored<str>]>,
    pub methods: AllowMethods,
    pub headers: AllowHeaders,
    pub expose_headers: Option<Value>,
    pub credentials: bool,
    pub max_age: Option<Value>,
    pub private_network: bool,
    pub preflight_status: StatusCode,
    /// `dangerously_allow_insecure_origins: true`, which origins from configuration may need.
    pub insecure_origins: bool,
    /// `dangerously_allow_public_suffix_subdomains: true`, likewise.
    pub public_suffix_subdomains: bool,
}

#[doc(hidden)]
#[allow(missing_debug_implementations, missing_docs)]
pub enum AllowOrigins {
    /// `allow_origins: *`.
    Any,
    /// The lookup tables, laid out by the macro or at startup.
    Matching(Stored<OriginSet>),
}

#[doc(hidden)]
#[allow(missing_debug_implementations, missing_docs)]
#[derive(Clone, Copy)]
pub enum AllowMethods {
    Any,
    /// Listed methods beyond GET, HEAD and POST, normalized, compared byte for byte.
    List(&'static [Value]),
}

#[doc(hidden)]
#[allow(missing_debug_implementations, missing_docs)]
#[derive(Clone, Copy)]
pub enum AllowHeaders {
    /// `*`; `authorization` tells whether `authorization` was listed beside it.
    Any { authorization: bool },
    /// Lowercase names; `longest` is the length of the longest, which bounds parsing.
    List {
        names: &'static [&'static str],
        longest: usize,
    },
}

impl CorsPolicy {
    #[doc(hidden)]
    #[must_use]
    pub const fn from_parts(parts: PolicyParts) -> Self {
        Self { parts }
    }

    pub(crate) fn parts(&self) -> &PolicyParts {
        &self.parts
    }

    /// The matching tables, or `None` for `allow_origins: *`.
    pub(crate) fn origin_set(&self) -> Option<&OriginSet> {
        match &self.parts.origins {
            AllowOrigins::Any => None,
            AllowOrigins::Matching(set) => Some(set),
        }
    }

    /// Whether an `Origin` value is allowed, compared byte for byte.
    ///
    /// Use it where CORS does not apply but the origin still matters, such as a WebSocket
    /// handshake.
    ///
    /// ```
    /// use cors_runtime::{cors_policy, CorsPolicy};
    ///
    /// static API: CorsPolicy = cors_policy! { allow_origins: ["https://*.example.com"] };
    /// assert!(API.allows_origin(b"https://chat.example.com"));
    /// assert!(!API.allows_origin(b"https://example.com"));
    /// assert!(!API.allows_origin(b"https://CHAT.example.com"));
    /// ```
    #[must_use]
    pub fn allows_origin(&self, origin: &[u8]) -> bool {
        self.origin_set()
            .is_none_or(|set| set.find(origin) != OriginMatch::None)
    }

    /// The origin patterns of the policy, normalized and sorted; empty for `allow_origins: *`.
    /// It collects them into a `Vec`, for logs and diagnostics.
    ///
    /// ```
    /// use cors_runtime::{cors_policy, CorsPolicy};
    ///
    /// static ANY: CorsPolicy = cors_policy! { allow_origins: * };
    /// assert!(ANY.origin_patterns().is_empty());
    /// ```
    #[must_use]
    pub fn origin_patterns(&self) -> Vec<&str> {
        self.parts.origin_patterns.iter().map(|p| &**p).collect()
    }

    /// Whether the policy allows credentials (`allow_credentials: true`).
    ///
    /// ```
    /// use cors_runtime::{cors_policy, CorsPolicy};
    ///
    /// static API: CorsPolicy = cors_policy! { allow_origins: ["https://a.example"], allow_credentials: true };
    /// assert!(API.allows_credentials());
    /// ```
    #[must_use]
    pub fn allows_credentials(&self) -> bool {
        self.parts.credentials
    }
}

/// Shows the policy as `cors_policy!` reads it: `*` or the lists, values as text, the
/// safelisted methods among the allowed ones, and the defaults filled in.
impl fmt::Debug for CorsPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        /// `*`, unquoted, beside quoted names.
        const ANY: fmt::Arguments<'static> = format_args!("*");
        fn text(value: &Value) -> &str {
            // Every value was validated as visible ASCII when the policy was built.
            std::str::from_utf8(value.as_bytes()).unwrap_or("<not text>")
        }
        let p = &self.parts;
        let mut s = f.debug_struct("CorsPolicy");
        match p.origins {
            AllowOrigins::Any => s.field("allow_origins", &ANY),
            AllowOrigins::Matching(_) => s.field("allow_origins", &self.origin_patterns()),
        };
        match p.methods {
            AllowMethods::Any => s.field("allow_methods", &ANY),
            AllowMethods::List(listed) => {
                let safelisted = ["GET", "HEAD", "POST"].into_iter();
                let listed = listed
                    .iter()
                    .map(text)
                    .filter(|m| !is_safelisted_method(m.as_bytes()));
                s.field(
                    "allow_methods",
                    &fmt::from_fn(|f| {
                        f.debug_list()
                            .entries(safelisted.clone().chain(listed.clone()))
                            .finish()
                    }),
                )
            }
        };
        match p.headers {
            AllowHeaders::Any {
                authorization: false,
            } => s.field("allow_headers", &ANY),
            AllowHeaders::Any {
                authorization: true,
            } => s.field(
                "allow_headers",
                &fmt::from_fn(|f| f.debug_list().entry(&ANY).entry(&"authorization").finish()),
            ),
            AllowHeaders::List { names, .. } => s.field("allow_headers", &names),
        };
        let exposed = p.expose_headers.as_ref().map(text).unwrap_or_default();
        match exposed {
            "*" => s.field("expose_headers", &ANY),
            _ => s.field(
                "expose_headers",
                &fmt::from_fn(|f| {
                    f.debug_list()
                        .entries(exposed.split(',').map(str::trim).filter(|n| !n.is_empty()))
                        .finish()
                }),
            ),
        };
        s.field("allow_credentials", &p.credentials)
            .field(
                "max_age",
                &p.max_age
                    .as_ref()
                    .map(|age| fmt::from_fn(move |f| f.write_str(text(age)))),
            )
            .field("allow_private_network", &p.private_network)
            .field("preflight_success_status", &p.preflight_status.as_u16())
            .finish()
    }
}

/// The methods of [`FALLBACK`]: none beyond the safelisted ones.
static NO_METHODS: [Value; 0] = [];

/// The origins of [`FALLBACK`]: none.
static NO_ORIGIN: OriginSet = OriginSet {
    longest: 0,
    exact: Table::empty(),
    any_port: Table::empty(),
    subdomains: Table::empty(),
    subdomain_lengths: [0; 8],
};

/// What `cors_policy!` expands to after its compile errors, so that they are the only errors:
/// a policy that allows nothing.
#[doc(hidden)]
pub const FALLBACK: CorsPolicy = CorsPolicy::from_parts(PolicyParts {
    origins: AllowOrigins::Matching(Stored::Static(&NO_ORIGIN)),
    origin_patterns: Stored::Static(&[]),
    methods: AllowMethods::List(&NO_METHODS),
    headers: AllowHeaders::List {
        names: &[],
        longest: 0,
    },
    expose_headers: None,
    credentials: false,
    max_age: None,
    private_network: false,
    preflight_status: StatusCode::NO_CONTENT,
    insecure_origins: false,
    public_suffix_subdomains: false,
});

#[cfg(test)]
mod tests {
    use crate::{CorsPolicy, cors_policy};

    static LISTS: CorsPolicy = cors_policy! {
        allow_origins: ["https://b.example", "https://*.a.example", "http://localhost:*"],
        allow_methods: [PUT, "PURGE", POST],
        allow_headers: ["Content-Type", "x-b"],
        expose_headers: ["x-request-id", "x-a"],
        allow_credentials: true,
        max_age: 600,
    };
    static ANY: CorsPolicy = cors_policy! {
        allow_origins: *,
        allow_methods: *,
        allow_headers: [*, "authorization"],
        expose_headers: *,
        allow_private_network: false,
        preflight_success_status: 200,
    };
    static DEFAULTS: CorsPolicy = cors_policy! { allow_origins: ["https://a.example"] };

    #[test]
    fn debug_reads_like_the_policy_block() {
        assert_eq!(
            format!("{LISTS:?}"),
            r#"CorsPolicy { allow_origins: ["http://localhost:*", "https://*.a.example", "https://b.example"], allow_methods: ["GET", "HEAD", "POST", "PURGE", "PUT"], allow_headers: ["content-type", "x-b"], expose_headers: ["x-a", "x-request-id"], allow_credentials: true, max_age: Some(600), allow_private_network: false, preflight_success_status: 204 }"#
        );
        assert_eq!(
            format!("{ANY:?}"),
            r#"CorsPolicy { allow_origins: *, allow_methods: *, allow_headers: [*, "authorization"], expose_headers: *, allow_credentials: false, max_age: None, allow_private_network: false, preflight_success_status: 200 }"#
        );
        assert_eq!(
            format!("{DEFAULTS:?}"),
            r#"CorsPolicy { allow_origins: ["https://a.example"], allow_methods: ["GET", "HEAD", "POST"], allow_headers: [], expose_headers: [], allow_credentials: false, max_age: None, allow_private_network: false, preflight_success_status: 204 }"#
        );
    }
}

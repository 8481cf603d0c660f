//! The compiled policy: what the macro (or `with_origins`) laid out, and what it allows.

use std::fmt;

use cors_rules::AnyOr;
use cors_rules::fetch::is_safelisted_method;
use cors_rules::hash::Stored;
use cors_rules::origin_table::{OriginMatch, OriginTables};
use http::StatusCode;

use crate::value::PolicyValue;

/// A CORS policy, built by [`cors_policy!`](crate::cors_policy) and checked at compile time.
///
/// A policy is its origins (who may read) and its answers (what every other key says). A
/// compiled policy holds only `'static` data (the origin tables and header values the macro
/// laid out), so it lives in a `static` and is shared by every request without locking. With
/// feature `config`, [`CorsPolicy::with_origins`] makes one with the same answers and origins
/// from configuration, checked by the same rules when the service starts.
///
/// ```
/// use cors_runtime::{cors_policy, CorsPolicy};
///
/// static API: CorsPolicy = cors_policy! { allow_origins: ["https://app.example.com"] };
/// assert!(API.allows_origin(b"https://app.example.com"));
/// assert_eq!(API.origin_patterns(), ["https://app.example.com"]);
/// ```
///
/// Cloning is cheap: static data is borrowed, and data built at startup shared by reference
/// count. So "the origins from this variable, else the compiled default" is one line:
///
/// ```
/// use cors_runtime::{cors_policy, CorsPolicy};
///
/// static API: CorsPolicy = cors_policy! { allow_origins: ["https://app.example.com"] };
///
/// # #[cfg(feature = "config")] {
/// let policy = std::env::var("CORS_ORIGINS").map_or_else(|_| Ok(API.clone()), |o| API.with_origins(o.split(',')))?;
/// # assert!(policy.allows_origin(b"https://app.example.com"));
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct CorsPolicy {
    origins: AllowOrigins,
    answers: Answers,
}

/// The origin tables, as the runtime holds them: exact origins are the header values they are
/// answered with.
#[doc(hidden)]
pub type OriginSet = OriginTables<PolicyValue>;

/// `allow_origins`: `*`, or the lookup tables, laid out by the macro or at startup.
#[doc(hidden)]
pub type AllowOrigins = AnyOr<Stored<OriginSet>>;

/// What every key but `allow_origins` answers, one field per key, named as the key is written.
/// The macro fills in the keys a policy writes and leaves the rest to [`Answers::DEFAULT`]; every
/// value was validated and normalized by the macro.
#[doc(hidden)]
#[derive(Clone)]
#[allow(
    missing_debug_implementations,
    missing_docs,
    clippy::struct_excessive_bools,
    reason = "one field per key of the macro, documented there"
)]
pub struct Answers {
    pub allow_methods: AllowMethods,
    pub allow_headers: AllowHeaders,
    pub expose_headers: Option<PolicyValue>,
    pub allow_credentials: bool,
    pub max_age: Option<PolicyValue>,
    pub allow_private_network: bool,
    pub preflight_success_status: StatusCode,
    pub refuse_cross_origin_writes: bool,
    /// Kept for origins from configuration, which may need it.
    pub dangerously_allow_insecure_origins: bool,
    /// Likewise.
    pub dangerously_allow_public_suffix_subdomains: bool,
}

/// The methods of [`Answers::DEFAULT`]: none beyond the safelisted ones.
static NO_METHODS: [PolicyValue; 0] = [];

impl Answers {
    /// What a key that is not written answers.
    pub const DEFAULT: Self = Self {
        allow_methods: AllowMethods::List(&NO_METHODS),
        allow_headers: AllowHeaders::List {
            names: &[],
            longest: 0,
        },
        expose_headers: None,
        allow_credentials: false,
        max_age: None,
        allow_private_network: false,
        preflight_success_status: StatusCode::NO_CONTENT,
        refuse_cross_origin_writes: false,
        dangerously_allow_insecure_origins: false,
        dangerously_allow_public_suffix_subdomains: false,
    };
}

#[doc(hidden)]
#[allow(missing_debug_implementations, missing_docs)]
#[derive(Clone, Copy)]
pub enum AllowMethods {
    Any,
    /// Listed methods beyond GET, HEAD and POST, normalized, compared byte for byte.
    List(&'static [PolicyValue]),
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
    pub const fn from_parts(origins: AllowOrigins, answers: Answers) -> Self {
        Self { origins, answers }
    }

    /// What every key but `allow_origins` answers.
    pub(crate) fn answers(&self) -> &Answers {
        &self.answers
    }

    /// The matching tables, or `None` for `allow_origins: *`.
    pub(crate) fn origin_set(&self) -> Option<&OriginSet> {
        match &self.origins {
            AnyOr::Any => None,
            AnyOr::List(set) => Some(set),
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
            .is_none_or(|set| !matches!(set.find(origin), OriginMatch::None))
    }

    /// The origin patterns of the policy, normalized and sorted; empty for `allow_origins: *`.
    /// It writes them out from the lookup tables, for logs and diagnostics.
    ///
    /// ```
    /// use cors_runtime::{cors_policy, CorsPolicy};
    ///
    /// static ANY: CorsPolicy = cors_policy! { allow_origins: * };
    /// assert!(ANY.origin_patterns().is_empty());
    /// ```
    #[must_use]
    pub fn origin_patterns(&self) -> Vec<String> {
        self.origin_set()
            .map(OriginTables::patterns)
            .unwrap_or_default()
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
        self.answers.allow_credentials
    }
}

/// Shows the policy as `cors_policy!` reads it: `*` or the lists, values as text, the
/// safelisted methods among the allowed ones, and the defaults filled in.
impl fmt::Debug for CorsPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        /// `*`, unquoted, beside quoted names.
        const ANY: fmt::Arguments<'static> = format_args!("*");
        fn text(value: &PolicyValue) -> &str {
            // Every value was validated as visible ASCII when the policy was built.
            std::str::from_utf8(value.as_bytes()).unwrap_or("<not text>")
        }
        let p = &self.answers;
        let mut s = f.debug_struct("CorsPolicy");
        match self.origins {
            AnyOr::Any => s.field("allow_origins", &ANY),
            AnyOr::List(_) => s.field("allow_origins", &self.origin_patterns()),
        };
        match p.allow_methods {
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
        match p.allow_headers {
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
        s.field("allow_credentials", &p.allow_credentials)
            .field(
                "max_age",
                &p.max_age
                    .as_ref()
                    .map(|age| fmt::from_fn(move |f| f.write_str(text(age)))),
            )
            .field("allow_private_network", &p.allow_private_network)
            .field(
                "preflight_success_status",
                &p.preflight_success_status.as_u16(),
            )
            .field("refuse_cross_origin_writes", &p.refuse_cross_origin_writes)
            .finish()
    }
}

/// The origins of [`FALLBACK`]: none.
static NO_ORIGIN: OriginSet = OriginTables::empty();

/// What `cors_policy!` expands to after its compile errors, so that they are the only errors:
/// a policy that allows nothing.
#[doc(hidden)]
pub const FALLBACK: CorsPolicy =
    CorsPolicy::from_parts(AnyOr::List(Stored::Static(&NO_ORIGIN)), Answers::DEFAULT);

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
        refuse_cross_origin_writes: true,
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
            r#"CorsPolicy { allow_origins: ["http://localhost:*", "https://*.a.example", "https://b.example"], allow_methods: ["GET", "HEAD", "POST", "PURGE", "PUT"], allow_headers: ["content-type", "x-b"], expose_headers: ["x-a", "x-request-id"], allow_credentials: true, max_age: Some(600), allow_private_network: false, preflight_success_status: 204, refuse_cross_origin_writes: true }"#
        );
        assert_eq!(
            format!("{ANY:?}"),
            r#"CorsPolicy { allow_origins: *, allow_methods: *, allow_headers: [*, "authorization"], expose_headers: *, allow_credentials: false, max_age: None, allow_private_network: false, preflight_success_status: 200, refuse_cross_origin_writes: false }"#
        );
        assert_eq!(
            format!("{DEFAULTS:?}"),
            r#"CorsPolicy { allow_origins: ["https://a.example"], allow_methods: ["GET", "HEAD", "POST"], allow_headers: [], expose_headers: [], allow_credentials: false, max_age: None, allow_private_network: false, preflight_success_status: 204, refuse_cross_origin_writes: false }"#
        );
    }
}

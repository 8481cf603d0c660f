//! Every way a list of origins can be wrong, as values, and the one place they become text.
//!
//! The compiler and `cors-runtime`'s configuration error print these same sentences, so a
//! problem reads the same whether it was found in a literal, in an environment variable at build
//! time, or in a configuration file at startup.
//!

use std::fmt;

use crate::Key;
use crate::limits::MAX_PATTERN_LENGTH;

/// What kind of problem a [`Problem`] is: stable, to match on instead of on message text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProblemKind {
    /// An empty origin.
    Empty,
    /// `null`, which any site can send.
    Null,
    /// Longer than any origin a browser sends.
    TooLong,
    /// Whitespace or a control character.
    Whitespace,
    /// No `scheme://`.
    NoScheme,
    /// A scheme that is not a letter followed by letters, digits, `+`, `-` or `.`.
    InvalidScheme,
    /// `file://`, whose pages send `null`.
    FileScheme,
    /// A scheme in upper case.
    UppercaseScheme,
    /// A path after the host.
    Path,
    /// A `/` after the host.
    TrailingSlash,
    /// A query after the host.
    Query,
    /// A fragment after the host.
    Fragment,
    /// `user@` before the host.
    Userinfo,
    /// An IPv6 address without its `]`.
    UnclosedIpv6,
    /// Something other than a port after an IPv6 address.
    AfterIpv6,
    /// A `:` without a port.
    EmptyPort,
    /// A port that is not digits.
    PortNotANumber,
    /// A port with a leading zero.
    PortLeadingZero,
    /// A port of 0 or above 65535.
    PortOutOfRange,
    /// The scheme's default port, which browsers leave out.
    DefaultPort,
    /// A host that is not ASCII (browsers send punycode).
    NonAsciiHost,
    /// A host that is not ASCII and not a valid international domain name either.
    InvalidInternationalHost,
    /// `*` that is not a whole leftmost label.
    PartialWildcard,
    /// `*.` before an IP address.
    WildcardOnIp,
    /// No host.
    EmptyHost,
    /// A host in upper case.
    UppercaseHost,
    /// An empty label (`a..b`, a leading dot).
    EmptyLabel,
    /// A character a browser never sends in a host.
    HostCharacter,
    /// An IPv4 address not in the dotted-decimal form browsers send.
    NonCanonicalIpv4,
    /// Brackets around something that is not an IPv6 address.
    InvalidIpv6,
    /// An IPv4-mapped IPv6 address.
    Ipv4MappedIpv6,
    /// An IPv6 address not in the compressed lower-case form browsers send.
    NonCanonicalIpv6,
    /// The same origin twice.
    Duplicate,
    /// `*` among origins.
    StarAmongOrigins,
    /// No origin at all.
    EmptyList,
    /// Any origin, with credentials.
    AnyOriginWithCredentials,
    /// Any origin, with private network access.
    AnyOriginWithPrivateNetwork,
    /// Any origin, with cross-origin writes refused: it trusts every origin, so refuses nothing.
    AnyOriginWithWriteRefusal,
    /// An origin that is not secure, with credentials.
    InsecureWithCredentials,
    /// A `*.` pattern on a public suffix, with credentials.
    PublicSuffixWithCredentials,
    /// A `dangerously_…` option that changes nothing in this policy.
    OptInWithoutEffect,
}

/// One problem with a list of origins: its kind, the element it is about, and the fix when
/// there is one. [`Display`](fmt::Display) writes the sentence the compiler writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    kind: ProblemKind,
    element: Option<String>,
    /// The variable part of the sentence, where it has one.
    detail: Option<String>,
    fix: Option<String>,
}

/// Why a `dangerously_…` option changes nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ineffective {
    /// It is set to `false`, the default.
    False,
    /// It relaxes a credentials rule, and credentials are not allowed.
    NoCredentials,
    /// No origin of the policy needs it.
    NotNeeded,
}

impl Problem {
    /// A problem of `kind`, about no element yet.
    pub(crate) fn new(kind: ProblemKind) -> Self {
        Self {
            kind,
            element: None,
            detail: None,
            fix: None,
        }
    }

    pub(crate) fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub(crate) fn with_fix(mut self, fix: Option<String>) -> Self {
        self.fix = fix;
        self
    }

    pub(crate) fn with_element(mut self, element: impl Into<String>) -> Self {
        self.element = Some(element.into());
        self
    }

    pub(crate) fn take_fix(&mut self) -> Option<String> {
        self.fix.take()
    }

    /// A `dangerously_…` option set to `value` that has no effect, for the reason `why`.
    #[must_use]
    pub fn opt_in_without_effect(key: Key, value: bool, why: Ineffective) -> Self {
        let why = match (why, key) {
            (Ineffective::False, _) => "`false` is the default",
            (Ineffective::NoCredentials, _) => {
                "it only relaxes a rule for `allow_credentials: true`"
            }
            (Ineffective::NotNeeded, Key::DangerouslyAllowInsecureOrigins) => {
                "no origin of this policy is insecure"
            }
            (Ineffective::NotNeeded, _) => "no `*.` pattern of this policy is on a public suffix",
        };
        Self::new(ProblemKind::OptInWithoutEffect)
            .with_element(format!("{}: {value}", key.name()))
            .with_detail(why)
    }

    /// What kind of problem this is.
    #[must_use]
    pub fn kind(&self) -> ProblemKind {
        self.kind
    }

    /// The element the problem is about: an origin as it was written, or `key: value` for an
    /// option; `None` when it is about the policy as a whole.
    #[must_use]
    pub fn element(&self) -> Option<&str> {
        self.element.as_deref()
    }

    /// The corrected element, when the intent is clear.
    #[must_use]
    pub fn fix(&self) -> Option<&str> {
        self.fix.as_deref()
    }
}

impl fmt::Display for Problem {
    /// One sentence per kind, in one exhaustive match: a new kind does not compile until it
    /// says something. A problem in a pattern reads "origin `…`" and what is wrong, then the fix.
    #[allow(clippy::too_many_lines, reason = "one arm per kind, each a sentence")]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let element = self.element.as_deref().unwrap_or_default().escape_debug();
        let fix = self.fix.as_deref().unwrap_or_default();
        let detail = self.detail.as_deref().unwrap_or_default();
        let in_pattern = match self.kind {
            ProblemKind::Duplicate => return write!(f, "duplicate origin `{element}`; remove it"),
            ProblemKind::StarAmongOrigins => {
                return f.write_str(
                    "`*` cannot be mixed with origins: write `allow_origins: *` to allow any \
                     origin, or list origins only",
                );
            }
            ProblemKind::EmptyList => {
                return f.write_str(
                    "`allow_origins: []` allows no origin at all; list at least one origin, or \
                     write `allow_origins: *` to allow any",
                );
            }
            ProblemKind::AnyOriginWithCredentials => {
                return f.write_str(
                    "`allow_origins: *` cannot be combined with `allow_credentials: true`: \
                     browsers refuse credentialed responses that any origin may read; list the \
                     origins that may send credentials, as in \
                     `allow_origins: [\"https://app.example.com\"]`, or remove `allow_credentials`",
                );
            }
            ProblemKind::AnyOriginWithPrivateNetwork => {
                return f.write_str(
                    "`allow_private_network: true` cannot be combined with `allow_origins: *`: \
                     it would let every website on the internet reach this private-network \
                     service; list the origins that may reach it",
                );
            }
            ProblemKind::AnyOriginWithWriteRefusal => {
                return f.write_str(
                    "`refuse_cross_origin_writes: true` cannot be combined with \
                     `allow_origins: *`: every origin would be trusted to write, so nothing \
                     would be refused; list the origins that may write, as in \
                     `allow_origins: [\"https://app.example.com\"]`, or remove \
                     `refuse_cross_origin_writes`",
                );
            }
            ProblemKind::InsecureWithCredentials => {
                return write!(
                    f,
                    "origin `{element}` is not secure, and credentials are allowed: anyone on \
                     the network path can impersonate it and read your users' data; use \
                     `{fix}`, or set `{}: true`",
                    Key::DangerouslyAllowInsecureOrigins.name()
                );
            }
            ProblemKind::PublicSuffixWithCredentials => {
                return write!(
                    f,
                    "origin `{element}` lets every site under the public suffix `{detail}` send \
                     credentials, and those sites have unrelated owners; list your own origins, \
                     or set `{}: true`",
                    Key::DangerouslyAllowPublicSuffixSubdomains.name()
                );
            }
            ProblemKind::OptInWithoutEffect => {
                return write!(f, "`{element}` has no effect: {detail}; remove it");
            }
            ProblemKind::Empty => {
                "is empty; write an origin such as `https://app.example.com`".into()
            }
            ProblemKind::Null => "cannot be allowed: sandboxed iframes, `file:` pages and \
                 redirects all send `null`, so any site can make a request with it"
                .into(),
            ProblemKind::TooLong => format!(
                "is {detail} bytes long; no origin a browser sends is longer than {MAX_PATTERN_LENGTH}"
            ),
            ProblemKind::Whitespace => "contains whitespace or a control character".into(),
            ProblemKind::NoScheme => "has no scheme".into(),
            ProblemKind::InvalidScheme => format!(
                "has an invalid scheme `{detail}`; a scheme is a letter followed by letters, \
                 digits, `+`, `-` or `.`"
            ),
            ProblemKind::FileScheme => {
                "cannot be allowed: `file:` pages send the origin `null`, which any site can forge"
                    .into()
            }
            ProblemKind::UppercaseScheme => {
                "has an uppercase scheme, but browsers send it in lowercase".into()
            }
            ProblemKind::Path => "has a path, which `Origin` never has".into(),
            ProblemKind::TrailingSlash => "has a trailing slash, which `Origin` never has".into(),
            ProblemKind::Query => "has a query, which `Origin` never has".into(),
            ProblemKind::Fragment => "has a fragment, which `Origin` never has".into(),
            ProblemKind::Userinfo => "has userinfo (`…@`), which `Origin` never has".into(),
            ProblemKind::UnclosedIpv6 => "has an IPv6 address without its closing `]`".into(),
            ProblemKind::AfterIpv6 => format!("has `{detail}` after its IPv6 address"),
            ProblemKind::EmptyPort => {
                "has an empty port; remove the `:`, or write `:*` for any port".into()
            }
            ProblemKind::PortNotANumber => format!(
                "has a port `{detail}` that is not a number; write digits, or `*` for any port"
            ),
            ProblemKind::PortLeadingZero => {
                format!("has a port `{detail}` with a leading zero, which browsers never send")
            }
            ProblemKind::PortOutOfRange => format!("has port {detail}, outside 1..=65535"),
            ProblemKind::DefaultPort => {
                format!("has the default port of `{detail}`, which browsers leave out")
            }
            ProblemKind::NonAsciiHost => {
                "has a non-ASCII host, but browsers send international names in punycode".into()
            }
            ProblemKind::InvalidInternationalHost => {
                "has a non-ASCII host that is not a valid domain name".into()
            }
            ProblemKind::PartialWildcard => "has a wildcard that is not a whole leftmost label; \
                 write `*.` before a domain, as in `https://*.example.com`"
                .into(),
            ProblemKind::WildcardOnIp => {
                "puts a wildcard on an IP address, which has no subdomains".into()
            }
            ProblemKind::EmptyHost => "has an empty host".into(),
            ProblemKind::UppercaseHost => {
                "has an uppercase host, but browsers send it in lowercase".into()
            }
            ProblemKind::EmptyLabel => {
                "has an empty label (`..` or a leading dot) in its host".into()
            }
            ProblemKind::HostCharacter => {
                format!("has `{detail}` in its host, which a browser never sends there")
            }
            ProblemKind::NonCanonicalIpv4 => "has an IPv4 address that is not in the form \
                 browsers send: four decimal numbers 0-255 without leading zeros or a trailing dot"
                .into(),
            ProblemKind::InvalidIpv6 => format!("has `[{detail}]`, which is not an IPv6 address"),
            ProblemKind::Ipv4MappedIpv6 => {
                "has an IPv4-mapped IPv6 address; allow the IPv4 address itself".into()
            }
            ProblemKind::NonCanonicalIpv6 => format!(
                "has an IPv6 address that is not in the form browsers send (lowercase, zeros \
                 compressed): `[{detail}]`"
            ),
        };
        let in_pattern: String = in_pattern;
        write!(f, "origin `{element}` {in_pattern}")?;
        match (&self.fix, self.kind) {
            (Some(fix), _) => write!(f, "; write `{fix}`"),
            // A host with letters the conversion cannot write without the IDNA tables: the form
            // is described.
            (None, ProblemKind::NonAsciiHost) => {
                f.write_str("; write the host in that form (its `xn--` labels)")
            }
            (None, _) => Ok(()),
        }
    }
}

impl std::error::Error for Problem {}

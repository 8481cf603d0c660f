//! What the audit found: a severity, a stable kind, the `Origin` sent, and the evidence.

use std::fmt;

use cors_browser::Exchange;
use serde_json::{Value, json};

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Severity {
    Info,
    Low,
    Medium,
    High,
}

impl Severity {
    pub(crate) const ALL: [Self; 4] = [Self::Info, Self::Low, Self::Medium, Self::High];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|severity| severity.name() == text)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The kinds of finding, each with its stable name (the JSON's `kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A listed origin may do what it asked for.
    ListedOriginAllowed,
    /// A listed origin may not.
    ListedOriginBlocked,
    /// Any origin at all is allowed.
    AnyOrigin,
    /// `Origin: null` (sandboxed frames, `data:` URLs, local files) is allowed.
    NullOrigin,
    /// An origin that starts with a listed one.
    PrefixMatch,
    /// An origin that ends with a listed one's domain.
    SuffixMatch,
    /// A listed host with a dot replaced: an unescaped `.` in a pattern.
    UnescapedDot,
    /// A listed host followed by a character a lax parser stops at.
    SpecialCharacters,
    /// A subdomain of a listed origin's domain that the list does not name.
    UnlistedSubdomain,
    /// The `http://` form of an `https://` origin.
    InsecureScheme,
    /// A host under a suffix anyone can publish on (`github.io`, …).
    ThirdPartyHost,
    /// `Access-Control-Allow-Origin: *` for everyone: a public API.
    PublicApi,
    /// The preflight allows whatever method it is asked for.
    MethodsReflected,
    /// The preflight allows whatever header it is asked for.
    HeadersReflected,
    /// `*` together with `Access-Control-Allow-Credentials: true`, which browsers refuse.
    WildcardWithCredentials,
    /// `Access-Control-Allow-Methods`/`-Headers` that do not parse: every preflight fails.
    UnparsableList,
    /// An `Access-Control-Allow-Origin` that depends on `Origin`, without `Vary: Origin`.
    VaryOriginMissing,
    /// Bytes from the request that cannot be in a header came back as headers.
    HeaderInjection,
    /// A form POST from another site reached the handler.
    CrossOriginWrite,
}

impl Kind {
    /// Whether the kind is that of an origin an attacker would try.
    pub(crate) fn is_origin_probe(self) -> bool {
        match self {
            Self::AnyOrigin
            | Self::NullOrigin
            | Self::PrefixMatch
            | Self::SuffixMatch
            | Self::UnescapedDot
            | Self::SpecialCharacters
            | Self::UnlistedSubdomain
            | Self::InsecureScheme
            | Self::ThirdPartyHost => true,
            Self::ListedOriginAllowed
            | Self::ListedOriginBlocked
            | Self::PublicApi
            | Self::MethodsReflected
            | Self::HeadersReflected
            | Self::WildcardWithCredentials
            | Self::UnparsableList
            | Self::VaryOriginMissing
            | Self::HeaderInjection
            | Self::CrossOriginWrite => false,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::ListedOriginAllowed => "listed-origin-allowed",
            Self::ListedOriginBlocked => "listed-origin-blocked",
            Self::AnyOrigin => "any-origin",
            Self::NullOrigin => "null-origin",
            Self::PrefixMatch => "prefix-match",
            Self::SuffixMatch => "suffix-match",
            Self::UnescapedDot => "unescaped-dot",
            Self::SpecialCharacters => "special-characters",
            Self::UnlistedSubdomain => "unlisted-subdomain",
            Self::InsecureScheme => "insecure-scheme",
            Self::ThirdPartyHost => "third-party-host",
            Self::PublicApi => "public-api",
            Self::MethodsReflected => "methods-reflected",
            Self::HeadersReflected => "headers-reflected",
            Self::WildcardWithCredentials => "wildcard-with-credentials",
            Self::UnparsableList => "unparsable-list",
            Self::VaryOriginMissing => "vary-origin-missing",
            Self::HeaderInjection => "header-injection",
            Self::CrossOriginWrite => "cross-origin-write",
        }
    }
}

/// One finding.
#[derive(Clone, Debug)]
pub(crate) struct Finding {
    pub(crate) severity: Severity,
    pub(crate) kind: Kind,
    /// The `Origin` sent, if one was.
    pub(crate) origin: Option<String>,
    /// What it means, in a sentence.
    pub(crate) summary: String,
    /// The request sent and what came back.
    pub(crate) evidence: Option<Exchange>,
}

/// The response headers worth showing as evidence: the CORS ones and `Vary`.
pub(crate) fn telling_headers(exchange: &Exchange) -> Vec<(String, String)> {
    exchange
        .response_headers
        .iter()
        .filter(|(name, _)| {
            name.as_str().starts_with("access-control-")
                || name.as_str() == "vary"
                || name.as_str().starts_with("x-cors-audit")
        })
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect()
}

impl Finding {
    pub(crate) fn to_json(&self) -> Value {
        let evidence = self.evidence.as_ref().map(|exchange| {
            let sent: serde_json::Map<String, Value> = exchange
                .request_headers
                .iter()
                .map(|(name, value)| {
                    (
                        name.as_str().to_owned(),
                        Value::from(String::from_utf8_lossy(value.as_bytes())),
                    )
                })
                .collect();
            let received: serde_json::Map<String, Value> = telling_headers(exchange)
                .into_iter()
                .map(|(name, value)| (name, Value::from(value)))
                .collect();
            json!({
                "request": {
                    "method": exchange.method.as_str(),
                    "url": exchange.uri.to_string(),
                    "headers": sent,
                },
                "response": {
                    "status": exchange.status.map(|s| s.as_u16()),
                    "headers": received,
                },
            })
        });
        json!({
            "severity": self.severity.name(),
            "kind": self.kind.name(),
            "origin": self.origin,
            "summary": self.summary,
            "evidence": evidence,
        })
    }
}

//! The grammar of origin patterns, and the problem (with the fix) for anything else.
//!
//! A pattern must be written exactly as a browser serializes the `Origin` header, because the
//! runtime compares bytes: `https://Example.com/` would never match anything, so it is an error
//! that suggests `https://example.com`.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::idn::{self, Idn};
use crate::limits::MAX_PATTERN_LENGTH;
use crate::problem::{Problem, ProblemKind};

/// A parsed, canonical origin pattern.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct OriginPattern {
    /// Lowercase, without `://`.
    pub scheme: String,
    /// Lowercase, without the `*.` of a subdomain pattern; an IPv6 host keeps its brackets.
    pub host: String,
    /// What the host is.
    pub host_kind: HostKind,
    /// `*.` before the host: one or more labels, never the host itself.
    pub subdomains: bool,
    /// The port part.
    pub port: PortPattern,
}

/// What an origin's host is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum HostKind {
    /// A domain name.
    Domain,
    /// An IPv4 address.
    Ipv4,
    /// An IPv6 address, in brackets.
    Ipv6,
}

/// The port part of a pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PortPattern {
    /// No port written: the scheme's default.
    Default,
    /// This port.
    Exact(u16),
    /// `:*`, any port or none.
    Any,
}

impl OriginPattern {
    /// Whether the host is this machine: `localhost`, a subdomain of it, or a loopback IP. Browsers
    /// treat such origins as secure even over `http`, and local servers rarely have certificates.
    #[must_use]
    pub fn is_local(&self) -> bool {
        let host = self.host.strip_suffix('.').unwrap_or(&self.host);
        host == "localhost"
            || host.ends_with(".localhost")
            || host == "[::1]"
            || (self.host_kind == HostKind::Ipv4 && host.starts_with("127."))
    }

    /// True when the pattern matches exactly one origin.
    #[must_use]
    pub fn is_exact(&self) -> bool {
        !self.subdomains && self.port != PortPattern::Any
    }
}

impl fmt::Display for OriginPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let wildcard = if self.subdomains { "*." } else { "" };
        write!(f, "{}://{wildcard}{}", self.scheme, self.host)?;
        match self.port {
            PortPattern::Default => Ok(()),
            PortPattern::Exact(port) => write!(f, ":{port}"),
            PortPattern::Any => f.write_str(":*"),
        }
    }
}

/// Parses a pattern. A problem is about `text` and carries the fix when there is one; a fix is
/// only ever offered when it is itself accepted: a suggestion that fails again would be worse
/// than none.
///
/// # Errors
/// When `text` is not a pattern written exactly as a browser serializes an origin.
pub fn parse(text: &str) -> Result<OriginPattern, Problem> {
    parse_strict(text).map_err(|mut problem| {
        let candidate = match problem.take_fix() {
            // A first repair (a scheme added, spaces trimmed) may leave more to canonicalize.
            Some(fix) if parse_strict(&fix).is_ok() => Some(fix),
            Some(fix) => canonicalize(&fix),
            None if fixable(problem.kind()) => canonicalize(text),
            None => None,
        };
        problem
            .with_fix(candidate.filter(|fixed| parse_strict(fixed).is_ok()))
            .with_element(text)
    })
}

/// Problems [`canonicalize`] knows how to repair.
fn fixable(kind: ProblemKind) -> bool {
    matches!(
        kind,
        ProblemKind::UppercaseScheme
            | ProblemKind::UppercaseHost
            | ProblemKind::Path
            | ProblemKind::TrailingSlash
            | ProblemKind::Query
            | ProblemKind::Fragment
            | ProblemKind::Userinfo
            | ProblemKind::DefaultPort
            | ProblemKind::PortLeadingZero
    )
}

/// The pattern a browser would have sent for `text`: lowercase scheme and host, no userinfo,
/// path, query, fragment, default port or leading zeros in the port.
fn canonicalize(text: &str) -> Option<String> {
    let (scheme, rest) = text.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let mut authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    if let Some(at) = authority.rfind('@') {
        authority = &authority[at + 1..];
    }
    let mut authority = authority.to_ascii_lowercase();
    if let Some(colon) = authority
        .rfind(':')
        .filter(|&c| !authority[c..].contains(']'))
    {
        let digits = authority[colon + 1..].trim_start_matches('0');
        let port = if authority[colon + 1..].chars().all(|c| c.is_ascii_digit()) {
            if digits.is_empty() { "0" } else { digits }.to_owned()
        } else {
            authority[colon + 1..].to_owned()
        };
        authority.truncate(colon);
        if Some(port.as_str()) != default_port(&scheme) {
            authority = format!("{authority}:{port}");
        }
    }
    Some(format!("{scheme}://{authority}"))
}

fn default_port(scheme: &str) -> Option<&'static str> {
    match scheme {
        "http" | "ws" => Some("80"),
        "https" | "wss" => Some("443"),
        "ftp" => Some("21"),
        _ => None,
    }
}

fn fail(kind: ProblemKind) -> Problem {
    Problem::new(kind)
}

fn parse_strict(text: &str) -> Result<OriginPattern, Problem> {
    if text.is_empty() {
        return Err(fail(ProblemKind::Empty));
    }
    if text == "null" {
        return Err(fail(ProblemKind::Null));
    }
    if text.len() > MAX_PATTERN_LENGTH {
        return Err(fail(ProblemKind::TooLong).with_detail(text.len().to_string()));
    }
    let space = |c: char| c.is_whitespace() || c.is_control();
    if text.chars().any(space) {
        // Only spaces around the pattern have an obvious fix; inside it, the intent is unclear.
        let trimmed = text.trim_matches(space);
        let fix = (!trimmed.chars().any(space)).then(|| trimmed.to_owned());
        return Err(fail(ProblemKind::Whitespace).with_fix(fix));
    }
    let Some((scheme, rest)) = text.split_once("://") else {
        // Local servers are usually plain `http`; everything else should be `https`.
        let local = format!("http://{}", text.to_ascii_lowercase());
        let scheme = if parse_strict(&local).is_ok_and(|pattern| pattern.is_local()) {
            "http"
        } else {
            "https"
        };
        return Err(fail(ProblemKind::NoScheme).with_fix(Some(format!("{scheme}://{text}"))));
    };
    check_scheme(scheme)?;
    if let Some(index) = rest.find(['/', '?', '#']) {
        return Err(fail(match rest.as_bytes()[index] {
            b'/' if index + 1 == rest.len() => ProblemKind::TrailingSlash,
            b'/' => ProblemKind::Path,
            b'?' => ProblemKind::Query,
            _ => ProblemKind::Fragment,
        }));
    }
    if rest.contains('@') {
        return Err(fail(ProblemKind::Userinfo));
    }
    let (host, port_text) = split_port(rest)?;
    let port = parse_port(scheme, port_text)?;
    let (host, subdomains) = match host.strip_prefix("*.") {
        Some(domain) => (domain, true),
        None => (host, false),
    };
    if !host.is_ascii() {
        return Err(non_ascii_host(scheme, host, subdomains, port_text));
    }
    if host.contains('*') {
        return Err(fail(ProblemKind::PartialWildcard));
    }
    let host_kind = check_host(host)?;
    if subdomains && host_kind != HostKind::Domain {
        return Err(fail(ProblemKind::WildcardOnIp));
    }
    Ok(OriginPattern {
        scheme: scheme.to_owned(),
        host: host.to_owned(),
        host_kind,
        subdomains,
        port,
    })
}

fn check_scheme(scheme: &str) -> Result<(), Problem> {
    let valid = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !valid {
        return Err(fail(ProblemKind::InvalidScheme).with_detail(scheme.escape_debug().to_string()));
    }
    if scheme.eq_ignore_ascii_case("file") {
        return Err(fail(ProblemKind::FileScheme));
    }
    if scheme.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(fail(ProblemKind::UppercaseScheme));
    }
    Ok(())
}

/// Splits `host[:port]`; an IPv6 host is bracketed and has colons of its own.
fn split_port(authority: &str) -> Result<(&str, Option<&str>), Problem> {
    let host_end = if authority.starts_with('[') {
        match authority.find(']') {
            Some(close) => close + 1,
            None => return Err(fail(ProblemKind::UnclosedIpv6)),
        }
    } else {
        authority.find(':').unwrap_or(authority.len())
    };
    let (host, rest) = authority.split_at(host_end);
    match rest.strip_prefix(':') {
        Some(port) => Ok((host, Some(port))),
        None if rest.is_empty() => Ok((host, None)),
        None => Err(fail(ProblemKind::AfterIpv6).with_detail(rest.escape_debug().to_string())),
    }
}

fn parse_port(scheme: &str, port: Option<&str>) -> Result<PortPattern, Problem> {
    let Some(port) = port else {
        return Ok(PortPattern::Default);
    };
    if port == "*" {
        return Ok(PortPattern::Any);
    }
    if port.is_empty() {
        return Err(fail(ProblemKind::EmptyPort));
    }
    if !port.chars().all(|c| c.is_ascii_digit()) {
        return Err(fail(ProblemKind::PortNotANumber).with_detail(port.escape_debug().to_string()));
    }
    if port.len() > 1 && port.starts_with('0') {
        return Err(fail(ProblemKind::PortLeadingZero).with_detail(port));
    }
    let number = port.parse::<u32>().unwrap_or(u32::MAX);
    if number == 0 || number > 65535 {
        return Err(fail(ProblemKind::PortOutOfRange).with_detail(port));
    }
    if Some(port) == default_port(scheme) {
        return Err(fail(ProblemKind::DefaultPort).with_detail(scheme));
    }
    Ok(PortPattern::Exact(
        u16::try_from(number).unwrap_or_default(),
    ))
}

fn check_host(host: &str) -> Result<HostKind, Problem> {
    if host.is_empty() {
        return Err(fail(ProblemKind::EmptyHost));
    }
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return check_ipv6(inner);
    }
    if host.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(fail(ProblemKind::UppercaseHost));
    }
    // A trailing dot is part of the host a browser sends (`https://example.com.`).
    let labels = host.strip_suffix('.').unwrap_or(host);
    if labels.split('.').any(str::is_empty) {
        return Err(fail(ProblemKind::EmptyLabel));
    }
    if let Some(c) = host
        .chars()
        .find(|&c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.')))
    {
        return Err(fail(ProblemKind::HostCharacter).with_detail(c.escape_debug().to_string()));
    }
    // The URL Standard reads a host whose last label is numeric as an IPv4 address.
    let last = labels.rsplit('.').next().unwrap_or_default();
    if last.chars().all(|c| c.is_ascii_digit()) || last.starts_with("0x") {
        return match labels.parse::<Ipv4Addr>() {
            Ok(_) if labels == host => Ok(HostKind::Ipv4),
            _ => Err(fail(ProblemKind::NonCanonicalIpv4)),
        };
    }
    Ok(HostKind::Domain)
}

/// Browsers send an international domain name in its ASCII (punycode) form, which is the fix:
/// written out for the letters the conversion knows without the IDNA tables, described for
/// the others.
fn non_ascii_host(scheme: &str, host: &str, subdomains: bool, port: Option<&str>) -> Problem {
    match idn::to_ascii(host) {
        Idn::Ascii(ascii) => {
            let wildcard = if subdomains { "*." } else { "" };
            let port = port.map(|p| format!(":{p}")).unwrap_or_default();
            fail(ProblemKind::NonAsciiHost)
                .with_fix(Some(format!("{scheme}://{wildcard}{ascii}{port}")))
        }
        Idn::Invalid => fail(ProblemKind::InvalidInternationalHost),
        Idn::Unknown => fail(ProblemKind::NonAsciiHost),
    }
}

fn check_ipv6(inner: &str) -> Result<HostKind, Problem> {
    let Ok(address) = inner.parse::<Ipv6Addr>() else {
        return Err(fail(ProblemKind::InvalidIpv6).with_detail(inner.escape_debug().to_string()));
    };
    if address.to_ipv4_mapped().is_some() {
        return Err(fail(ProblemKind::Ipv4MappedIpv6));
    }
    let canonical = address.to_string();
    if canonical != inner {
        return Err(fail(ProblemKind::NonCanonicalIpv6).with_detail(canonical));
    }
    Ok(HostKind::Ipv6)
}

/// The body of the `origin_pattern` fuzz target (`fuzz/`), also replayed over its corpus by
/// the tests below. Beyond not panicking: an accepted pattern prints as itself and parses again
/// to the same pattern, and every fix an error suggests is itself accepted.
///
/// # Panics
/// When one of those properties does not hold: that is what the fuzzer looks for.
#[cfg(any(test, fuzzing))]
pub fn fuzz_one(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match parse(text) {
        Ok(pattern) => {
            let printed = pattern.to_string();
            let again =
                parse(&printed).unwrap_or_else(|e| panic!("{printed:?} no longer parses: {e}"));
            assert_eq!(
                again, pattern,
                "{text:?} prints as {printed:?}, which parses differently"
            );
            assert_eq!(printed, text, "an accepted pattern is written as it prints");
        }
        Err(error) => {
            assert!(!error.to_string().is_empty());
            if let Some(fix) = error.fix()
                && let Err(again) = parse(fix)
            {
                panic!("the fix {fix:?} for {text:?} is refused: {again}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> OriginPattern {
        let pattern = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(
            pattern.to_string(),
            text,
            "a valid pattern prints as written"
        );
        pattern
    }

    fn err(text: &str) -> String {
        match parse(text) {
            Ok(pattern) => panic!("{text} parsed as {pattern:?}"),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn accepts_every_form() {
        assert!(ok("https://app.example.com").is_exact());
        let sub = ok("https://*.example.com");
        assert!(sub.subdomains && sub.host == "example.com" && !sub.is_exact());
        assert_eq!(ok("http://localhost:*").port, PortPattern::Any);
        assert_eq!(ok("http://localhost:3000").port, PortPattern::Exact(3000));
        let both = ok("https://*.example.com:*");
        assert!(both.subdomains && both.port == PortPattern::Any);
        assert_eq!(ok("http://127.0.0.1:8080").host_kind, HostKind::Ipv4);
        assert_eq!(ok("http://[::1]:3000").host_kind, HostKind::Ipv6);
        ok("tauri://localhost");
        ok("chrome-extension://abcdefghijklmnop");
        ok("https://example.com.");
        ok("https://xn--bcher-kva.de");
        ok("https://under_score.example.com");
    }

    #[test]
    fn rejects_what_no_browser_sends_with_the_fix() {
        assert_eq!(
            err("https://Example.com/"),
            "origin `https://Example.com/` has a trailing slash, which `Origin` never has; \
             write `https://example.com`"
        );
        assert_eq!(
            err("HTTPS://example.com"),
            "origin `HTTPS://example.com` has an uppercase scheme, but browsers send it in \
             lowercase; write `https://example.com`"
        );
        assert_eq!(
            err("https://example.com:443"),
            "origin `https://example.com:443` has the default port of `https`, which browsers \
             leave out; write `https://example.com`"
        );
        assert!(err("https://example.com/api").contains("has a path"));
        assert!(err("https://example.com?x").contains("has a query"));
        assert!(err("https://example.com#x").contains("has a fragment"));
        assert!(err("https://user@example.com").ends_with("write `https://example.com`"));
        assert!(err("https://example.com:08080").ends_with("write `https://example.com:8080`"));
        assert!(err("example.com").ends_with("write `https://example.com`"));
        // Without a scheme, a local server is guessed to be plain `http`.
        for (text, fix) in [
            ("localhost:3000", "http://localhost:3000"),
            ("*.localhost:*", "http://*.localhost:*"),
            ("app.localhost", "http://app.localhost"),
            ("127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("[::1]:5173", "http://[::1]:5173"),
            ("LOCALHOST:3000", "http://localhost:3000"),
            ("localhost.example.com", "https://localhost.example.com"),
            ("128.0.0.1", "https://128.0.0.1"),
        ] {
            assert!(
                err(text).ends_with(&format!("write `{fix}`")),
                "{text}: {}",
                err(text)
            );
        }
        assert!(err(" https://example.com").ends_with("write `https://example.com`"));
        assert_eq!(
            err("https://bücher.de"),
            "origin `https://bücher.de` has a non-ASCII host, but browsers send international \
             names in punycode; write `https://xn--bcher-kva.de`"
        );
        assert!(err("https://*.Bücher.de:*").ends_with("write `https://*.xn--bcher-kva.de:*`"));
        // Beyond the letters the conversion knows without the IDNA tables, the form is asked for.
        assert_eq!(
            err("https://مثال.eg"),
            "origin `https://مثال.eg` has a non-ASCII host, but browsers send international \
             names in punycode; write the host in that form (its `xn--` labels)"
        );
        assert_eq!(
            err("https://bü_cher.de"),
            "origin `https://bü_cher.de` has a non-ASCII host that is not a valid domain name"
        );
    }

    #[test]
    fn rejects_without_a_guess_where_intent_is_unclear() {
        for (text, problem) in [
            ("", "is empty"),
            ("null", "cannot be allowed"),
            ("file://", "cannot be allowed"),
            ("https://", "empty host"),
            ("https://a..example.com", "empty label"),
            ("https://.example.com", "empty label"),
            ("https://example.com:0", "outside 1..=65535"),
            ("https://example.com:65536", "outside 1..=65535"),
            ("https://example.com:", "empty port"),
            ("https://example.com:x", "not a number"),
            ("https://*example.com", "whole leftmost label"),
            ("https://a.*.example.com", "whole leftmost label"),
            ("https://**.example.com", "whole leftmost label"),
            ("https://*.127.0.0.1", "wildcard on an IP"),
            ("http://127.1", "IPv4"),
            ("http://127.000.0.1", "IPv4"),
            ("http://[0:0:0:0:0:0:0:1]", "`[::1]`"),
            ("http://[::ffff:127.0.0.1]", "IPv4-mapped"),
            ("https://a b.de", "whitespace"),
            ("1https://x", "invalid scheme"),
        ] {
            let message = err(text);
            assert!(message.contains(problem), "{text}: {message}");
            assert_eq!(parse(text).unwrap_err().fix(), None, "{text}: {message}");
        }
        let long = format!("https://{}.com", "a".repeat(MAX_PATTERN_LENGTH));
        assert!(err(&long).contains("bytes long"));
    }

    /// Origins the URL Standard can produce that this crate refuses all the same: empty labels
    /// (`a..b`), port 0, and IPv4-mapped IPv6 (allow the IPv4 address instead).
    fn refused_by_the_spec(error: &Problem) -> bool {
        match error.kind() {
            ProblemKind::EmptyLabel | ProblemKind::Ipv4MappedIpv6 => true,
            ProblemKind::PortOutOfRange => error.to_string().contains("port 0,"),
            _ => false,
        }
    }

    /// What a browser sends as `Origin` for a page at `input`, per the URL Standard, for the
    /// special schemes whose origins are tuples.
    fn browser_origin(input: &str) -> Option<String> {
        let origin = url::Url::parse(input).ok()?.origin();
        origin.is_tuple().then(|| origin.ascii_serialization())
    }

    /// The parser accepts exactly what browsers serialize, over every combination of a table of
    /// schemes, hosts, ports and trailers; a fix it offers is what the browser would send.
    #[test]
    fn accepts_exactly_what_browsers_serialize() {
        let schemes = ["http", "https", "HTTPS", "ws", "wss", "ftp", "file"];
        let hosts = [
            "example.com",
            "EXAMPLE.com",
            "a.b.example.com",
            "example.com.",
            "a_b.example",
            "xn--bcher-kva.de",
            "bücher.de",
            "BÜCHER.de",
            "localhost",
            "127.0.0.1",
            "127.1",
            "0x7f.0.0.1",
            "127.000.0.1",
            "1.2.3.4.5",
            "[::1]",
            "[0:0::1]",
            "[::ffff:1.2.3.4]",
            "[2001:db8::1]",
            "[2001:DB8::1]",
            "",
            "a..b",
            ".example.com",
            "exa mple.com",
            "ex%41mple.com",
            "user@example.com",
        ];
        let ports = [
            "", ":80", ":443", ":21", ":8080", ":65535", ":65536", ":080", ":", ":x",
        ];
        let trailers = ["", "/", "/path", "?q", "#f"];
        let mut checked = 0;
        for scheme in schemes {
            for host in hosts {
                for port in ports {
                    for trailer in trailers {
                        let input = format!("{scheme}://{host}{port}{trailer}");
                        let browser = browser_origin(&input);
                        match parse(&input) {
                            Ok(pattern) => {
                                assert_eq!(
                                    browser.as_deref(),
                                    Some(input.as_str()),
                                    "accepted {input}"
                                );
                                assert_eq!(pattern.to_string(), input);
                            }
                            Err(error) if refused_by_the_spec(&error) => {}
                            Err(error) => {
                                assert_ne!(
                                    browser.as_deref(),
                                    Some(input.as_str()),
                                    "rejected {input}"
                                );
                                if let (Some(fix), Some(browser)) = (error.fix(), &browser) {
                                    assert_eq!(fix, browser, "fix for {input}");
                                }
                            }
                        }
                        if let Some(browser) = browser {
                            let accepted = parse(&browser);
                            assert!(
                                accepted.as_ref().is_ok()
                                    || accepted.as_ref().is_err_and(refused_by_the_spec),
                                "{browser}, from {input}: {accepted:?}"
                            );
                        }
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, 7 * 25 * 10 * 5);
    }

    /// The fuzzer's corpus, replayed: what it once found stays fixed.
    #[test]
    fn fuzz_corpus_replays_cleanly() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fuzz/corpus/origin_pattern");
        let mut count = 0;
        for entry in std::fs::read_dir(dir).expect("the seed corpus is in the repository") {
            let path = entry.unwrap().path();
            super::fuzz_one(&std::fs::read(&path).unwrap());
            count += 1;
        }
        assert!(count >= 20, "only {count} inputs in {dir}");
    }
}

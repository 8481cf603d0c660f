//! The origins an attacker would try, derived from the listed ones: the union of what the public
//! auditors send (Corsy, `CORScanner`, ZAP, the nuclei templates), made from the front-end's
//! origins rather than the API's host, and only origins a browser could really send.

use cors_browser::url::Origin;

use crate::finding::Kind;

/// The attacker's own domain: reserved (RFC 2606), so no probe ever names a real site.
const ATTACKER: &str = "cors-audit-attacker.example";

/// Hosts under suffixes anyone can publish a page on.
const THIRD_PARTY: [&str; 5] = [
    "cors-audit.github.io",
    "cors-audit.netlify.app",
    "cors-audit.vercel.app",
    "cors-audit.pages.dev",
    "cors-audit.herokuapp.com",
];

/// Characters lax origin parsers stop at or skip, put after a listed host.
const SPECIAL: [&str; 8] = ["_", "-", "!", "~", "$", "*", "+", "%60"];

/// One origin to send, and what it would mean if it were allowed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Probe {
    pub(crate) kind: Kind,
    pub(crate) origin: String,
}

fn with_port(scheme: &str, host: &str, port: Option<u16>) -> String {
    match port {
        Some(port) => format!("{scheme}://{host}:{port}"),
        None => format!("{scheme}://{host}"),
    }
}

/// The probes for `listed`, each origin once, none of them a listed origin.
pub(crate) fn probes(listed: &[Origin]) -> Vec<Probe> {
    let mut probes = Vec::new();
    let mut add = |kind, origin: String| {
        let is_listed = listed.iter().any(|l| l.to_string() == origin);
        if !is_listed && !probes.iter().any(|p: &Probe| p.origin == origin) {
            probes.push(Probe { kind, origin });
        }
    };
    let scheme = listed.first().map_or("https", Origin::scheme);
    add(Kind::AnyOrigin, format!("{scheme}://{ATTACKER}"));
    add(Kind::NullOrigin, "null".to_owned());
    for origin in listed {
        let (scheme, host, port) = (origin.scheme(), origin.host(), origin.port());
        // A check that the value starts with the listed origin: with a port, a longer port.
        match port {
            None => add(Kind::PrefixMatch, format!("{scheme}://{host}.{ATTACKER}")),
            Some(port) if u16::try_from(u32::from(port) * 10 + 1).is_ok() => {
                add(Kind::PrefixMatch, format!("{scheme}://{host}:{port}1"));
            }
            Some(_) => {}
        }
        if origin.is_ip_address() {
            continue;
        }
        let domain = origin.registrable_domain().unwrap_or(host);
        add(
            Kind::SuffixMatch,
            with_port(scheme, &format!("attacker{domain}"), port),
        );
        add(
            Kind::SuffixMatch,
            with_port(scheme, &format!("attacker-{domain}"), port),
        );
        if host.contains('.') {
            add(
                Kind::UnescapedDot,
                with_port(scheme, &host.replacen('.', "x", 1), port),
            );
        }
        for special in SPECIAL {
            add(
                Kind::SpecialCharacters,
                format!("{scheme}://{host}{special}.{ATTACKER}"),
            );
        }
        add(
            Kind::UnlistedSubdomain,
            with_port(scheme, &format!("cors-audit-unlisted.{domain}"), port),
        );
        if scheme == "https" {
            add(Kind::InsecureScheme, with_port("http", host, port));
        }
    }
    for host in THIRD_PARTY {
        add(Kind::ThirdPartyHost, format!("https://{host}"));
    }
    probes
}

/// An attacker's page, for the cross-origin write probe.
pub(crate) fn attacker_page(listed: &[Origin]) -> String {
    let scheme = listed.first().map_or("https", Origin::scheme);
    format!("{scheme}://{ATTACKER}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origins(kind: Kind, listed: &[&str]) -> Vec<String> {
        let listed: Vec<Origin> = listed.iter().map(|o| Origin::parse(o).unwrap()).collect();
        probes(&listed)
            .into_iter()
            .filter(|probe| probe.kind == kind)
            .map(|probe| probe.origin)
            .collect()
    }

    #[test]
    fn derived_from_the_listed_origins() {
        let app = ["https://app.example.com"];
        assert_eq!(
            origins(Kind::PrefixMatch, &app),
            ["https://app.example.com.cors-audit-attacker.example"]
        );
        assert_eq!(
            origins(Kind::SuffixMatch, &app),
            [
                "https://attackerexample.com",
                "https://attacker-example.com"
            ]
        );
        assert_eq!(
            origins(Kind::UnescapedDot, &app),
            ["https://appxexample.com"]
        );
        assert_eq!(
            origins(Kind::InsecureScheme, &app),
            ["http://app.example.com"]
        );
        assert_eq!(
            origins(Kind::UnlistedSubdomain, &app),
            ["https://cors-audit-unlisted.example.com"]
        );
        assert_eq!(origins(Kind::SpecialCharacters, &app).len(), SPECIAL.len());
        assert_eq!(origins(Kind::NullOrigin, &app), ["null"]);
    }

    #[test]
    fn ports_and_addresses() {
        assert_eq!(
            origins(Kind::PrefixMatch, &["http://localhost:3001"]),
            ["http://localhost:30011"]
        );
        assert!(origins(Kind::PrefixMatch, &["http://localhost:65000"]).is_empty());
        assert!(origins(Kind::SuffixMatch, &["http://127.0.0.1:3000"]).is_empty());
        // A listed origin is never a probe.
        let both = ["https://app.example.com", "http://app.example.com"];
        assert!(origins(Kind::InsecureScheme, &both).is_empty());
    }
}

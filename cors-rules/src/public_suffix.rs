//! The Public Suffix List: whether a domain is one under which unrelated parties register
//! names (`com`, `co.uk`, `github.io`), so that a `*.` pattern on it trusts every one of them.
//!
//! The list is the real one, copied into `data/public_suffix_list.txt` (its first lines say from
//! where and when; `examples/public_suffix_list.rs` refreshes it) and read into three sets the
//! first time a rule asks: compiled as text, it costs the build nothing, where a generated
//! `match` over its 10 000 rules cost seconds in every build of this crate.

use std::collections::HashSet;
use std::sync::LazyLock;

/// The list, one rule per line, labels in ASCII.
const LIST: &str = include_str!("../data/public_suffix_list.txt");

/// The rules, by kind: `a.b` (a suffix), `*.b` (every label under `b` is one) and `!c.b` (an
/// exception to a `*.b` rule), each without its mark.
struct Rules {
    suffixes: HashSet<&'static str>,
    wildcards: HashSet<&'static str>,
    exceptions: HashSet<&'static str>,
}

static RULES: LazyLock<Rules> = LazyLock::new(|| {
    let mut rules = Rules {
        suffixes: HashSet::new(),
        wildcards: HashSet::new(),
        exceptions: HashSet::new(),
    };
    for rule in LIST
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with("//"))
    {
        if let Some(domain) = rule.strip_prefix('!') {
            rules.exceptions.insert(domain);
        } else if let Some(domain) = rule.strip_prefix("*.") {
            rules.wildcards.insert(domain);
        } else {
            rules.suffixes.insert(rule);
        }
    }
    rules
});

/// Whether `domain` (lowercase ASCII, no trailing dot) is itself a public suffix by a rule of
/// the list: listed, or one label under a `*.` rule and not an exception to it. A top-level
/// domain the list does not name is not one by this test (the list's implicit `*` rule).
#[must_use]
pub fn is_public_suffix(domain: &str) -> bool {
    let rules = &*RULES;
    if rules.exceptions.contains(domain) {
        return false;
    }
    rules.suffixes.contains(domain)
        || domain
            .split_once('.')
            .is_some_and(|(_, parent)| rules.wildcards.contains(parent))
}

/// When the copy was taken, as its header says: for the docs and the logs.
#[must_use]
pub fn source() -> &'static str {
    LIST.lines()
        .find_map(|line| line.split_once("Source: "))
        .map_or("unknown", |(_, source)| source.trim_end_matches('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answers_of_the_list() {
        for (domain, suffix) in [
            // ICANN: top-level and second-level suffixes.
            ("com", true),
            ("co.uk", true),
            ("uk", true),
            ("example.com", false),
            ("example.co.uk", false),
            // Private: hosting platforms whose customers share a parent domain.
            ("github.io", true),
            ("herokuapp.com", true),
            ("app.github.io", false),
            // `*.ck` and its exception `!www.ck`.
            ("anything.ck", true),
            ("www.ck", false),
            ("a.anything.ck", false),
            // `*.compute.herokuapp.com`, a wildcard under a private suffix.
            ("eu-1.compute.herokuapp.com", true),
            ("compute.herokuapp.com", false),
            // `*.futurecms.at` and `*.ex.futurecms.at`: `ex.futurecms.at` is one label under the
            // first, so a suffix by the list's algorithm (the `psl` crate says otherwise, for
            // each of the 34 such names), and so is every label under it.
            ("ex.futurecms.at", true),
            ("a.ex.futurecms.at", true),
            ("b.a.ex.futurecms.at", false),
            // International rules, in punycode as browsers send them: `公司.cn`.
            ("xn--55qx5d.cn", true),
            // Not on the list at all, nor a top-level domain it names.
            ("localhost", false),
            ("example", false),
            ("", false),
        ] {
            assert_eq!(is_public_suffix(domain), suffix, "{domain}");
        }
    }

    #[test]
    fn every_rule_is_lowercase_ascii_and_the_copy_says_where_it_is_from() {
        let rules: Vec<&str> = LIST
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with("//"))
            .collect();
        assert!(rules.len() > 9_000, "{} rules", rules.len());
        for rule in &rules {
            let domain = rule.trim_start_matches('!').trim_start_matches("*.");
            assert!(
                !domain.is_empty()
                    && domain.bytes().all(|b| {
                        b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.'
                    }),
                "{rule}"
            );
        }
        assert_ne!(source(), "unknown");
    }
}

//! The rules a list of origins must follow, given the rest of the policy.
//!
//! The macro applies them to the origins written in a policy block (or read from an environment
//! variable at build time), `cors-runtime` to the origins a service reads at startup: the same
//! function, so the same problems in the same words.

use std::borrow::Borrow;
use std::collections::BTreeSet;

use crate::origin::{self, OriginPattern};
use crate::problem::{Ineffective, Problem, ProblemKind};
use crate::{AnyOr, Key};

/// What the origin rules need to know about the rest of the policy.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "one flag per key of the policy"
)]
pub struct OriginContext {
    /// `allow_credentials: true`.
    pub credentials: bool,
    /// `allow_private_network: true`.
    pub private_network: bool,
    /// `refuse_cross_origin_writes: true`.
    pub refuse_writes: bool,
    /// `dangerously_allow_insecure_origins`, if it is written.
    pub insecure_opt_in: Option<bool>,
    /// `dangerously_allow_public_suffix_subdomains`, if it is written.
    pub public_suffix_opt_in: Option<bool>,
}

/// What a problem found by [`origin_problems`] is about, so that the caller can point at it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    /// The origin at this index of the list.
    Origin(usize),
    /// `allow_origins: *`, in conflict with this key.
    AnyOriginWith(Key),
    /// This `dangerously_…` opt-in.
    OptIn(Key),
}

/// Whether browsers treat an origin as potentially trustworthy: `https`, a loopback address,
/// or `localhost` and its subdomains.
#[must_use]
pub fn is_secure(pattern: &OriginPattern) -> bool {
    pattern.scheme == "https" || pattern.is_local()
}

/// The domain of a `*.` pattern that is itself on the Public Suffix List, trailing dot aside.
#[must_use]
pub fn public_suffix_of(pattern: &OriginPattern) -> Option<&str> {
    if !pattern.subdomains {
        return None;
    }
    let domain = pattern.host.strip_suffix('.').unwrap_or(&pattern.host);
    crate::public_suffix::is_public_suffix(domain).then_some(domain)
}

/// Every problem of `origins` (`None` for `allow_origins: *`) in `context`, in the order the
/// compiler reports them: credentials with any origin, insecure origins, public-suffix
/// wildcards, opt-ins without effect, private network with any origin, refused writes with any
/// origin, duplicates.
#[must_use]
pub fn origin_problems<P: Borrow<OriginPattern>>(
    origins: Option<&[P]>,
    context: OriginContext,
) -> Vec<(Subject, Problem)> {
    let mut found = Vec::new();
    let list = origins.unwrap_or_default();
    let patterns = || list.iter().map(Borrow::borrow).enumerate();
    // Browsers refuse a credentialed response whose `Access-Control-Allow-Origin` is `*`, so the
    // policy would silently fail for every caller.
    if context.credentials && origins.is_none() {
        found.push((
            Subject::AnyOriginWith(Key::AllowCredentials),
            Problem::new(ProblemKind::AnyOriginWithCredentials),
        ));
    }
    // Anyone on the path can impersonate a plain-http origin, and with credentials read the
    // user's data through it.
    if context.credentials && context.insecure_opt_in != Some(true) {
        for (index, pattern) in patterns().filter(|(_, p)| !is_secure(p)) {
            let secure = OriginPattern {
                scheme: "https".to_owned(),
                ..pattern.clone()
            };
            found.push((
                Subject::Origin(index),
                Problem::new(ProblemKind::InsecureWithCredentials)
                    .with_element(pattern.to_string())
                    .with_fix(Some(secure.to_string())),
            ));
        }
    }
    // `*.github.io` is every GitHub Pages site, and `*.co.uk` every British company: strangers.
    if context.credentials && context.public_suffix_opt_in != Some(true) {
        for (index, pattern) in patterns() {
            if let Some(suffix) = public_suffix_of(pattern) {
                found.push((
                    Subject::Origin(index),
                    Problem::new(ProblemKind::PublicSuffixWithCredentials)
                        .with_element(pattern.to_string())
                        .with_detail(suffix),
                ));
            }
        }
    }
    // A `dangerously_…` opt-in must be needed by this very policy, so none lingers after the
    // origins that needed it are gone.
    let opt_ins = [
        (
            Key::DangerouslyAllowInsecureOrigins,
            context.insecure_opt_in,
            patterns().any(|(_, p)| !is_secure(p)),
        ),
        (
            Key::DangerouslyAllowPublicSuffixSubdomains,
            context.public_suffix_opt_in,
            patterns().any(|(_, p)| public_suffix_of(p).is_some()),
        ),
    ];
    for (key, setting, needed) in opt_ins {
        let Some(value) = setting else { continue };
        let why = if !value {
            Ineffective::False
        } else if !context.credentials {
            Ineffective::NoCredentials
        } else if !needed {
            Ineffective::NotNeeded
        } else {
            continue;
        };
        found.push((
            Subject::OptIn(key),
            Problem::opt_in_without_effect(key, value, why),
        ));
    }
    // Private Network Access asks a device on a private network whether public sites may reach
    // it; answering yes to every site defeats it.
    if context.private_network && origins.is_none() {
        found.push((
            Subject::AnyOriginWith(Key::AllowPrivateNetwork),
            Problem::new(ProblemKind::AnyOriginWithPrivateNetwork),
        ));
    }
    // Writes are refused from origins the list does not trust; `*` trusts them all.
    if context.refuse_writes && origins.is_none() {
        found.push((
            Subject::AnyOriginWith(Key::RefuseCrossOriginWrites),
            Problem::new(ProblemKind::AnyOriginWithWriteRefusal),
        ));
    }
    let mut seen = BTreeSet::new();
    for (index, pattern) in patterns() {
        if !seen.insert(pattern) {
            found.push((
                Subject::Origin(index),
                Problem::new(ProblemKind::Duplicate).with_element(pattern.to_string()),
            ));
        }
    }
    found
}

/// The elements of an origin list read from configuration as one string: separated by commas
/// and/or ASCII whitespace, empty elements skipped.
pub fn split_list(value: &str) -> impl Iterator<Item = &str> {
    value
        .split(|c: char| c == ',' || c.is_ascii_whitespace())
        .filter(|element| !element.is_empty())
}

/// An element of a list of origins, a literal or one read from configuration: `*` there means
/// nothing but a mistake, since only `allow_origins: *` (or a configured `*` alone) allows any
/// origin.
///
/// # Errors
/// When the element is `*` or not an origin pattern.
pub fn parse_element(text: &str) -> Result<OriginPattern, Problem> {
    if text == "*" {
        return Err(star_among_origins());
    }
    origin::parse(text)
}

/// The problem of `*` written among origins, where only `allow_origins: *` means any origin.
#[must_use]
pub fn star_among_origins() -> Problem {
    Problem::new(ProblemKind::StarAmongOrigins).with_element("*")
}

/// The problem of a list that ends up with no origin at all.
#[must_use]
pub fn empty_list() -> Problem {
    Problem::new(ProblemKind::EmptyList)
}

/// A whole origin list from configuration, read: the elements that are patterns, and a problem
/// for each that is not (or for the list, when it has no element at all).
#[derive(Debug, Default)]
pub struct ReadList {
    pub patterns: Vec<OriginPattern>,
    pub problems: Vec<Problem>,
}

/// Reads a whole list of origins from configuration, its elements already split and trimmed:
/// `*` alone means any origin, no element at all is the empty-list problem, and every other
/// element is parsed as a literal would be.
pub fn read_list<S: AsRef<str>>(elements: &[S]) -> AnyOr<ReadList> {
    if let [only] = elements
        && only.as_ref() == "*"
    {
        return AnyOr::Any;
    }
    let mut patterns = Vec::with_capacity(elements.len());
    let mut problems = Vec::new();
    if elements.is_empty() {
        problems.push(empty_list());
    }
    for element in elements {
        match parse_element(element.as_ref()) {
            Ok(pattern) => patterns.push(pattern),
            Err(problem) => problems.push(problem),
        }
    }
    AnyOr::List(ReadList { patterns, problems })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patterns(texts: &[&str]) -> Vec<OriginPattern> {
        texts.iter().map(|t| origin::parse(t).unwrap()).collect()
    }

    fn messages(origins: Option<&[&str]>, context: OriginContext) -> Vec<(Subject, String)> {
        let list = origins.map(patterns);
        origin_problems(list.as_deref(), context)
            .into_iter()
            .map(|(subject, problem)| (subject, problem.to_string()))
            .collect()
    }

    const CREDENTIALS: OriginContext = OriginContext {
        credentials: true,
        private_network: false,
        refuse_writes: false,
        insecure_opt_in: None,
        public_suffix_opt_in: None,
    };

    #[test]
    fn secure_origins_with_credentials_pass() {
        let secure = [
            "https://a.example",
            "http://localhost:*",
            "http://127.0.0.1:8080",
            "http://[::1]:3000",
            "http://*.localhost:*",
            "https://*.example.co.uk",
        ];
        assert!(messages(Some(&secure), CREDENTIALS).is_empty());
    }

    #[test]
    fn every_rule_reports_its_subject() {
        let found = messages(
            Some(&[
                "http://app.example",
                "https://*.github.io",
                "http://app.example",
            ]),
            CREDENTIALS,
        );
        let subjects: Vec<Subject> = found.iter().map(|(s, _)| *s).collect();
        assert_eq!(
            subjects,
            [
                Subject::Origin(0),
                Subject::Origin(2),
                Subject::Origin(1),
                Subject::Origin(2)
            ]
        );
        assert!(found[0].1.contains("use `https://app.example`"));
        assert!(found[2].1.contains("public suffix `github.io`"));
        assert_eq!(
            found[3].1,
            "duplicate origin `http://app.example`; remove it"
        );
        let any = messages(
            None,
            OriginContext {
                private_network: true,
                refuse_writes: true,
                ..CREDENTIALS
            },
        );
        assert_eq!(any[0].0, Subject::AnyOriginWith(Key::AllowCredentials));
        assert_eq!(any[1].0, Subject::AnyOriginWith(Key::AllowPrivateNetwork));
        assert_eq!(
            any[2].0,
            Subject::AnyOriginWith(Key::RefuseCrossOriginWrites)
        );
        assert!(any[2].1.starts_with(
            "`refuse_cross_origin_writes: true` cannot be combined with `allow_origins: *`"
        ));
        assert_eq!(any.len(), 3);
    }

    #[test]
    fn opt_ins_must_take_effect() {
        let opted = OriginContext {
            insecure_opt_in: Some(true),
            ..CREDENTIALS
        };
        assert!(messages(Some(&["http://app.example"]), opted).is_empty());
        let found = messages(Some(&["https://app.example"]), opted);
        assert_eq!(
            found,
            [(
                Subject::OptIn(Key::DangerouslyAllowInsecureOrigins),
                "`dangerously_allow_insecure_origins: true` has no effect: no origin of this \
                 policy is insecure; remove it"
                    .to_owned()
            )]
        );
    }

    #[test]
    fn configured_lists_split_on_commas_and_whitespace() {
        let elements: Vec<&str> =
            split_list(" https://a.example,https://b.example\n\thttps://c.example ,, ").collect();
        assert_eq!(
            elements,
            [
                "https://a.example",
                "https://b.example",
                "https://c.example"
            ]
        );
        assert_eq!(
            parse_element("*").unwrap_err().kind(),
            ProblemKind::StarAmongOrigins
        );
    }
}

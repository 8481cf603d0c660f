//! The rules a lowered policy must follow. One function a rule, listed in [`RULES`].
//!
//! Each rule reports at the token that breaks it and keeps going, so one build shows every
//! problem. A conflict between two keys is reported at the one written later, followed by a
//! note at the other.

use std::collections::BTreeMap;
use std::fmt::Display;

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote_spanned};

use crate::ast::{AnyOr, Policy, Setting, Spanned};
use crate::errors::Errors;

type Rule = fn(&Policy, &mut Errors);

/// Every rule, in the order their errors are reported.
const RULES: &[Rule] = &[
    credentials_with_any_origin,
    duplicate_origins,
    method_names,
    request_header_names,
    exposed_header_names,
    max_age_range,
    preflight_success_status,
];

pub fn validate(policy: &Policy, errors: &mut Errors) {
    for rule in RULES {
        rule(policy, errors);
    }
}

/// The headline rule: browsers refuse a credentialed response whose
/// `Access-Control-Allow-Origin` is `*`, so the policy would silently fail for every caller.
fn credentials_with_any_origin(policy: &Policy, errors: &mut Errors) {
    let Some(credentials) = policy.allow_credentials.as_ref().filter(|s| s.value) else {
        return;
    };
    if !matches!(policy.allow_origins.value, AnyOr::Any) {
        return;
    }
    conflict(
        errors,
        credentials,
        &policy.allow_origins,
        "`allow_origins: *` cannot be combined with `allow_credentials: true`: browsers refuse \
         credentialed responses that any origin may read; list the origins that may send \
         credentials, as in `allow_origins: [\"https://app.example.com\"]`, or remove \
         `allow_credentials`",
    );
}

fn duplicate_origins(policy: &Policy, errors: &mut Errors) {
    if let AnyOr::List(patterns) = &policy.allow_origins.value {
        duplicates(patterns, "origin", errors);
    }
}

fn method_names(policy: &Policy, errors: &mut Errors) {
    let Some(Setting {
        value: AnyOr::List(methods),
        ..
    }) = &policy.allow_methods
    else {
        return;
    };
    for method in methods {
        if !is_token(&method.value) {
            errors.push(
                method.span,
                format!(
                    "`{}` is not a method name: a method is a token, letters, digits and \
                     ``!#$%&'*+-.^_`|~`` only",
                    method.value.escape_debug()
                ),
            );
        } else if ["CONNECT", "TRACE", "TRACK"]
            .iter()
            .any(|forbidden| forbidden.eq_ignore_ascii_case(&method.value))
        {
            errors.push(
                method.span,
                format!(
                    "`{}` is a forbidden method: browsers never let a script send it, so \
                     allowing it has no effect; remove it",
                    method.value
                ),
            );
        }
    }
    duplicates(methods, "method", errors);
}

fn request_header_names(policy: &Policy, errors: &mut Errors) {
    let Some(headers) = &policy.allow_headers else {
        return;
    };
    for name in &headers.value.names {
        check_token(name, errors);
    }
    duplicates(&headers.value.names, "request header", errors);
}

fn exposed_header_names(policy: &Policy, errors: &mut Errors) {
    let Some(Setting {
        value: AnyOr::List(names),
        ..
    }) = &policy.expose_headers
    else {
        return;
    };
    for name in names {
        check_token(name, errors);
    }
    duplicates(names, "exposed header", errors);
}

fn max_age_range(policy: &Policy, errors: &mut Errors) {
    let Some(max_age) = &policy.max_age else {
        return;
    };
    if max_age.value > 86_400 {
        errors.push(
            max_age.span,
            format!(
                "`max_age: {}` is more than a day; browsers cap it (Chromium at 7200 s, Firefox \
                 at 86400 s), so write at most `86400`",
                max_age.value
            ),
        );
    }
}

fn preflight_success_status(policy: &Policy, errors: &mut Errors) {
    let Some(status) = &policy.preflight_success_status else {
        return;
    };
    if !matches!(status.value, 200 | 204) {
        errors.push(
            status.span,
            format!(
                "`preflight_success_status: {}` is not allowed; write `204` (the default) or \
                 `200` for old clients that reject 204",
                status.value
            ),
        );
    }
}

/// An RFC 9110 token: the syntax of methods and header names.
pub fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn check_token(name: &Spanned<String>, errors: &mut Errors) {
    if !is_token(&name.value) {
        errors.push(
            name.span,
            format!(
                "`{}` is not a header name: a name is a token, letters, digits and \
                 ``!#$%&'*+-.^_`|~`` only",
                name.value.escape_debug()
            ),
        );
    }
}

/// Reports every repeat of an already listed value, at the repeat.
fn duplicates<T: Ord + Display>(items: &[Spanned<T>], what: &str, errors: &mut Errors) {
    let mut seen = BTreeMap::new();
    for item in items {
        if seen.insert(&item.value, item.span).is_some() {
            errors.push(
                item.span,
                format!("duplicate {what} `{}`; remove it", item.value),
            );
        }
    }
}

/// Reports two settings that cannot go together: the error at the later one, from its key to
/// its value, and a note at the earlier one.
fn conflict<A, B>(errors: &mut Errors, a: &Setting<A>, b: &Setting<B>, message: &str) {
    let (later, earlier) = if a.position > b.position {
        (setting_tokens(a), setting_tokens(b))
    } else {
        (setting_tokens(b), setting_tokens(a))
    };
    errors.add(syn::Error::new_spanned(&later.0, message));
    errors.add(syn::Error::new_spanned(
        &earlier.0,
        format!("note: in conflict with `{}` here", earlier.1),
    ));
}

/// Tokens that span `key: value`, for an error that underlines both, and the key's name.
fn setting_tokens<T>(setting: &Setting<T>) -> (TokenStream, String) {
    let value_end: Span = setting.span;
    let mut tokens = setting.key.to_token_stream();
    tokens.extend(quote_spanned!(value_end=> value));
    (tokens, setting.key.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::Input;

    fn errors(source: &str) -> Vec<String> {
        let tokens = format!("(krate) {source}").parse().unwrap();
        let entries = Input::read(tokens).unwrap().entries.unwrap();
        let mut errors = Errors::default();
        let policy = Policy::lower(entries, &mut errors).unwrap();
        validate(&policy, &mut errors);
        errors
            .into_result()
            .err()
            .map(|e| e.into_iter().map(|e| e.to_string()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_valid_policy_passes_every_rule() {
        let found = errors(
            r#"allow_origins: ["https://a.example", "https://*.a.example:*"],
               allow_methods: [PUT, "PURGE"], allow_headers: [*, "authorization"],
               expose_headers: ["x-id"], allow_credentials: true, max_age: 86400,
               preflight_success_status: 200"#,
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn credentials_with_any_origin_is_reported_at_the_later_key_with_a_note() {
        let found = errors("allow_credentials: true, allow_origins: *");
        assert_eq!(found.len(), 2);
        assert!(found[0].starts_with("`allow_origins: *` cannot be combined"));
        assert_eq!(found[1], "note: in conflict with `allow_credentials` here");
        assert!(errors("allow_origins: *, allow_credentials: false").is_empty());
    }

    #[test]
    fn every_rule_reports_in_one_pass() {
        let found = errors(
            r#"allow_origins: ["https://a.example", "https://a.example"],
               allow_methods: ["GET POST", trace, PUT, put], allow_headers: ["x y", "X-A", "x-a"],
               expose_headers: ["a:b"], max_age: 86401, preflight_success_status: 201"#,
        );
        assert_eq!(
            found,
            [
                "duplicate origin `https://a.example`; remove it",
                "`GET POST` is not a method name: a method is a token, letters, digits and ``!#$%&'*+-.^_`|~`` only",
                "`trace` is a forbidden method: browsers never let a script send it, so allowing it has no effect; remove it",
                "duplicate method `PUT`; remove it",
                "`x y` is not a header name: a name is a token, letters, digits and ``!#$%&'*+-.^_`|~`` only",
                "duplicate request header `x-a`; remove it",
                "`a:b` is not a header name: a name is a token, letters, digits and ``!#$%&'*+-.^_`|~`` only",
                "`max_age: 86401` is more than a day; browsers cap it (Chromium at 7200 s, Firefox at 86400 s), so write at most `86400`",
                "`preflight_success_status: 201` is not allowed; write `204` (the default) or `200` for old clients that reject 204",
            ]
        );
    }
}

//! The rules a lowered policy must follow. One function a rule, listed in [`RULES`].
//!
//! Each rule reports at the token that breaks it and keeps going, so one build shows every
//! problem. A conflict between two keys is reported at the one written later, followed by a
//! note at the other.

use std::collections::BTreeMap;
use std::fmt::Display;

use cors_rules::AnyOr;
use cors_rules::fetch::{
    MAX_AGE_LIMIT, NEVER_EXPOSED_HEADERS, is_cors_response_header, is_forbidden_method,
    is_forbidden_request_header,
};
use cors_rules::rules::{self, Subject};
use cors_rules::syntax::is_token;
use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote_spanned};

use crate::ast::{ExposedHeaders, Methods, Policy, Setting, Spanned, Written};
use crate::errors::Errors;

type Rule = fn(&Policy, &mut Errors);

/// Every rule, in the order their errors are reported.
const RULES: &[Rule] = &[
    origin_rules,
    credentials_with_any_exposed_header,
    method_names,
    request_header_names,
    exposed_header_names,
    max_age_range,
    preflight_success_status,
];

pub(crate) fn validate(policy: &Policy, errors: &mut Errors) {
    for rule in RULES {
        rule(policy, errors);
    }
}

/// The rules about origins, shared with `cors-runtime`'s configured origins: each problem is
/// reported at the origin (or the option) it is about, and a conflict between two keys at the
/// later one, with a note at the other. Nothing to check when `allow_origins` could not be read
/// (that is reported already).
fn origin_rules(policy: &Policy, errors: &mut Errors) {
    let (Some(allow_origins), Some(origins)) = (&policy.allow_origins, policy.origins()) else {
        return;
    };
    let origins = match origins {
        AnyOr::Any => None,
        AnyOr::List(list) => Some(list),
    };
    for (subject, problem) in rules::origin_problems(origins, policy.origin_context()) {
        match subject {
            Subject::Origin(index) => {
                let origin = &origins.unwrap_or_default()[index];
                errors.push(origin.place, origin.message(problem));
            }
            Subject::AnyOriginWith(key) => {
                if let Some(written) = policy.options.written(key) {
                    conflict(
                        errors,
                        written,
                        allow_origins.written(),
                        &problem.to_string(),
                    );
                }
            }
            Subject::OptIn(key) => {
                if let Some(written) = policy.options.written(key) {
                    errors.push(written.span, problem);
                }
            }
        }
    }
}

/// With credentials, `Access-Control-Expose-Headers: *` names a header called `*`.
fn credentials_with_any_exposed_header(policy: &Policy, errors: &mut Errors) {
    let options = &policy.options;
    let (Some(credentials), Some(expose)) = (&options.allow_credentials, &options.expose_headers)
    else {
        return;
    };
    if credentials.value && matches!(expose.value, ExposedHeaders(AnyOr::Any)) {
        conflict(
            errors,
            credentials.written(),
            expose.written(),
            "`expose_headers: *` does not expose every header when `allow_credentials: true`: \
             browsers then read `*` as a header named `*`; list the headers to expose, as in \
             `expose_headers: [\"x-request-id\"]`",
        );
    }
}

fn method_names(policy: &Policy, errors: &mut Errors) {
    let Some(Setting {
        value: Methods(AnyOr::List(methods)),
        ..
    }) = &policy.options.allow_methods
    else {
        return;
    };
    for method in methods {
        if !is_token(method.value.as_bytes()) {
            errors.push(
                method.span,
                format!(
                    "`{}` is not a method name: a method is a token, letters, digits and \
                     ``!#$%&'*+-.^_`|~`` only",
                    method.value.escape_debug()
                ),
            );
        } else if is_forbidden_method(&method.value) {
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
    let Some(headers) = &policy.options.allow_headers else {
        return;
    };
    for name in &headers.value.names {
        if !check_token(name, errors) {
            continue;
        }
        let value = name.value.as_str();
        if is_forbidden_request_header(value) {
            errors.push(
                name.span,
                format!(
                    "`{value}` is a forbidden request header: browsers never let a script set \
                     it, so allowing it has no effect; remove it"
                ),
            );
        } else if is_cors_response_header(value) {
            errors.push(
                name.span,
                format!(
                    "`{value}` is a response header: the server sends it, a request never \
                     carries it; remove it from `allow_headers`"
                ),
            );
        }
    }
    duplicates(&headers.value.names, "request header", errors);
}

fn exposed_header_names(policy: &Policy, errors: &mut Errors) {
    let Some(Setting {
        value: ExposedHeaders(AnyOr::List(names)),
        ..
    }) = &policy.options.expose_headers
    else {
        return;
    };
    for name in names {
        if check_token(name, errors) && NEVER_EXPOSED_HEADERS.contains(&name.value.as_str()) {
            errors.push(
                name.span,
                format!(
                    "`{}` can never be exposed: browsers hide it from scripts whatever the \
                     server says; remove it",
                    name.value
                ),
            );
        }
    }
    duplicates(names, "exposed header", errors);
}

fn max_age_range(policy: &Policy, errors: &mut Errors) {
    let Some(max_age) = &policy.options.max_age else {
        return;
    };
    let seconds = max_age.value.0;
    if seconds > MAX_AGE_LIMIT {
        errors.push(
            max_age.span,
            format!(
                "`max_age: {seconds}` is more than a day; browsers cap it (Chromium at 7200 s, \
                 Firefox at 86400 s), so write at most `{MAX_AGE_LIMIT}`"
            ),
        );
    }
}

fn preflight_success_status(policy: &Policy, errors: &mut Errors) {
    let Some(status) = &policy.options.preflight_success_status else {
        return;
    };
    let code = status.value.0;
    if !matches!(code, 200 | 204) {
        errors.push(
            status.span,
            format!(
                "`preflight_success_status: {code}` is not allowed; write `204` (the default) or \
                 `200` for old clients that reject 204"
            ),
        );
    }
}

/// Reports a name that is not a token; true when it is one.
fn check_token(name: &Spanned<String>, errors: &mut Errors) -> bool {
    let valid = is_token(name.value.as_bytes());
    if !valid {
        errors.push(
            name.span,
            format!(
                "`{}` is not a header name: a name is a token, letters, digits and \
                 ``!#$%&'*+-.^_`|~`` only",
                name.value.escape_debug()
            ),
        );
    }
    valid
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
fn conflict(errors: &mut Errors, a: Written<'_>, b: Written<'_>, message: &str) {
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
fn setting_tokens(written: Written<'_>) -> (TokenStream, String) {
    let value_end: Span = written.span;
    let mut tokens = written.key.to_token_stream();
    tokens.extend(quote_spanned!(value_end=> value));
    (tokens, written.key.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::Input;

    fn errors(source: &str) -> Vec<String> {
        let tokens = format!("(krate) {source}").parse().unwrap();
        let entries = Input::read(tokens).unwrap().entries.unwrap();
        let mut errors = Errors::default();
        let policy = Policy::lower(entries, &mut errors);
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

    #[test]
    fn credentials_need_secure_origins_unless_opted_in() {
        let secure = r#"allow_origins: ["https://a.example", "http://localhost:*", "http://127.0.0.1:8080",
            "http://[::1]:3000", "http://*.localhost:*", "tauri://localhost"], allow_credentials: true"#;
        assert!(errors(secure).is_empty(), "{:?}", errors(secure));
        let found = errors(
            r#"allow_origins: ["http://app.example", "chrome-extension://abc"], allow_credentials: true"#,
        );
        assert_eq!(found.len(), 2);
        assert!(
            found[0].starts_with("origin `http://app.example` is not secure"),
            "{found:?}"
        );
        assert!(found[0].contains("use `https://app.example`"));
        let opted = r#"allow_origins: ["http://app.example"], allow_credentials: true,
            dangerously_allow_insecure_origins: true"#;
        assert!(errors(opted).is_empty());
        // Without credentials plain http is fine.
        assert!(errors(r#"allow_origins: ["http://app.example"]"#).is_empty());
    }

    #[test]
    fn credentials_refuse_public_suffix_wildcards_unless_opted_in() {
        for pattern in [
            "https://*.github.io",
            "https://*.co.uk",
            "https://*.com",
            "https://*.com.",
        ] {
            let found = errors(&format!(
                r#"allow_origins: ["{pattern}"], allow_credentials: true"#
            ));
            assert_eq!(found.len(), 1, "{pattern}: {found:?}");
            assert!(found[0].contains("public suffix"), "{found:?}");
        }
        assert!(
            errors(r#"allow_origins: ["https://*.example.co.uk"], allow_credentials: true"#)
                .is_empty()
        );
        assert!(errors(r#"allow_origins: ["https://*.github.io"]"#).is_empty());
        let opted = r#"allow_origins: ["https://*.github.io"], allow_credentials: true,
            dangerously_allow_public_suffix_subdomains: true"#;
        assert!(errors(opted).is_empty());
    }

    #[test]
    fn opt_ins_without_effect_are_errors() {
        let cases = [
            (
                r#"allow_origins: ["https://a.example"], dangerously_allow_insecure_origins: true"#,
                "only relaxes",
            ),
            (
                r#"allow_origins: ["https://a.example"], allow_credentials: true, dangerously_allow_insecure_origins: true"#,
                "no origin of this policy is insecure",
            ),
            (
                r#"allow_origins: ["https://*.a.example"], allow_credentials: true, dangerously_allow_public_suffix_subdomains: true"#,
                "no `*.` pattern",
            ),
            (
                r#"allow_origins: ["https://a.example"], dangerously_allow_public_suffix_subdomains: false"#,
                "`false` is the default",
            ),
        ];
        for (source, why) in cases {
            let found = errors(source);
            assert_eq!(found.len(), 1, "{found:?}");
            assert!(
                found[0].contains("has no effect") && found[0].contains(why),
                "{found:?}"
            );
        }
    }

    #[test]
    fn header_name_rules() {
        let found = errors(
            r#"allow_origins: *, allow_headers: ["Cookie", "proxy-authorization", "sec-fetch-mode",
               "access-control-allow-origin", "x-fine", "content-type"],
               expose_headers: ["Set-Cookie", "x-fine"]"#,
        );
        assert_eq!(found.len(), 5, "{found:?}");
        assert!(found[0].starts_with("`cookie` is a forbidden request header"));
        assert!(found[1].starts_with("`proxy-authorization` is a forbidden"));
        assert!(found[2].starts_with("`sec-fetch-mode` is a forbidden"));
        assert!(found[3].starts_with("`access-control-allow-origin` is a response header"));
        assert!(found[4].starts_with("`set-cookie` can never be exposed"));
    }

    #[test]
    fn star_conflicts_with_credentials_and_private_network() {
        let found = errors(
            r#"allow_origins: ["https://a.example"], allow_credentials: true, expose_headers: *"#,
        );
        assert!(
            found[0].starts_with("`expose_headers: *` does not expose"),
            "{found:?}"
        );
        assert_eq!(found[1], "note: in conflict with `allow_credentials` here");
        let found = errors("allow_origins: *, allow_private_network: true");
        assert!(
            found[0].starts_with("`allow_private_network: true` cannot be combined"),
            "{found:?}"
        );
        assert_eq!(found[1], "note: in conflict with `allow_origins` here");
    }
}

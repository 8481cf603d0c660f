//! The normalized policy: every key read, every value of the right kind, every span kept.
//!
//! Lowering from [`crate::parse`] reports the errors of shape (unknown or repeated keys, values
//! of the wrong kind, `*` inside a list where it means nothing) and normalizes what browsers
//! normalize (method and header case). Rules about what the values mean are in
//! [`crate::validate`].

use std::borrow::Borrow;

use cors_rules::fetch::{NORMALIZED_METHODS, is_forbidden_method, normalize_method};
use cors_rules::origin::OriginPattern;
use cors_rules::rules;
use cors_rules::{AnyOr, Key};
use proc_macro2::{Span, TokenStream};
use syn::{Ident, Lit, LitStr};

use crate::errors::{Errors, Place};
use crate::parse::{Entry, EnvVar, Item, Value};

/// A value with the span of the token it came from.
#[derive(Clone, Debug)]
pub(crate) struct Spanned<T> {
    pub(crate) value: T,
    pub(crate) span: Span,
}

/// A key that was set, with where.
#[derive(Debug)]
pub(crate) struct Setting<T> {
    pub(crate) key: Ident,
    /// Where the key stands among the entries, to report a conflict at the later key.
    pub(crate) position: usize,
    /// The span of the whole value.
    pub(crate) span: Span,
    pub(crate) value: T,
}

/// Where a key was written, whatever its value's type: what an error about the key as a whole
/// points at.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Written<'a> {
    pub(crate) key: &'a Ident,
    /// Where the key stands among the entries.
    pub(crate) position: usize,
    /// The span of the whole value.
    pub(crate) span: Span,
}

impl<T> Setting<T> {
    pub(crate) fn written(&self) -> Written<'_> {
        Written {
            key: &self.key,
            position: self.position,
            span: self.span,
        }
    }
}

/// Names, each with its span.
pub(crate) type Names = Vec<Spanned<String>>;

/// `allow_methods`: `*`, or methods normalized as browsers normalize them.
#[derive(Debug)]
pub(crate) struct Methods(pub(crate) AnyOr<Names>);

/// `allow_headers`, whose list may hold `*` beside names (`[*, "authorization"]`).
#[derive(Debug)]
pub(crate) struct RequestHeaders {
    /// Where `*` was written, if it was.
    pub(crate) any: Option<Span>,
    /// Lowercase names.
    pub(crate) names: Names,
}

/// `expose_headers`: `*`, or lowercase names.
#[derive(Debug)]
pub(crate) struct ExposedHeaders(pub(crate) AnyOr<Names>);

/// `max_age`: seconds, range-checked by validation.
#[derive(Debug)]
pub(crate) struct MaxAge(pub(crate) u64);

/// `preflight_success_status`: checked by validation.
#[derive(Debug)]
pub(crate) struct SuccessStatus(pub(crate) u64);

/// `allow_origins`: `*`, or the patterns.
pub(crate) type Origins = AnyOr<Vec<Origin>>;

/// An origin pattern of the policy, and where it came from.
#[derive(Debug)]
pub(crate) struct Origin {
    pub(crate) pattern: OriginPattern,
    /// The literal, or the `env(…)` that read it.
    pub(crate) place: Place,
    /// The environment variable it was read from, if it was.
    pub(crate) variable: Option<String>,
}

impl Borrow<OriginPattern> for Origin {
    fn borrow(&self) -> &OriginPattern {
        &self.pattern
    }
}

impl Origin {
    /// A message about this origin, naming the variable it came from.
    pub(crate) fn message(&self, problem: impl std::fmt::Display) -> String {
        match &self.variable {
            Some(name) => from_variable(name, problem),
            None => problem.to_string(),
        }
    }
}

fn from_variable(name: &str, problem: impl std::fmt::Display) -> String {
    format!("environment variable `{name}`: {problem}")
}

/// The policy as written, normalized. Defaults are the runtime's.
#[derive(Debug)]
pub(crate) struct Policy {
    /// Who may read responses; `None` when it is missing or could not be read, which is
    /// already reported: the rules that need it are then skipped, every other rule still runs.
    pub(crate) allow_origins: Option<Setting<Origins>>,
    /// Every other key.
    pub(crate) options: Options,
    /// The environment variables read, so the generated code can make cargo track them.
    pub(crate) variables: Vec<String>,
}

/// What a key's lowered value answers with: written out by [`crate::expand`], which alone knows
/// the runtime's types.
pub(crate) trait Answer {
    /// The value of the runtime's field named after the key, through `private`.
    fn answer(&self, private: &TokenStream) -> TokenStream;
}

/// Declares [`Options`] from one table of the keys besides `allow_origins`: the field (named as
/// the key is written, as is the runtime's field for it), the type its value lowers to, and the
/// function that lowers it. A key of [`Key`] missing here does not compile.
macro_rules! options {
    ($($key:ident => $field:ident: $type:ty = $lower:expr,)*) => {
        /// The keys besides `allow_origins`; an absent key is `None`.
        #[derive(Debug, Default)]
        pub(crate) struct Options {
            $(pub(crate) $field: Option<Setting<$type>>,)*
        }

        impl Options {
            /// Lowers the value of `which` into its field; `allow_origins` is not an option.
            fn set(&mut self, which: Key, key: &Ident, position: usize, value: &Value, errors: &mut Errors) {
                let span = value.span();
                match which {
                    Key::AllowOrigins => {}
                    $(Key::$key => {
                        self.$field = $lower(which, value, errors)
                            .map(|value| Setting { key: key.clone(), position, span, value });
                    })*
                }
            }

            /// Where `which` was written, if it was (`allow_origins` is not an option).
            pub(crate) fn written(&self, which: Key) -> Option<Written<'_>> {
                match which {
                    Key::AllowOrigins => None,
                    $(Key::$key => self.$field.as_ref().map(Setting::written),)*
                }
            }

            /// Visits each key that was set, with its value.
            pub(crate) fn each_set(&self, mut visit: impl FnMut(Key, &dyn Answer)) {
                $(if let Some(setting) = &self.$field {
                    visit(Key::$key, &setting.value);
                })*
            }
        }
    };
}

options! {
    AllowMethods => allow_methods: Methods = lower_methods,
    AllowHeaders => allow_headers: RequestHeaders = lower_request_headers,
    ExposeHeaders => expose_headers: ExposedHeaders = lower_expose_headers,
    AllowCredentials => allow_credentials: bool = lower_bool,
    MaxAge => max_age: MaxAge = lower_max_age,
    AllowPrivateNetwork => allow_private_network: bool = lower_bool,
    PreflightSuccessStatus => preflight_success_status: SuccessStatus = lower_status,
    RefuseCrossOriginWrites => refuse_cross_origin_writes: bool = lower_bool,
    DangerouslyAllowInsecureOrigins => dangerously_allow_insecure_origins: bool = lower_bool,
    DangerouslyAllowPublicSuffixSubdomains => dangerously_allow_public_suffix_subdomains: bool = lower_bool,
}

impl Policy {
    /// Lowers the entries, reporting every problem of shape. Every key is lowered whatever
    /// happened to the others, so that one build reports them all.
    pub(crate) fn lower(entries: Vec<Entry>, errors: &mut Errors) -> Self {
        let mut allow_origins = None;
        let mut options = Options::default();
        let mut variables = Vec::new();
        let mut given: Vec<(Key, Ident)> = Vec::new();
        for (position, Entry { key, value }) in entries.into_iter().enumerate() {
            let name = key.to_string();
            let Some(which) = Key::from_name(&name) else {
                let nearest = Key::nearest(&name);
                if nearest == Some(Key::AllowOrigins) {
                    // Reporting `allow_origins` missing as well would only repeat this error.
                    given.push((Key::AllowOrigins, key.clone()));
                }
                let message = match nearest {
                    Some(near) => format!("unknown key `{name}`; did you mean `{}`?", near.name()),
                    None => format!("unknown key `{name}`; the keys are {}", key_list()),
                };
                errors.push(key.span(), message);
                continue;
            };
            if let Some((_, first)) = given.iter().find(|(seen, _)| *seen == which) {
                errors.push(
                    key.span(),
                    format!("duplicate key `{key}`; each key may be given once (the first `{first}` is kept)"),
                );
                continue;
            }
            given.push((which, key.clone()));
            if which == Key::AllowOrigins {
                let span = value.span();
                allow_origins =
                    lower_origins(&value, &mut variables, errors).map(|value| Setting {
                        key: key.clone(),
                        position,
                        span,
                        value,
                    });
            } else {
                options.set(which, &key, position, &value, errors);
            }
        }
        if !given.iter().any(|(key, _)| *key == Key::AllowOrigins) {
            errors.push(
                Span::call_site(),
                "missing `allow_origins`: list the origins that may read responses, such as \
                 `allow_origins: [\"https://app.example.com\"]`, or write `allow_origins: *`",
            );
        }
        Self {
            allow_origins,
            options,
            variables,
        }
    }

    /// `*` or the patterns; `None` when `allow_origins` could not be read.
    pub(crate) fn origins(&self) -> Option<AnyOr<&[Origin]>> {
        self.allow_origins
            .as_ref()
            .map(|setting| match &setting.value {
                AnyOr::Any => AnyOr::Any,
                AnyOr::List(list) => AnyOr::List(&list[..]),
            })
    }

    /// What the origin rules need to know about the rest of the policy.
    pub(crate) fn origin_context(&self) -> rules::OriginContext {
        let o = &self.options;
        rules::OriginContext {
            credentials: is_true(o.allow_credentials.as_ref()),
            private_network: is_true(o.allow_private_network.as_ref()),
            refuse_writes: is_true(o.refuse_cross_origin_writes.as_ref()),
            insecure_opt_in: o
                .dangerously_allow_insecure_origins
                .as_ref()
                .map(|s| s.value),
            public_suffix_opt_in: o
                .dangerously_allow_public_suffix_subdomains
                .as_ref()
                .map(|s| s.value),
        }
    }
}

fn is_true(setting: Option<&Setting<bool>>) -> bool {
    setting.is_some_and(|setting| setting.value)
}

fn key_list() -> String {
    Key::ALL
        .iter()
        .map(|key| format!("`{}`", key.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn wrong_kind(errors: &mut Errors, key: Key, value: &Value) {
    errors.push(
        value.span(),
        format!("`{}` takes {}", key.name(), key.expects()),
    );
}

/// The text of a string literal; a suffix (`"PUT"x`) is an error rather than silently dropped.
fn string(lit: &LitStr, errors: &mut Errors) -> Option<String> {
    if lit.suffix().is_empty() {
        return Some(lit.value());
    }
    errors.push(
        lit.span(),
        format!(
            "`{}` has the suffix `{}`, which means nothing here; write `{:?}`",
            quote::ToTokens::to_token_stream(lit),
            lit.suffix(),
            lit.value()
        ),
    );
    None
}

/// Reads `*` or `[…]`; any other value is reported as the wrong kind.
fn star_or_items<'v>(value: &'v Value, errors: &mut Errors, key: Key) -> Option<AnyOr<&'v [Item]>> {
    match value {
        Value::Star(_) => Some(AnyOr::Any),
        Value::List { items, .. } => Some(AnyOr::List(items)),
        _ => {
            wrong_kind(errors, key, value);
            None
        }
    }
}

fn lower_origins(
    value: &Value,
    variables: &mut Vec<String>,
    errors: &mut Errors,
) -> Option<Origins> {
    if let Value::Lit(Lit::Str(lit)) = value {
        errors.push(
            lit.span(),
            format!(
                "`allow_origins` takes a list; write `[{}]`",
                quote::ToTokens::to_token_stream(lit)
            ),
        );
        return None;
    }
    if let Value::Env(var) = value {
        // The whole list from the environment: `*` alone there means any origin.
        let elements = read_variable(var, variables, errors)?;
        let AnyOr::List(rules::ReadList { patterns, problems }) = rules::read_list(&elements)
        else {
            return Some(AnyOr::Any);
        };
        let name = var.name.value();
        for problem in &problems {
            errors.push(var.place, from_variable(&name, problem));
        }
        if elements.is_empty() {
            return None; // nothing to check the rest of the policy against
        }
        let origins = patterns
            .into_iter()
            .map(|pattern| Origin {
                pattern,
                place: var.place,
                variable: Some(name.clone()),
            })
            .collect();
        return Some(AnyOr::List(origins));
    }
    let AnyOr::List(items) = star_or_items(value, errors, Key::AllowOrigins)? else {
        return Some(AnyOr::Any);
    };
    if items.is_empty() {
        errors.push(value.span(), rules::empty_list());
        return None;
    }
    if let [only] = items
        && star_element(only)
    {
        let written = match only {
            Item::Str(_) => "\"*\"",
            _ => "*",
        };
        errors.push(
            only.span(),
            format!(
                "a list holding only `{written}` is not the wildcard; write `allow_origins: *` \
                 to allow any origin"
            ),
        );
        return None;
    }
    let mut origins = Vec::new();
    // Whether some variable had an element, and whether some could not be read at all.
    let (mut read_any, mut unread) = (false, false);
    for item in items {
        match item {
            Item::Str(lit) => match string(lit, errors).map(|text| rules::parse_element(&text)) {
                Some(Ok(pattern)) => origins.push(Origin {
                    pattern,
                    place: lit.span().into(),
                    variable: None,
                }),
                Some(Err(problem)) => errors.push(lit.span(), problem),
                None => {}
            },
            Item::Env(var) => match read_variable(var, variables, errors) {
                Some(elements) => {
                    read_any |= !elements.is_empty();
                    lower_variable(var, &elements, &mut origins, errors);
                }
                None => unread = true,
            },
            Item::Star(star) => errors.push(star.span, rules::star_among_origins()),
            Item::Ident(_) | Item::Other(_) => errors.push(
                item.span(),
                "origins are strings, such as `\"https://app.example.com\"`",
            ),
        }
    }
    // A list of variables that are all empty allows nothing, like `[]`; one that could not be
    // read was reported already, and its value is unknown.
    let only_variables = items.iter().all(|item| matches!(item, Item::Env(_)));
    if only_variables && !read_any {
        if !unread {
            errors.push(value.span(), rules::empty_list());
        }
        return None;
    }
    Some(AnyOr::List(origins))
}

/// Whether a list element is `*` or `"*"`, which only `allow_origins: *` means.
fn star_element(item: &Item) -> bool {
    match item {
        Item::Star(_) => true,
        Item::Str(lit) => lit.value() == "*",
        _ => false,
    }
}

/// The elements of `env("VAR")`'s value, or an error when it is unset or not UTF-8. The name is
/// recorded either way, so that setting the variable rebuilds the crate.
fn read_variable(
    var: &EnvVar,
    variables: &mut Vec<String>,
    errors: &mut Errors,
) -> Option<Vec<String>> {
    let name = var.name.value();
    variables.push(name.clone());
    match std::env::var(&name) {
        Ok(value) => Some(rules::split_list(&value).map(str::to_owned).collect()),
        Err(std::env::VarError::NotPresent) => {
            errors.push(
                var.place,
                format!(
                    "environment variable `{name}` is not set; set it to the allowed origins, \
                     separated by commas or spaces, when you build, as in \
                     `{name}=\"https://app.example.com\" cargo build`"
                ),
            );
            None
        }
        Err(std::env::VarError::NotUnicode(_)) => {
            errors.push(
                var.place,
                format!("environment variable `{name}` is not valid UTF-8"),
            );
            None
        }
    }
}

/// Parses the elements read from `var`, each checked exactly as a literal would be.
fn lower_variable(
    var: &EnvVar,
    elements: &[String],
    origins: &mut Vec<Origin>,
    errors: &mut Errors,
) {
    let name = var.name.value();
    for element in elements {
        match rules::parse_element(element) {
            Ok(pattern) => origins.push(Origin {
                pattern,
                place: var.place,
                variable: Some(name.clone()),
            }),
            Err(problem) => errors.push(var.place, from_variable(&name, problem)),
        }
    }
}

fn lower_methods(key: Key, value: &Value, errors: &mut Errors) -> Option<Methods> {
    let AnyOr::List(items) = star_or_items(value, errors, key)? else {
        return Some(Methods(AnyOr::Any));
    };
    let mut methods = Vec::new();
    for item in items {
        let method = match item {
            Item::Ident(ident) => {
                let name = ident.to_string();
                if let Some(problem) = bare_method_problem(&name) {
                    errors.push(ident.span(), problem);
                    continue;
                }
                name
            }
            Item::Str(lit) => match string(lit, errors) {
                Some(text) => text,
                None => continue,
            },
            Item::Star(star) => {
                errors.push(
                    star.span,
                    "`*` cannot be mixed with methods: write `allow_methods: *` to allow any \
                     method, or list methods only",
                );
                continue;
            }
            Item::Other(_) | Item::Env(_) => {
                errors.push(
                    item.span(),
                    "a method is a name such as `PUT` or a string such as `\"PURGE\"`",
                );
                continue;
            }
        };
        methods.push(Spanned {
            value: normalize_method(&method),
            span: item.span(),
        });
    }
    Some(Methods(AnyOr::List(methods)))
}

/// Why a method written as a bare name cannot stand as written: browsers upper-case only six
/// methods, so `patch` would allow a lowercase method that no browser sends for `PATCH`.
fn bare_method_problem(name: &str) -> Option<String> {
    let normalized = NORMALIZED_METHODS
        .iter()
        .any(|known| known.eq_ignore_ascii_case(name));
    let upper = name.to_ascii_uppercase();
    // A forbidden method is reported as forbidden, whatever its case.
    if normalized || upper == name || is_forbidden_method(name) {
        return None;
    }
    let normalized = NORMALIZED_METHODS.map(|m| format!("`{m}`"));
    let (last, first) = normalized.split_last()?;
    Some(format!(
        "method `{name}` written as a bare name must be upper case: browsers upper-case only {} \
         and {last}, so `{name}` would allow only the method `{name}`, which browsers do not send \
         for `{upper}`; write `{upper}`, or the string `\"{name}\"` if that is the method you mean",
        first.join(", ")
    ))
}

fn header_name(item: &Item, errors: &mut Errors) -> Option<Spanned<String>> {
    match item {
        Item::Str(lit) => Some(Spanned {
            value: string(lit, errors)?.to_ascii_lowercase(),
            span: lit.span(),
        }),
        Item::Ident(ident) => {
            errors.push(
                ident.span(),
                format!(
                    "header names are strings; write `\"{}\"`",
                    ident.to_string().replace('_', "-").to_ascii_lowercase()
                ),
            );
            None
        }
        Item::Other(_) | Item::Star(_) | Item::Env(_) => {
            errors.push(
                item.span(),
                "header names are strings, such as `\"content-type\"`",
            );
            None
        }
    }
}

fn lower_request_headers(key: Key, value: &Value, errors: &mut Errors) -> Option<RequestHeaders> {
    let AnyOr::List(items) = star_or_items(value, errors, key)? else {
        return Some(RequestHeaders {
            any: Some(value.span()),
            names: Vec::new(),
        });
    };
    let mut headers = RequestHeaders {
        any: None,
        names: Vec::new(),
    };
    for item in items {
        if let Item::Star(star) = item {
            // `[*, "authorization"]` is meaningful: without credentials, `*` leaves out authorization.
            headers.any = Some(star.span);
        } else if let Some(name) = header_name(item, errors) {
            headers.names.push(name);
        }
    }
    Some(headers)
}

fn lower_expose_headers(key: Key, value: &Value, errors: &mut Errors) -> Option<ExposedHeaders> {
    let AnyOr::List(items) = star_or_items(value, errors, key)? else {
        return Some(ExposedHeaders(AnyOr::Any));
    };
    let mut names = Vec::new();
    for item in items {
        if let Item::Star(star) = item {
            errors.push(
                star.span,
                "`*` cannot be mixed with header names: write `expose_headers: *` to expose \
                 every header, or list names only",
            );
        } else if let Some(name) = header_name(item, errors) {
            names.push(name);
        }
    }
    Some(ExposedHeaders(AnyOr::List(names)))
}

fn lower_bool(key: Key, value: &Value, errors: &mut Errors) -> Option<bool> {
    if let Value::Lit(Lit::Bool(lit)) = value {
        return Some(lit.value);
    }
    wrong_kind(errors, key, value);
    None
}

fn lower_max_age(key: Key, value: &Value, errors: &mut Errors) -> Option<MaxAge> {
    lower_integer(key, value, errors).map(MaxAge)
}

fn lower_status(key: Key, value: &Value, errors: &mut Errors) -> Option<SuccessStatus> {
    lower_integer(key, value, errors).map(SuccessStatus)
}

fn lower_integer(key: Key, value: &Value, errors: &mut Errors) -> Option<u64> {
    match value {
        // `600ms` would otherwise be read as 600 seconds, and `204u16` as if the type mattered.
        Value::Lit(Lit::Int(lit)) if !lit.suffix().is_empty() => {
            let unit = if key == Key::MaxAge {
                " (`max_age` is always in seconds)"
            } else {
                ""
            };
            errors.push(
                lit.span(),
                format!(
                    "`{lit}` has the suffix `{}`, which `cors_policy!` does not read{unit}; \
                     write the plain integer `{}`",
                    lit.suffix(),
                    lit.base10_digits()
                ),
            );
        }
        Value::Lit(Lit::Int(lit)) => match lit.base10_parse::<u64>() {
            Ok(number) => return Some(number),
            Err(error) => errors.add(error),
        },
        Value::Negative(minus, _) => {
            errors.push(
                minus.span,
                format!(
                    "`{}` cannot be negative; it takes {}",
                    key.name(),
                    key.expects()
                ),
            );
        }
        _ => wrong_kind(errors, key, value),
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::Input;

    /// Lowers `source`, returning the policy and every error message.
    pub(crate) fn lower(source: &str) -> (Policy, Vec<String>) {
        let tokens = format!("(krate) {source}").parse().unwrap();
        let entries = Input::read(tokens).unwrap().entries.unwrap();
        let mut errors = Errors::default();
        let policy = Policy::lower(entries, &mut errors);
        let messages = errors
            .into_result()
            .err()
            .map(|e| e.into_iter().map(|e| e.to_string()).collect())
            .unwrap_or_default();
        (policy, messages)
    }

    #[test]
    fn normalizes_methods_and_header_names() {
        let (policy, errors) = lower(
            r#"allow_origins: *, allow_methods: [put, "Delete", "patch", "PURGE"],
               allow_headers: ["Content-Type", *], expose_headers: ["X-Request-Id"]"#,
        );
        assert!(errors.is_empty(), "{errors:?}");
        let Some(Setting {
            value: Methods(AnyOr::List(methods)),
            ..
        }) = &policy.options.allow_methods
        else {
            panic!()
        };
        let methods: Vec<_> = methods.iter().map(|m| m.value.as_str()).collect();
        assert_eq!(methods, ["PUT", "DELETE", "patch", "PURGE"]);
        let headers = &policy.options.allow_headers.unwrap().value;
        assert!(headers.any.is_some());
        assert_eq!(headers.names[0].value, "content-type");
    }

    #[test]
    fn reports_every_problem_of_shape_in_one_pass() {
        let (policy, errors) = lower(
            r#"allow_origin: ["https://a.example"], allow_credentials: yes, max_age: -5,
               allow_methods: [PUT, *], allow_methods: [GET], frobnicate: true"#,
        );
        assert!(policy.allow_origins.is_none());
        assert_eq!(
            errors,
            [
                "unknown key `allow_origin`; did you mean `allow_origins`?",
                "`allow_credentials` takes `true` or `false`",
                "`max_age` cannot be negative; it takes an integer literal of seconds, from 0 to 86400, such as `600`",
                "`*` cannot be mixed with methods: write `allow_methods: *` to allow any method, or list methods only",
                "duplicate key `allow_methods`; each key may be given once (the first `allow_methods` is kept)",
                "unknown key `frobnicate`; the keys are `allow_origins`, `allow_methods`, `allow_headers`, `expose_headers`, `allow_credentials`, `max_age`, `allow_private_network`, `preflight_success_status`, `refuse_cross_origin_writes`, `dangerously_allow_insecure_origins`, `dangerously_allow_public_suffix_subdomains`",
            ]
        );
    }

    #[test]
    fn bare_method_names_are_upper_case_unless_browsers_normalize_them() {
        let (policy, errors) = lower(
            r#"allow_origins: *, allow_methods: [patch, Purge, connect, get, Put, PATCH, "purge"]"#,
        );
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].starts_with("method `patch` written as a bare name must be upper case"));
        assert!(
            errors[0].ends_with(
                "write `PATCH`, or the string `\"patch\"` if that is the method you mean"
            )
        );
        assert!(errors[1].starts_with("method `Purge` written as a bare name"));
        let Some(Setting {
            value: Methods(AnyOr::List(methods)),
            ..
        }) = &policy.options.allow_methods
        else {
            panic!()
        };
        // `connect` is left for validation, which reports it as forbidden in any case.
        let methods: Vec<_> = methods.iter().map(|m| m.value.as_str()).collect();
        assert_eq!(methods, ["connect", "GET", "PUT", "PATCH", "purge"]);
    }

    #[test]
    fn suffixes_are_refused_not_dropped() {
        let (_, errors) = lower(
            r#"allow_origins: ["https://a.example"x], max_age: 600ms,
               preflight_success_status: 204u16, allow_methods: ["PURGE"q]"#,
        );
        assert_eq!(
            errors,
            [
                r#"`"https://a.example"x` has the suffix `x`, which means nothing here; write `"https://a.example"`"#,
                "`600ms` has the suffix `ms`, which `cors_policy!` does not read (`max_age` is always in seconds); write the plain integer `600`",
                "`204u16` has the suffix `u16`, which `cors_policy!` does not read; write the plain integer `204`",
                r#"`"PURGE"q` has the suffix `q`, which means nothing here; write `"PURGE"`"#,
            ]
        );
    }

    #[test]
    fn a_star_alone_in_the_origin_list_points_to_the_wildcard() {
        for list in ["[\"*\"]", "[*]"] {
            let (policy, errors) = lower(&format!("allow_origins: {list}"));
            assert!(policy.allow_origins.is_none());
            assert_eq!(errors.len(), 1);
            assert!(
                errors[0]
                    .ends_with("is not the wildcard; write `allow_origins: *` to allow any origin"),
                "{errors:?}"
            );
        }
        let (_, errors) = lower(r#"allow_origins: ["https://a.example", "*", *]"#);
        assert_eq!(errors.len(), 2);
        assert!(
            errors
                .iter()
                .all(|e| e.starts_with("`*` cannot be mixed with origins"))
        );
    }

    #[test]
    fn empty_and_mixed_origin_lists_are_errors() {
        let (_, errors) = lower("allow_origins: []");
        assert!(errors[0].starts_with("`allow_origins: []` allows no origin"));
        let (_, errors) = lower(r#"allow_origins: ["https://a.example", *]"#);
        assert!(errors[0].starts_with("`*` cannot be mixed with origins"));
        let (_, errors) = lower(r#"allow_origins: "https://a.example""#);
        assert_eq!(
            errors,
            ["`allow_origins` takes a list; write `[\"https://a.example\"]`"]
        );
    }
}

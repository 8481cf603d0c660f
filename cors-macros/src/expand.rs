//! Writing the `CorsPolicy` expression, or the errors with a stand-in value after them.
//!
//! The only module that knows paths into `cors-runtime`; every path goes through the
//! `$crate::__private` module the caller passed in, or `::core`, so renamed dependencies and
//! shadowed names at the call site do not matter. Output is sorted, so it is the same for the
//! same policy however it was written.

use std::collections::BTreeSet;

use cors_rules::origin::OriginPattern;
use cors_rules::syntax::is_safelisted_method;
use proc_macro2::TokenStream;
use quote::quote;

use crate::ast::{AnyOr, Policy, is_true};
use crate::errors::Errors;
use crate::parse::Input;
use crate::validate::validate;

mod tables;

use tables::origin_set;

/// The whole macro: read, lower, validate, then generate or report.
pub fn policy(tokens: TokenStream) -> TokenStream {
    let input = match Input::read(tokens) {
        Ok(input) => input,
        Err(error) => return error.to_compile_error(),
    };
    let private = {
        let krate = &input.krate;
        quote!(#krate::__private)
    };
    let mut errors = Errors::default();
    let policy = match input.entries {
        Ok(entries) => Policy::lower(entries, &mut errors),
        Err(error) => {
            errors.add(error);
            None
        }
    };
    if let Some(policy) = &policy {
        validate(policy, &mut errors);
    }
    match (errors.into_result(), policy) {
        (Ok(()), Some(policy)) => generate(&private, &policy),
        (result, policy) => {
            let errors = result.err().map(|error| error.to_compile_error());
            let tracked = policy.as_ref().map(track_variables);
            // A value of the right type after the errors, so that no knock-on type error
            // buries them.
            quote!({ #errors #tracked #private::FALLBACK })
        }
    }
}

/// Names each environment variable the policy read in an `option_env!`, which rustc records in
/// the crate's dep-info: cargo then rebuilds the crate when one changes. A proc macro's own
/// reads are invisible to cargo.
fn track_variables(policy: &Policy) -> TokenStream {
    let names = &policy.variables;
    quote!(#(const _: ::core::option::Option<&::core::primitive::str> = ::core::option_env!(#names);)*)
}

fn generate(private: &TokenStream, policy: &Policy) -> TokenStream {
    let options = &policy.options;
    let (origins, origin_set, patterns) = match policy.origins() {
        None => (quote!(#private::AllowOrigins::Any), None, Vec::new()),
        Some(list) => {
            let patterns: BTreeSet<&OriginPattern> = list.iter().map(|o| &o.pattern).collect();
            let set = origin_set(private, patterns.iter().copied());
            (
                quote!(#private::AllowOrigins::Matching(#private::Stored::Static(&__CORS_ORIGINS))),
                Some(set),
                patterns.iter().map(ToString::to_string).collect(),
            )
        }
    };
    let pattern_count = patterns.len();
    let methods = match options.allow_methods.as_ref().map(|s| &s.value) {
        Some(AnyOr::Any) => quote!(#private::AllowMethods::Any),
        Some(AnyOr::List(list)) => {
            let methods: BTreeSet<&str> = list
                .iter()
                .map(|m| m.value.as_str())
                .filter(|m| !is_safelisted_method(m.as_bytes()))
                .collect();
            let count = methods.len();
            quote!({
                static __CORS_METHODS: [#private::Value; #count] =
                    [#(#private::Value::from_static(#methods)),*];
                #private::AllowMethods::List(&__CORS_METHODS)
            })
        }
        None => quote!({
            static __CORS_METHODS: [#private::Value; 0] = [];
            #private::AllowMethods::List(&__CORS_METHODS)
        }),
    };
    let headers = match &options.allow_headers {
        Some(setting) if setting.value.any.is_some() => {
            let authorization = setting
                .value
                .names
                .iter()
                .any(|n| n.value == "authorization");
            quote!(#private::AllowHeaders::Any { authorization: #authorization })
        }
        setting => {
            let names: BTreeSet<&str> = setting
                .iter()
                .flat_map(|s| &s.value.names)
                .map(|n| n.value.as_str())
                .collect();
            let longest = names.iter().map(|n| n.len()).max().unwrap_or(0);
            quote!(#private::AllowHeaders::List { names: &[#(#names),*], longest: #longest })
        }
    };
    let expose_headers = optional_value(
        private,
        options.expose_headers.as_ref().map(|s| match &s.value {
            AnyOr::Any => "*".to_owned(),
            AnyOr::List(names) => {
                let names: BTreeSet<&str> = names.iter().map(|n| n.value.as_str()).collect();
                names.into_iter().collect::<Vec<_>>().join(", ")
            }
        }),
    );
    let max_age = optional_value(
        private,
        options.max_age.as_ref().map(|s| s.value.to_string()),
    );
    let credentials = policy.credentials();
    let private_network = is_true(options.allow_private_network.as_ref());
    let insecure_origins = is_true(options.dangerously_allow_insecure_origins.as_ref());
    let public_suffix_subdomains =
        is_true(options.dangerously_allow_public_suffix_subdomains.as_ref());
    let tracked = track_variables(policy);
    let status = if options.preflight_success_status.as_ref().map(|s| s.value) == Some(200) {
        quote!(#private::StatusCode::OK)
    } else {
        quote!(#private::StatusCode::NO_CONTENT)
    };
    quote!({
        #tracked
        #origin_set
        static __CORS_PATTERNS: [#private::Stored<::core::primitive::str>; #pattern_count] =
            [#(#private::Stored::Static(#patterns)),*];
        #private::CorsPolicy::from_parts(#private::PolicyParts {
            origins: #origins,
            origin_patterns: #private::Stored::Static(&__CORS_PATTERNS),
            methods: #methods,
            headers: #headers,
            expose_headers: #expose_headers,
            credentials: #credentials,
            max_age: #max_age,
            private_network: #private_network,
            preflight_status: #status,
            insecure_origins: #insecure_origins,
            public_suffix_subdomains: #public_suffix_subdomains,
        })
    })
}

fn optional_value(private: &TokenStream, value: Option<String>) -> TokenStream {
    if let Some(value) = value {
        quote!(::core::option::Option::Some(#private::Value::from_static(#value)))
    } else {
        quote!(::core::option::Option::None)
    }
}

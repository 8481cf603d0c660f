//! Writing the `CorsPolicy` expression, or the errors with a stand-in value after them.
//!
//! The only module that knows paths into `cors-runtime`; every path goes through the
//! `$crate::__private` module the caller passed in, or `::core`, so renamed dependencies and
//! shadowed names at the call site do not matter. Output is sorted, so it is the same for the
//! same policy however it was written.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ast::{AnyOr, Policy, is_true};
use crate::errors::Errors;
use crate::origin::OriginPattern;
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
        (result, _) => {
            let errors = result.err().map(|error| error.to_compile_error());
            // A value of the right type after the errors, so that no knock-on type error
            // buries them.
            quote!({ #errors #private::FALLBACK })
        }
    }
}

fn generate(private: &TokenStream, policy: &Policy) -> TokenStream {
    let (origins, origin_set, patterns) = match &policy.allow_origins.value {
        AnyOr::Any => (quote!(#private::AllowOrigins::Any), None, Vec::new()),
        AnyOr::List(list) => {
            let patterns: BTreeSet<&OriginPattern> = list.iter().map(|p| &p.value).collect();
            let set = origin_set(private, &patterns);
            (
                quote!(#private::AllowOrigins::Matching(&__CORS_ORIGINS)),
                Some(set),
                patterns.iter().map(ToString::to_string).collect(),
            )
        }
    };
    let methods = match policy.allow_methods.as_ref().map(|s| &s.value) {
        Some(AnyOr::Any) => quote!(#private::AllowMethods::Any),
        Some(AnyOr::List(list)) => {
            let methods: BTreeSet<&str> = list
                .iter()
                .map(|m| m.value.as_str())
                .filter(|m| !matches!(*m, "GET" | "HEAD" | "POST"))
                .collect();
            let count = methods.len();
            quote!({
                static __CORS_METHODS: [#private::HeaderValue; #count] =
                    [#(#private::HeaderValue::from_static(#methods)),*];
                #private::AllowMethods::List(&__CORS_METHODS)
            })
        }
        None => quote!({
            static __CORS_METHODS: [#private::HeaderValue; 0] = [];
            #private::AllowMethods::List(&__CORS_METHODS)
        }),
    };
    let headers = match &policy.allow_headers {
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
        policy.expose_headers.as_ref().map(|s| match &s.value {
            AnyOr::Any => "*".to_owned(),
            AnyOr::List(names) => {
                let names: BTreeSet<&str> = names.iter().map(|n| n.value.as_str()).collect();
                names.into_iter().collect::<Vec<_>>().join(", ")
            }
        }),
    );
    let max_age = optional_value(
        private,
        policy.max_age.as_ref().map(|s| s.value.to_string()),
    );
    let credentials = policy.credentials();
    let private_network = is_true(policy.allow_private_network.as_ref());
    let status = if policy.preflight_success_status.as_ref().map(|s| s.value) == Some(200) {
        quote!(#private::StatusCode::OK)
    } else {
        quote!(#private::StatusCode::NO_CONTENT)
    };
    quote!({
        #origin_set
        #private::CorsPolicy::from_parts(#private::PolicyParts {
            origins: #origins,
            origin_patterns: &[#(#patterns),*],
            methods: #methods,
            headers: #headers,
            expose_headers: #expose_headers,
            credentials: #credentials,
            max_age: #max_age,
            private_network: #private_network,
            preflight_status: #status,
        })
    })
}

fn optional_value(private: &TokenStream, value: Option<String>) -> TokenStream {
    if let Some(value) = value {
        quote!(::core::option::Option::Some(#private::HeaderValue::from_static(#value)))
    } else {
        quote!(::core::option::Option::None)
    }
}

//! Writing the `CorsPolicy` expression, or the errors with a stand-in value after them.
//!
//! The only module that knows paths into `cors-runtime`; every path goes through the
//! `$crate::__private` module the caller passed in, or `::core`, so renamed dependencies and
//! shadowed names at the call site do not matter. Output is sorted, so it is the same for the
//! same policy however it was written.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::ast::{AnyOr, Policy, is_true};
use crate::errors::Errors;
use crate::origin::{OriginPattern, PortPattern};
use crate::parse::Input;
use crate::validate::validate;

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
    let (origins, matcher, patterns) = match &policy.allow_origins.value {
        AnyOr::Any => (quote!(#private::AllowOrigins::Any), None, Vec::new()),
        AnyOr::List(list) => {
            let patterns: BTreeSet<&OriginPattern> = list.iter().map(|p| &p.value).collect();
            (
                quote!(#private::AllowOrigins::Matching(__cors_match_origin)),
                Some(origin_matcher(private, &patterns)),
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
            quote!(#private::AllowMethods::List(&[#(#methods),*]))
        }
        None => quote!(#private::AllowMethods::List(&[])),
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
        #matcher
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

/// A function that compares exact origins by length, then bytes, and tries the wildcard
/// patterns after them.
fn origin_matcher(private: &TokenStream, patterns: &BTreeSet<&OriginPattern>) -> TokenStream {
    let mut exact: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let mut wildcard = Vec::new();
    for pattern in patterns {
        if pattern.is_exact() {
            let text = pattern.to_string();
            exact.entry(text.len()).or_default().push(text);
        } else {
            wildcard.push(wildcard_check(private, pattern));
        }
    }
    let by_length = exact.iter().map(|(length, origins)| {
        let bytes = origins.iter().map(|o| Literal::byte_string(o.as_bytes()));
        quote! {
            #length => match origin {
                #( #bytes => return #private::OriginMatch::Exact(#origins), )*
                _ => {}
            },
        }
    });
    let exact_match = (!exact.is_empty()).then(|| {
        quote! {
            match origin.len() {
                #(#by_length)*
                _ => {}
            }
        }
    });
    quote! {
        fn __cors_match_origin(origin: &[::core::primitive::u8]) -> #private::OriginMatch {
            #exact_match
            #(
                if #wildcard {
                    return #private::OriginMatch::Pattern;
                }
            )*
            #private::OriginMatch::None
        }
    }
}

fn wildcard_check(private: &TokenStream, pattern: &OriginPattern) -> TokenStream {
    let scheme = Literal::byte_string(format!("{}://", pattern.scheme).as_bytes());
    let host = Literal::byte_string(pattern.host.as_bytes());
    let subdomains = pattern.subdomains;
    let port = match pattern.port {
        PortPattern::Default => quote!(#private::Port::None),
        PortPattern::Exact(port) => {
            let port = Literal::byte_string(format!(":{port}").as_bytes());
            quote!(#private::Port::Exact(#port))
        }
        PortPattern::Any => quote!(#private::Port::Any),
    };
    quote!(#private::match_pattern(origin, #scheme, #host, #subdomains, #port))
}

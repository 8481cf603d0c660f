//! Writing the `CorsPolicy` expression, or the errors with a stand-in value after them.
//!
//! The only module that knows paths into `cors-runtime`; every path goes through the
//! `$crate::__private` module the caller passed in, or `::core`, so renamed dependencies and
//! shadowed names at the call site do not matter. Output is sorted, so it is the same for the
//! same policy however it was written.

use std::collections::BTreeSet;

use cors_rules::AnyOr;
use cors_rules::fetch::is_safelisted_method;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ast::{Answer, ExposedHeaders, MaxAge, Methods, Policy, RequestHeaders, SuccessStatus};
use crate::errors::Errors;
use crate::parse::Input;
use crate::validate::validate;

mod tables;

/// The whole macro: read, lower, validate, then generate or report.
pub(crate) fn policy(tokens: TokenStream) -> TokenStream {
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
        Ok(entries) => Some(Policy::lower(entries, &mut errors)),
        Err(error) => {
            errors.add(error);
            None
        }
    };
    if let Some(policy) = &policy {
        validate(policy, &mut errors);
    }
    let tracked = policy.as_ref().map(track_variables);
    match (errors.into_result(), &policy) {
        (Ok(()), Some(policy)) => {
            let policy = generate(&private, policy);
            quote!({ #tracked #policy })
        }
        (result, _) => {
            let errors = result.err().map(|error| error.to_compile_error());
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

/// The policy: its origins, then the answers of every key that was written, the rest left to
/// the runtime's defaults. Each answer goes in the runtime's field named after its key.
fn generate(private: &TokenStream, policy: &Policy) -> TokenStream {
    let origins = match policy.origins().unwrap_or(AnyOr::Any) {
        AnyOr::Any => quote!(#private::AllowOrigins::Any),
        AnyOr::List(list) => {
            let tables = tables::origin_tables(private, list.iter().map(|o| &o.pattern));
            quote!({
                #tables
                #private::AllowOrigins::List(#private::Stored::Static(&__CORS_ORIGINS))
            })
        }
    };
    let mut answers = Vec::new();
    policy.options.each_set(|key, value| {
        let field = format_ident!("{}", key.name());
        let value = value.answer(private);
        answers.push(quote!(#field: #value));
    });
    quote!(#private::CorsPolicy::from_parts(
        #origins,
        #private::Answers { #(#answers,)* ..#private::Answers::DEFAULT },
    ))
}

impl Answer for bool {
    fn answer(&self, _: &TokenStream) -> TokenStream {
        quote!(#self)
    }
}

impl Answer for Methods {
    /// The listed methods beyond the safelisted ones, sorted, as header values.
    fn answer(&self, private: &TokenStream) -> TokenStream {
        let Self(AnyOr::List(list)) = self else {
            return quote!(#private::AllowMethods::Any);
        };
        let methods: BTreeSet<&str> = list
            .iter()
            .map(|m| m.value.as_str())
            .filter(|m| !is_safelisted_method(m.as_bytes()))
            .collect();
        let count = methods.len();
        quote!({
            static __CORS_METHODS: [#private::PolicyValue; #count] =
                [#(#private::PolicyValue::from_static(#methods)),*];
            #private::AllowMethods::List(&__CORS_METHODS)
        })
    }
}

impl Answer for RequestHeaders {
    /// `*` (noting whether `authorization` is listed beside it), or the sorted names and the
    /// length of the longest, which bounds the parsing of a request's list.
    fn answer(&self, private: &TokenStream) -> TokenStream {
        if self.any.is_some() {
            let authorization = self.names.iter().any(|n| n.value == "authorization");
            return quote!(#private::AllowHeaders::Any { authorization: #authorization });
        }
        let names: BTreeSet<&str> = self.names.iter().map(|n| n.value.as_str()).collect();
        let longest = names.iter().map(|n| n.len()).max().unwrap_or(0);
        quote!(#private::AllowHeaders::List { names: &[#(#names),*], longest: #longest })
    }
}

impl Answer for ExposedHeaders {
    /// The one `Access-Control-Expose-Headers` value: `*`, or the sorted names joined.
    fn answer(&self, private: &TokenStream) -> TokenStream {
        let value = match &self.0 {
            AnyOr::Any => "*".to_owned(),
            AnyOr::List(names) => {
                let names: BTreeSet<&str> = names.iter().map(|n| n.value.as_str()).collect();
                names.into_iter().collect::<Vec<_>>().join(", ")
            }
        };
        some_value(private, &value)
    }
}

impl Answer for MaxAge {
    fn answer(&self, private: &TokenStream) -> TokenStream {
        some_value(private, &self.0.to_string())
    }
}

impl Answer for SuccessStatus {
    fn answer(&self, private: &TokenStream) -> TokenStream {
        if self.0 == 200 {
            quote!(#private::StatusCode::OK)
        } else {
            quote!(#private::StatusCode::NO_CONTENT)
        }
    }
}

fn some_value(private: &TokenStream, value: &str) -> TokenStream {
    quote!(::core::option::Option::Some(#private::PolicyValue::from_static(#value)))
}

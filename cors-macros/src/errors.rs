//! Collecting every error of a policy so that one build reports them all.

use std::fmt::Display;

use proc_macro2::{Span, TokenStream};
use quote::quote_spanned;

/// Where an error points: one token, or a run of tokens from `start` to `end`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Place {
    pub start: Span,
    pub end: Span,
}

impl From<Span> for Place {
    fn from(span: Span) -> Self {
        Self {
            start: span,
            end: span,
        }
    }
}

impl Place {
    /// Tokens that span the place, for `syn::Error::new_spanned`: the only way on stable Rust to
    /// underline more than one token.
    fn tokens(self) -> TokenStream {
        let (start, end) = (self.start, self.end);
        let mut tokens = quote_spanned!(start=> start);
        tokens.extend(quote_spanned!(end=> end));
        tokens
    }

    /// An error that underlines the place.
    pub(crate) fn error(self, message: impl Display) -> syn::Error {
        syn::Error::new_spanned(self.tokens(), message)
    }
}

/// The errors found so far, in the order they were found.
#[derive(Default)]
pub(crate) struct Errors {
    combined: Option<syn::Error>,
}

impl Errors {
    pub(crate) fn push(&mut self, place: impl Into<Place>, message: impl Display) {
        self.add(place.into().error(message));
    }

    pub(crate) fn add(&mut self, error: syn::Error) {
        match &mut self.combined {
            Some(combined) => combined.combine(error),
            None => self.combined = Some(error),
        }
    }

    pub(crate) fn into_result(self) -> Result<(), syn::Error> {
        self.combined.map_or(Ok(()), Err)
    }
}

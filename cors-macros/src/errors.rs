//! Collecting every error of a policy so that one build reports them all.

use std::fmt::Display;

use proc_macro2::Span;

/// The errors found so far, in the order they were found.
#[derive(Default)]
pub struct Errors {
    combined: Option<syn::Error>,
}

impl Errors {
    pub fn push(&mut self, span: Span, message: impl Display) {
        self.add(syn::Error::new(span, message));
    }

    pub fn add(&mut self, error: syn::Error) {
        match &mut self.combined {
            Some(combined) => combined.combine(error),
            None => self.combined = Some(error),
        }
    }

    pub fn into_result(self) -> Result<(), syn::Error> {
        self.combined.map_or(Ok(()), Err)
    }
}

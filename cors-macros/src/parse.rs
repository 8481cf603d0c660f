//! The syntax of the policy block, read into a tree that keeps every token's span.
//!
//! Keys are read as plain identifiers and values by their shape only, so that a misspelt key or
//! a value of the wrong kind becomes a precise error in [`crate::ast`] rather than a parse
//! failure that hides every other problem.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Ident, Lit, LitStr, Token, bracketed, parenthesized};

use crate::errors::Place;

/// The macro's input: the runtime crate's path, then the entries.
pub struct Input {
    /// `$crate` of `cors-runtime`, as its `macro_rules!` wrapper passed it.
    pub krate: TokenStream,
    /// The entries, or the syntax error that stopped reading them.
    pub entries: syn::Result<Vec<Entry>>,
}

/// `key: value`.
pub struct Entry {
    pub key: Ident,
    pub value: Value,
}

/// A value, classified by its first tokens.
pub enum Value {
    /// `*`
    Star(Token![*]),
    /// `[item, …]`; `span` covers the brackets.
    List {
        span: proc_macro2::Span,
        items: Vec<Item>,
    },
    /// A literal: `true`, `600`, `"…"`.
    Lit(Lit),
    /// A negative number, `-1`.
    Negative(Token![-], Lit),
    /// A bare identifier such as `yes` or `PUT` outside a list.
    Ident(Ident),
    /// `env("VAR")`: origins read from an environment variable when the crate compiles.
    Env(EnvVar),
}

/// `env("VAR")`.
pub struct EnvVar {
    /// The variable's name.
    pub name: LitStr,
    /// From `env` to the closing parenthesis.
    pub place: Place,
}

/// An element of a list.
pub enum Item {
    Star(Token![*]),
    Str(LitStr),
    Env(EnvVar),
    Ident(Ident),
    /// Any other literal, which no list accepts.
    Other(Lit),
}

impl Input {
    /// Splits off the leading `($crate)` group, then reads the entries.
    pub fn read(tokens: TokenStream) -> Result<Self, syn::Error> {
        let mut tokens = tokens.into_iter();
        let krate = match tokens.next() {
            Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Parenthesis => {
                group.stream()
            }
            _ => {
                return Err(syn::Error::new(
                    proc_macro2::Span::call_site(),
                    "use `cors_policy!` through the `cors-runtime` crate, not `cors-macros` directly",
                ));
            }
        };
        let rest: TokenStream = tokens.collect();
        let entries = syn::parse::Parser::parse2(
            |input: ParseStream| {
                Punctuated::<Entry, Token![,]>::parse_terminated(input)
                    .map(|entries| entries.into_iter().collect())
            },
            rest,
        );
        Ok(Self { krate, entries })
    }
}

impl Parse for Entry {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let key: Ident = input
            .parse()
            .map_err(|e| syn::Error::new(e.span(), "expected a key such as `allow_origins`"))?;
        input
            .parse::<Token![:]>()
            .map_err(|e| syn::Error::new(e.span(), format!("expected `:` after `{key}`")))?;
        let value = input.parse()?;
        Ok(Self { key, value })
    }
}

impl Parse for Value {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.peek(Token![*]) {
            return Ok(Self::Star(input.parse()?));
        }
        if input.peek(syn::token::Bracket) {
            let content;
            let bracket = bracketed!(content in input);
            let items = Punctuated::<Item, Token![,]>::parse_terminated(&content)?;
            return Ok(Self::List {
                span: bracket.span.join(),
                items: items.into_iter().collect(),
            });
        }
        if input.peek(Token![-]) {
            return Ok(Self::Negative(input.parse()?, input.parse()?));
        }
        if input.peek(Lit) {
            return Ok(Self::Lit(input.parse()?));
        }
        if input.peek(Ident) && input.peek2(syn::token::Paren) {
            return Ok(Self::Env(input.parse()?));
        }
        if input.peek(Ident) {
            return Ok(Self::Ident(input.parse()?));
        }
        Err(input
            .error("expected a value: `*`, a list `[…]`, a string, a number, `true` or `false`"))
    }
}

impl Parse for Item {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.peek(Token![*]) {
            return Ok(Self::Star(input.parse()?));
        }
        if input.peek(LitStr) {
            return Ok(Self::Str(input.parse()?));
        }
        if input.peek(Lit) {
            return Ok(Self::Other(input.parse()?));
        }
        if input.peek(Ident) && input.peek2(syn::token::Paren) {
            return Ok(Self::Env(input.parse()?));
        }
        if input.peek(Ident) {
            return Ok(Self::Ident(input.parse()?));
        }
        Err(input.error("expected a list element: a string, a method name or `*`"))
    }
}

impl Parse for EnvVar {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let function: Ident = input.parse()?;
        if function != "env" {
            return Err(syn::Error::new(
                function.span(),
                format!(
                    "`{function}(…)` is not a value; the only call is `env(\"VAR\")`, which reads \
                     origins from an environment variable when the crate compiles"
                ),
            ));
        }
        let content;
        let parens = parenthesized!(content in input);
        let name: LitStr = content.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "`env` takes the variable's name as a string, as in `env(\"CORS_ALLOWED_ORIGINS\")`",
            )
        })?;
        if !content.is_empty() {
            return Err(content.error("`env` takes one variable name"));
        }
        Ok(Self {
            name,
            place: Place {
                start: function.span(),
                end: parens.span.close(),
            },
        })
    }
}

impl Value {
    pub fn span(&self) -> proc_macro2::Span {
        match self {
            Self::Star(star) => star.span,
            Self::List { span, .. } => *span,
            Self::Lit(lit) | Self::Negative(_, lit) => lit.span(),
            Self::Ident(ident) => ident.span(),
            Self::Env(var) => var.place.end,
        }
    }
}

impl Item {
    pub fn span(&self) -> proc_macro2::Span {
        match self {
            Self::Star(star) => star.span,
            Self::Str(lit) => lit.span(),
            Self::Env(var) => var.place.start,
            Self::Ident(ident) => ident.span(),
            Self::Other(lit) => lit.span(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(source: &str) -> syn::Result<Vec<Entry>> {
        let tokens: TokenStream = format!("(krate) {source}").parse().unwrap();
        Input::read(tokens).unwrap().entries
    }

    #[test]
    fn reads_every_value_shape() {
        let read = entries(
            r#"allow_origins: ["https://a.example", *], allow_methods: *, max_age: -1,
               allow_credentials: true, allow_methods: [PUT, "patch", 3], x: yes,"#,
        )
        .unwrap();
        assert_eq!(read.len(), 6);
        assert!(matches!(&read[0].value, Value::List { items, .. } if items.len() == 2));
        assert!(matches!(read[1].value, Value::Star(_)));
        assert!(matches!(read[2].value, Value::Negative(..)));
        assert!(matches!(read[3].value, Value::Lit(Lit::Bool(_))));
        assert!(matches!(&read[4].value, Value::List { items, .. }
            if matches!(items[..], [Item::Ident(_), Item::Str(_), Item::Other(_)])));
        assert!(matches!(read[5].value, Value::Ident(_)));
        let read =
            entries(r#"allow_origins: env("A"), allow_origins: ["https://a", env("B")]"#).unwrap();
        assert!(matches!(&read[0].value, Value::Env(var) if var.name.value() == "A"));
        assert!(matches!(&read[1].value, Value::List { items, .. }
            if matches!(&items[1], Item::Env(var) if var.name.value() == "B")));
    }

    #[test]
    fn syntax_errors_say_what_was_expected() {
        let error = entries("allow_origins [\"x\"]").err().unwrap();
        assert_eq!(error.to_string(), "expected `:` after `allow_origins`");
        let error = entries("allow_origins: (1)").err().unwrap();
        assert!(error.to_string().starts_with("expected a value"));
        let error = entries("allow_origins: var(\"X\")").err().unwrap();
        assert!(error.to_string().starts_with("`var(…)` is not a value"));
        let error = entries("allow_origins: env(X)").err().unwrap();
        assert!(
            error
                .to_string()
                .starts_with("`env` takes the variable's name as a string")
        );
    }
}

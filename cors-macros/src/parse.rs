//! The syntax of the policy block, read into a tree that keeps every token's span.
//!
//! Keys are read as plain identifiers and values by their shape only, so that a misspelt key or
//! a value of the wrong kind becomes a precise error in [`crate::ast`] rather than a parse
//! failure that hides every other problem.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::parse::{Parse, ParseStream};
use syn::{Ident, Lit, LitStr, Token, bracketed, parenthesized};

use cors_rules::Key;

use crate::errors::Place;

/// The macro's input: the runtime crate's path, then the entries.
pub(crate) struct Input {
    /// `$crate` of `cors-runtime`, as its `macro_rules!` wrapper passed it.
    pub krate: TokenStream,
    /// The entries, or the syntax error that stopped reading them.
    pub entries: syn::Result<Vec<Entry>>,
}

/// `key: value`.
pub(crate) struct Entry {
    pub key: Ident,
    pub value: Value,
}

/// A value, classified by its first tokens.
pub(crate) enum Value {
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
pub(crate) struct EnvVar {
    /// The variable's name.
    pub name: LitStr,
    /// From `env` to the closing parenthesis.
    pub place: Place,
}

/// An element of a list.
pub(crate) enum Item {
    Star(Token![*]),
    Str(LitStr),
    Env(EnvVar),
    Ident(Ident),
    /// Any other literal, which no list accepts.
    Other(Lit),
}

impl Input {
    /// Splits off the leading `($crate)` group, then reads the entries.
    pub(crate) fn read(tokens: TokenStream) -> Result<Self, syn::Error> {
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
                let mut entries = Vec::new();
                while !input.is_empty() {
                    entries.push(Entry::parse_separated(input)?);
                }
                Ok(entries)
            },
            rest,
        );
        Ok(Self { krate, entries })
    }
}

impl Entry {
    /// Reads `key: value` and the `,` after it, if anything follows. What stands between a value
    /// and the next `,` is reported with what the key takes, since syn alone could only say
    /// "expected `,`".
    fn parse_separated(input: ParseStream) -> syn::Result<Self> {
        let key: Ident = input
            .parse()
            .map_err(|e| syn::Error::new(e.span(), "expected a key such as `allow_origins`"))?;
        input
            .parse::<Token![:]>()
            .map_err(|e| syn::Error::new(e.span(), format!("expected `:` after `{key}`")))?;
        let start = input.fork();
        let value = Value::parse_for(input, &key)?;
        if !input.is_empty() && !input.peek(Token![,]) {
            return Err(unexpected_after(&key, &start, input, value.ident()));
        }
        if !input.is_empty() {
            input.parse::<Token![,]>()?;
        }
        Ok(Self { key, value })
    }
}

/// "; `key` takes …", or nothing for a misspelt key.
fn takes(key: &Ident) -> String {
    Key::from_name(&key.to_string()).map_or(String::new(), |known| {
        format!("; `{key}` takes {}", known.expects())
    })
}

/// The error for tokens after a value where a `,` should be: a missing comma, a macro call such
/// as `env!("X")`, or an expression such as `10 * 60`.
fn unexpected_after(
    key: &Ident,
    start: ParseStream,
    rest: ParseStream,
    ident: Option<&Ident>,
) -> syn::Error {
    if rest.peek(Ident) && rest.peek2(Token![:]) {
        return rest.error("expected `,` before the next key; entries are separated by commas");
    }
    // Everything up to the next top-level `,`, to show and underline it whole.
    let mut written = TokenStream::new();
    let _ = start.step(|cursor| {
        let mut cursor = *cursor;
        while let Some((token, next)) = cursor.token_tree() {
            if matches!(&token, TokenTree::Punct(p) if p.as_char() == ',') {
                break;
            }
            written.extend([token]);
            cursor = next;
        }
        Ok(((), cursor))
    });
    let mut spans = written.clone().into_iter().map(|token| token.span());
    let first = spans.next().unwrap_or_else(|| rest.span());
    let place = Place {
        start: first,
        end: spans.last().unwrap_or(first),
    };
    if let Some(ident) = ident.filter(|_| rest.peek(Token![!])) {
        return place.error(macro_call(ident, key, rest));
    }
    place.error(format!(
        "`{written}` is not a value `cors_policy!` can read: expressions are not evaluated{}",
        takes(key)
    ))
}

impl Value {
    fn parse_for(input: ParseStream, key: &Ident) -> syn::Result<Self> {
        if input.peek(Token![*]) {
            return Ok(Self::Star(input.parse()?));
        }
        if input.peek(syn::token::Bracket) {
            let content;
            let bracket = bracketed!(content in input);
            let mut items = Vec::new();
            while !content.is_empty() {
                let item: Item = content.parse()?;
                if !content.is_empty() && !content.peek(Token![,]) {
                    return Err(unexpected_in_list(key, &item, &content));
                }
                if !content.is_empty() {
                    content.parse::<Token![,]>()?;
                }
                items.push(item);
            }
            return Ok(Self::List {
                span: bracket.span.join(),
                items,
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

/// The message for `ident!(…)` in the value of `key`; `rest` starts at the `!`.
fn macro_call(ident: &Ident, key: &Ident, rest: ParseStream) -> String {
    // `env!("X")` was meant as `env("X")`: name the variable in the fix.
    let argument = |input: ParseStream| -> syn::Result<LitStr> {
        input.parse::<Token![!]>()?;
        let content;
        parenthesized!(content in input);
        content.parse()
    };
    let help = match argument(&rest.fork()) {
        Ok(name) if ident == "env" && key == "allow_origins" => format!(
            "; to read origins from an environment variable when the crate compiles, write \
             `env(\"{}\")`, without the `!`",
            name.value().escape_debug()
        ),
        _ => takes(key),
    };
    format!("`{ident}!(…)` is a macro call, which `cors_policy!` does not expand{help}")
}

/// The error for a list element followed by something other than `,`.
fn unexpected_in_list(key: &Ident, item: &Item, rest: ParseStream) -> syn::Error {
    if let Item::Ident(ident) = item
        && rest.peek(Token![!])
    {
        return syn::Error::new(ident.span(), macro_call(ident, key, rest));
    }
    rest.error(format!(
        "expected `,` between the elements of `{key}`; each element is a single string, name or `*`"
    ))
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
    /// The identifier a bare-name value is, such as `env` in `env!("X")`.
    fn ident(&self) -> Option<&Ident> {
        match self {
            Self::Ident(ident) => Some(ident),
            _ => None,
        }
    }

    pub(crate) fn span(&self) -> proc_macro2::Span {
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
    pub(crate) fn span(&self) -> proc_macro2::Span {
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

    /// The message of the syntax error that stops reading `source`.
    fn message(source: &str) -> String {
        entries(source).err().unwrap().to_string()
    }

    #[test]
    fn syntax_errors_say_what_was_expected() {
        let error = message("allow_origins [\"x\"]");
        assert_eq!(error, "expected `:` after `allow_origins`");
        let error = message("allow_origins: (1)");
        assert!(error.starts_with("expected a value"));
        let error = message("allow_origins: var(\"X\")");
        assert!(error.starts_with("`var(…)` is not a value"));
        let error = message("allow_origins: *, max_age: 10 * 60");
        assert_eq!(
            error,
            "`10 * 60` is not a value `cors_policy!` can read: expressions are not evaluated; \
             `max_age` takes an integer literal of seconds, from 0 to 86400, such as `600`"
        );
        let error = message("allow_origins: env!(\"X\"), max_age: 1");
        assert_eq!(
            error,
            "`env!(…)` is a macro call, which `cors_policy!` does not expand; to read origins \
             from an environment variable when the crate compiles, write `env(\"X\")`, without \
             the `!`"
        );
        let error = message("allow_origins: *, allow_methods: concat!(\"PU\", \"T\")");
        assert!(error.starts_with("`concat!(…)` is a macro call"));
        assert!(
            error.ends_with(
                "`allow_methods` takes `*` or a list of methods, such as `[PUT, DELETE]`"
            )
        );
        let error = message("allow_origins: [env!(\"X\")]");
        assert!(error.starts_with("`env!(…)` is a macro call"));
        let error = message("allow_origins: *\n max_age: 5");
        assert_eq!(
            error,
            "expected `,` before the next key; entries are separated by commas"
        );
        let error = message("allow_origins: *, allow_methods: [PUT DELETE]");
        assert!(error.starts_with("expected `,` between the elements of `allow_methods`"));
        let error = message("allow_origins: env(X)");
        assert!(error.starts_with("`env` takes the variable's name as a string"));
    }
}

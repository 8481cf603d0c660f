//! The origin tables `cors-runtime` looks origins up in, written out as statics.
//!
//! What goes in which table, and in which bucket, is decided by `cors_rules::origin_table`, which
//! the runtime also uses for origins from configuration; this module only writes the result as
//! Rust.

use cors_rules::hash::Table;
use cors_rules::origin::OriginPattern;
use cors_rules::origin_table::{OriginTables, Port, Subdomain};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

/// The items that define `__CORS_ORIGINS`, the `OriginSet` of a policy's patterns. Exact
/// origins are header values (`PolicyValue`, in every framework's type), so that answering with
/// one copies it instead of checking its bytes again.
pub(super) fn origin_tables<'a>(
    private: &TokenStream,
    patterns: impl IntoIterator<Item = &'a OriginPattern>,
) -> TokenStream {
    let tables = OriginTables::lay_out(patterns, |origin| origin);
    let (exact_items, exact) = table(
        private,
        "EXACT",
        &quote!(#private::PolicyValue),
        &tables.exact,
        |origin| quote!(#private::PolicyValue::from_static(#origin)),
    );
    let (any_port_items, any_port) = table(
        private,
        "ANY_PORT",
        &quote!(#private::Stored<::core::primitive::str>),
        &tables.any_port,
        |key| {
            let key = &**key;
            quote!(#private::Stored::Static(#key))
        },
    );
    let (subdomain_items, subdomains) = table(
        private,
        "SUBDOMAINS",
        &quote!(#private::Subdomain),
        &tables.subdomains,
        |entry| subdomain(private, entry),
    );
    let longest = tables.longest;
    let exact_lengths = Literal::u64_suffixed(tables.exact_lengths);
    let subdomain_lengths = tables
        .subdomain_lengths
        .iter()
        .map(|&bits| Literal::u64_suffixed(bits));
    quote! {
        #exact_items
        #any_port_items
        #subdomain_items
        static __CORS_ORIGINS: #private::OriginSet = #private::OriginSet {
            longest: #longest,
            exact: #exact,
            exact_lengths: #exact_lengths,
            any_port: #any_port,
            subdomains: #subdomains,
            subdomain_lengths: [#(#subdomain_lengths),*],
        };
    }
}

fn subdomain(private: &TokenStream, entry: &Subdomain) -> TokenStream {
    let scheme = &*entry.scheme;
    let domain = &*entry.domain;
    let port = match &entry.port {
        Port::Default => quote!(#private::Port::Default),
        Port::Exact(port) => {
            let port = Literal::byte_string(port);
            quote!(#private::Port::Exact(#private::Stored::Static(#port)))
        }
        Port::Any => quote!(#private::Port::Any),
    };
    quote!(#private::Subdomain {
        scheme: #private::Stored::Static(#scheme),
        domain: #private::Stored::Static(#domain),
        port: #port,
    })
}

/// Statics named `__CORS_<NAME>` for a table's entries and bucket starts, and the `Table` that
/// refers to them. Named statics rather than promoted temporaries: the entry types can own
/// data when built at run time, which keeps a temporary of them from being promoted.
fn table<T>(
    private: &TokenStream,
    name: &str,
    entry_type: &TokenStream,
    laid: &Table<T>,
    entry: impl Fn(&T) -> TokenStream,
) -> (TokenStream, TokenStream) {
    let entries_name = format_ident!("__CORS_{}", name);
    let starts_name = format_ident!("__CORS_{}_STARTS", name);
    let count = laid.entries.len();
    let entries = laid.entries.iter().map(entry);
    let starts = &*laid.starts;
    let buckets = starts.len();
    // Checking every byte of 10 000 origins, once per framework's value type, is long for the
    // const evaluator, which by default stops such an item as if it never ended; it ends.
    let items = quote! {
        #[allow(long_running_const_eval)]
        static #entries_name: [#entry_type; #count] = [#(#entries),*];
        static #starts_name: [::core::primitive::u32; #buckets] = [#(#starts),*];
    };
    let table = quote!(#private::Table {
        starts: #private::Stored::Static(&#starts_name),
        entries: #private::Stored::Static(&#entries_name),
    });
    (items, table)
}

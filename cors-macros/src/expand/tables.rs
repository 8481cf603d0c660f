//! The origin tables `cors-runtime` looks origins up in, built here at compile time.

use std::collections::BTreeSet;

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::origin::{OriginPattern, PortPattern};

/// Tables this short are one bucket, compared without hashing.
const UNHASHED: usize = 4;

/// The longest host a `*.` pattern matches: a DNS name is at most 253 bytes.
const LONGEST_DNS_NAME: usize = 253;

/// The items that define `__CORS_ORIGINS`, the `OriginSet` of a policy's patterns. Exact
/// origins are `HeaderValue`s in a static array, so that answering with one copies it instead
/// of checking its bytes again.
pub fn origin_set(private: &TokenStream, patterns: &BTreeSet<&OriginPattern>) -> TokenStream {
    let mut exact = Vec::new();
    let mut exact_values = Vec::new();
    let mut any_port = Vec::new();
    let mut subdomains = Vec::new();
    let mut subdomain_lengths = [0u64; 8];
    let mut longest = 0;
    for pattern in patterns {
        if pattern.is_exact() {
            let origin = pattern.to_string();
            longest = longest.max(origin.len());
            let index = exact.len();
            exact.push((origin.clone().into_bytes(), quote!(&__CORS_EXACT[#index])));
            exact_values.push(quote!(#private::HeaderValue::from_static(#origin)));
            continue;
        }
        let scheme = format!("{}://", pattern.scheme);
        let port_length = match pattern.port {
            PortPattern::Default => 0,
            PortPattern::Exact(port) => 1 + port.to_string().len(),
            PortPattern::Any => ":65535".len(),
        };
        if pattern.subdomains {
            let domain = &pattern.host;
            subdomain_lengths[domain.len() / 64] |= 1 << (domain.len() % 64);
            let host = LONGEST_DNS_NAME.max(domain.len() + 2);
            longest = longest.max(scheme.len() + host + port_length);
            let port = port_tokens(private, pattern.port);
            let entry =
                quote!(#private::Subdomain { scheme: #scheme, domain: #domain, port: #port });
            subdomains.push((domain.clone().into_bytes(), entry));
        } else {
            // Not exact and no subdomains: `scheme://host:*`.
            let key = format!("{scheme}{}", pattern.host);
            longest = longest.max(key.len() + port_length);
            any_port.push((key.clone().into_bytes(), quote!(#key)));
        }
    }
    let exact_count = exact_values.len();
    let values = quote!(
        static __CORS_EXACT: [#private::HeaderValue; #exact_count] = [#(#exact_values),*];
    );
    let exact = table(private, exact);
    let any_port = table(private, any_port);
    let subdomains = table(private, subdomains);
    let subdomain_lengths = subdomain_lengths
        .iter()
        .map(|&bits| Literal::u64_suffixed(bits));
    quote! {
        #values
        static __CORS_ORIGINS: #private::OriginSet = #private::OriginSet {
            longest: #longest,
            exact: #exact,
            any_port: #any_port,
            subdomains: #subdomains,
            subdomain_lengths: [#(#subdomain_lengths),*],
        };
    }
}

fn port_tokens(private: &TokenStream, port: PortPattern) -> TokenStream {
    match port {
        PortPattern::Default => quote!(#private::Port::None),
        PortPattern::Exact(port) => {
            let port = Literal::byte_string(format!(":{port}").as_bytes());
            quote!(#private::Port::Exact(#port))
        }
        PortPattern::Any => quote!(#private::Port::Any),
    }
}

/// A `Table` of `entries`, each placed by its key.
fn table(private: &TokenStream, entries: Vec<(Vec<u8>, TokenStream)>) -> TokenStream {
    let count = match entries.len() {
        0 => 0,
        n if n <= UNHASHED => 1,
        n => (n + n / 2).next_power_of_two(),
    };
    let mut buckets: Vec<Vec<TokenStream>> = vec![Vec::new(); count];
    for (key, entry) in entries {
        let index = if count == 1 {
            0
        } else {
            bucket_of(&key, count)
        };
        buckets[index].push(entry);
    }
    let buckets = buckets.iter().map(|entries| quote!(&[#(#entries),*]));
    quote!(#private::Table { buckets: &[#(#buckets),*] })
}

/// The bucket of `key` among `buckets` (a power of two): the same function as
/// `cors_runtime::__private::bucket_of`, which looks keys up at run time. A proc-macro crate
/// cannot share code with the runtime, so the two are kept equal by the known-answer test
/// below, its twin in `cors-runtime`, and the round trip in `tests/tests/origins.rs`.
#[allow(
    clippy::cast_possible_truncation,
    reason = "the bucket count fits in usize"
)]
fn bucket_of(key: &[u8], buckets: usize) -> usize {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut hash = key.len() as u64;
    let mut chunks = key.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        hash = (hash.rotate_left(23) ^ word).wrapping_mul(K);
    }
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    hash = (hash.rotate_left(23) ^ u64::from_le_bytes(tail)).wrapping_mul(K);
    hash ^= hash >> 32;
    (hash as usize) & (buckets - 1)
}

#[cfg(test)]
mod tests {
    use super::bucket_of;

    /// The same answers as `bucket_of` in `cors-runtime/src/origin.rs`.
    #[test]
    fn known_answers() {
        let answers: Vec<usize> = ["", "https://a.example", "example.com", "http://localhost"]
            .iter()
            .map(|key| bucket_of(key.as_bytes(), 1 << 16))
            .collect();
        assert_eq!(answers, KNOWN_ANSWERS);
    }

    const KNOWN_ANSWERS: [usize; 4] = [0, 4933, 12739, 57763];
}

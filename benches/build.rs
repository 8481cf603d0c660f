//! Writes the large policies the benchmarks need: 1, 10, 100, 1 000 and 10 000 exact origins,
//! each with the same 100 subdomain patterns. `cors_policy!` takes literals, so they are
//! generated as source.

use std::fmt::Write as _;
use std::path::Path;

/// The origin counts of the scaling benchmark.
const SIZES: [usize; 5] = [1, 10, 100, 1_000, 10_000];

fn main() {
    let mut out = String::new();
    for size in SIZES {
        let mut origins = String::new();
        for i in 0..size {
            let _ = write!(origins, "\"https://customer-{i:05}.example.com\", ");
        }
        for i in 0..100 {
            let _ = write!(origins, "\"https://*.tenant-{i:03}.example.net\", ");
        }
        let _ = writeln!(
            out,
            "/// {size} exact origins and 100 subdomain patterns.\n\
             pub static ORIGINS_{size}: CorsPolicy = cors_policy! {{\n    \
             allow_origins: [{origins}],\n    allow_methods: [PUT, DELETE],\n    \
             allow_headers: [\"content-type\", \"x-request-id\"],\n    allow_credentials: true,\n}};"
        );
    }
    let mut list = String::from(
        "/// The exact origins of `ORIGINS_1000`, for tower-http's list.\npub const EXACT_1000: [&str; 1000] = [",
    );
    for i in 0..1000 {
        let _ = write!(list, "\"https://customer-{i:05}.example.com\", ");
    }
    list.push_str("];\n");
    out.push_str(&list);
    let dir = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&dir).join("policies.rs"), out).expect("OUT_DIR is writable");
    println!("cargo::rerun-if-changed=build.rs");
}

//! Generates the policies of the property tests (`tests/model.rs`): a seeded pseudo-random mix
//! of origin patterns, methods, headers and options, each written twice, as a `cors_policy!`
//! and as the plain description the reference model reads. `cors_policy!` takes literals, so
//! policies cannot be generated at run time; the seed makes the set the same on every build.

use std::fmt::Write as _;
use std::path::Path;

const POLICIES: usize = 32;

/// Canonical origin patterns, none insecure or on a public suffix, so that any subset may go
/// with credentials.
const ORIGINS: &[&str] = &[
    "https://app.example.com",
    "https://example.com",
    "https://*.example.com",
    "https://*.api.example.org:8443",
    "https://*.dev.example.net:*",
    "http://localhost:*",
    "http://127.0.0.1:8080",
    "http://[::1]:3000",
    "tauri://localhost",
    "https://xn--bcher-kva.example",
    "https://*.a-b.c_d.example",
    "https://shop.example.org:*",
];
const METHODS: &[&str] = &["PUT", "DELETE", "PATCH", "patch", "PURGE", "OPTIONS"];
const HEADERS: &[&str] = &[
    "content-type",
    "x-request-id",
    "authorization",
    "x-a",
    "x-custom-header-name",
];
const EXPOSED: &[&str] = &["x-request-id", "etag", "x-trace"];

/// xorshift64*, enough to pick from lists.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn subset<'a>(&mut self, pool: &[&'a str], at_least: usize) -> Vec<&'a str> {
        loop {
            let picked: Vec<&str> = pool.iter().copied().filter(|_| self.chance(40)).collect();
            if picked.len() >= at_least {
                return picked;
            }
        }
    }
}

fn quoted(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| format!("{i:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One generated policy.
#[allow(
    clippy::struct_excessive_bools,
    reason = "one flag per key of the macro"
)]
struct Policy<'a> {
    origins: Option<Vec<&'a str>>,
    methods: Option<Vec<&'a str>>,
    headers_star: bool,
    headers: Vec<&'a str>,
    expose_star: bool,
    exposed: Vec<&'a str>,
    credentials: bool,
    max_age: Option<usize>,
    private_network: bool,
    status_200: bool,
    refuse_writes: bool,
}

impl Policy<'static> {
    fn generate(random: &mut Random) -> Self {
        let any_origin = random.chance(20);
        let origins = (!any_origin).then(|| random.subset(ORIGINS, 1));
        // `*` methods with credentials are allowed (the method is echoed), so any mix goes.
        let methods = (!random.chance(20)).then(|| random.subset(METHODS, 0));
        let headers_star = random.chance(30);
        let headers = random.subset(HEADERS, 0);
        let credentials = !any_origin && random.chance(50);
        let expose_star = !credentials && random.chance(20);
        let exposed = if expose_star || random.chance(30) {
            Vec::new()
        } else {
            random.subset(EXPOSED, 1)
        };
        let max_age = random.chance(50).then(|| random.below(86_401));
        let private_network = !any_origin && random.chance(30);
        let status_200 = random.chance(30);
        // `*` trusts every origin to write: the macro refuses the key with it.
        let refuse_writes = !any_origin && random.chance(50);
        Self {
            origins,
            methods,
            headers_star,
            headers,
            expose_star,
            exposed,
            credentials,
            max_age,
            private_network,
            status_200,
            refuse_writes,
        }
    }

    /// The `key: value, …` of the `cors_policy!`.
    fn keys(&self) -> String {
        let mut keys = String::new();
        let origins = self
            .origins
            .as_ref()
            .map_or("*".to_owned(), |o| format!("[{}]", quoted(o)));
        let _ = write!(keys, "allow_origins: {origins}, ");
        match &self.methods {
            None => keys.push_str("allow_methods: *, "),
            Some(methods) if !methods.is_empty() => {
                let _ = write!(keys, "allow_methods: [{}], ", quoted(methods));
            }
            Some(_) => {}
        }
        if self.headers_star {
            let value = if self.headers.contains(&"authorization") {
                "[*, \"authorization\"]"
            } else {
                "*"
            };
            let _ = write!(keys, "allow_headers: {value}, ");
        } else if !self.headers.is_empty() {
            let _ = write!(keys, "allow_headers: [{}], ", quoted(&self.headers));
        }
        if self.expose_star {
            keys.push_str("expose_headers: *, ");
        } else if !self.exposed.is_empty() {
            let _ = write!(keys, "expose_headers: [{}], ", quoted(&self.exposed));
        }
        if self.credentials {
            keys.push_str("allow_credentials: true, ");
        }
        if let Some(seconds) = self.max_age {
            let _ = write!(keys, "max_age: {seconds}, ");
        }
        if self.private_network {
            keys.push_str("allow_private_network: true, ");
        }
        if self.status_200 {
            keys.push_str("preflight_success_status: 200, ");
        }
        if self.refuse_writes {
            keys.push_str("refuse_cross_origin_writes: true, ");
        }
        keys
    }

    /// The `Spec { … }` the model reads.
    fn spec(&self, keys: &str) -> String {
        let listed_headers: Vec<&str> = if self.headers_star {
            self.headers
                .iter()
                .copied()
                .filter(|h| *h == "authorization")
                .collect()
        } else {
            self.headers.clone()
        };
        let list = |items: &Option<Vec<&str>>| {
            items
                .as_ref()
                .map_or("None".to_owned(), |i| format!("Some(&[{}])", quoted(i)))
        };
        let expose = if self.expose_star {
            "Some(&[\"*\"])".to_owned()
        } else if self.exposed.is_empty() {
            "None".to_owned()
        } else {
            format!("Some(&[{}])", quoted(&self.exposed))
        };
        format!(
            "Spec {{ source: {keys:?}, origins: {}, methods: {}, any_headers: {}, headers: &[{}], \
             expose: {expose}, credentials: {}, max_age: {}, private_network: {}, status_200: {}, \
             refuse_writes: {} }}",
            list(&self.origins),
            list(&self.methods),
            self.headers_star,
            quoted(&listed_headers),
            self.credentials,
            self.max_age
                .map_or("None".to_owned(), |s| format!("Some({s})")),
            self.private_network,
            self.status_200,
            self.refuse_writes,
        )
    }
}

fn main() {
    let mut random = Random(0x5eed_cafe_f00d_1234);
    let mut out = String::new();
    let mut table = String::from("pub(crate) const POLICIES: &[(&CorsPolicy, Spec)] = &[\n");
    for index in 0..POLICIES {
        let policy = Policy::generate(&mut random);
        let keys = policy.keys();
        let _ = writeln!(
            out,
            "static POLICY_{index}: CorsPolicy = cors_policy! {{ {keys} }};"
        );
        let _ = writeln!(table, "    (&POLICY_{index}, {}),", policy.spec(&keys));
    }
    table.push_str("];\n");
    out.push_str(&table);
    let _ = writeln!(
        out,
        "/// Every origin pattern the generated policies draw from.\npub(crate) const ORIGIN_POOL: &[&str] = &[{}];",
        quoted(ORIGINS)
    );
    let dir = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&dir).join("model_policies.rs"), out).expect("OUT_DIR is writable");
    println!("cargo::rerun-if-changed=build.rs");
}

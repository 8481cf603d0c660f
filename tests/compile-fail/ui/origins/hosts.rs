use cors_runtime::{CorsPolicy, cors_policy};

static POLICY: CorsPolicy = cors_policy! {
    allow_origins: [
        "https://API.Example.com",
        "https://bücher.de",
        "https://مثال.eg",
        "https://a..example.com",
        "https://",
        "http://127.1",
        "http://[0:0:0:0:0:0:0:1]:3000",
        "http://[::ffff:127.0.0.1]",
        "https://exa$mple.com",
    ],
};

fn main() {}

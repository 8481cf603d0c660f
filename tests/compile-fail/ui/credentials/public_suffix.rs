use cors_runtime::{CorsPolicy, cors_policy};

static POLICY: CorsPolicy = cors_policy! {
    allow_origins: ["https://*.github.io", "https://*.co.uk", "https://*.example.co.uk"],
    allow_credentials: true,
};

fn main() {}

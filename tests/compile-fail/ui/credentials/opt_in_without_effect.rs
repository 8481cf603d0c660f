use cors_runtime::{CorsPolicy, cors_policy};

static POLICY: CorsPolicy = cors_policy! {
    allow_origins: ["https://app.example.com"],
    allow_credentials: true,
    dangerously_allow_insecure_origins: true,
    dangerously_allow_public_suffix_subdomains: false,
};

fn main() {}

use cors_runtime::{CorsPolicy, cors_policy};

static POLICY: CorsPolicy = cors_policy! {
    allow_origins: ["https://app.example.com"],
    max_age: -600,
    preflight_success_status: "204",
};

fn main() {}

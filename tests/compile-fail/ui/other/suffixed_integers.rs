use cors_runtime::{CorsPolicy, cors_policy};

static POLICY: CorsPolicy = cors_policy! {
    allow_origins: ["https://app.example.com"],
    max_age: 600ms,
    preflight_success_status: 204u16,
};

static HEX: CorsPolicy = cors_policy! {
    allow_origins: ["https://app.example.com"],
    max_age: 0x258u32,
};

fn main() {}

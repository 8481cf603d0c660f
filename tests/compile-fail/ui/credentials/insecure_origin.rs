use cors_runtime::{CorsPolicy, cors_policy};

static POLICY: CorsPolicy = cors_policy! {
    allow_origins: ["http://app.example.com", "http://localhost:3000"],
    allow_credentials: true,
};

fn main() {}

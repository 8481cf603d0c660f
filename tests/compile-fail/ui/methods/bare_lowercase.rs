use cors_runtime::{CorsPolicy, cors_policy};

// `put` and `delete` are fine: browsers upper-case them. `patch` is not, and `Purge` neither.
static POLICY: CorsPolicy = cors_policy! {
    allow_origins: ["https://app.example.com"],
    allow_methods: [put, delete, patch, Purge, "patch"],
};

fn main() {}

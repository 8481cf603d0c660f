use cors_runtime::{cors_policy, CorsPolicy};

// An `allow_origins` that cannot be read does not hide the other keys' errors.
static POLICY: CorsPolicy = cors_policy! {
    allow_origins: [],
    max_age: 90000,
    allow_methods: [CONNECT],
};

fn main() {}

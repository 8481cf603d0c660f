use cors_runtime::{CorsPolicy, cors_policy};

static POLICY: CorsPolicy = cors_policy! {
    allow_origin: ["https://app.example.com"],
    allow_methods: [PUT, *],
    allow_methods: [DELETE],
    max_age: -1,
};

fn main() {}

use cors_runtime::{CorsPolicy, cors_policy};

static POLICY: CorsPolicy = cors_policy! {
    allow_origins: ["https://app.example.com"],
    allow_credentials: "yes",
    max_age: 10.5,
    allow_methods: "PUT",
    allow_headers: [content_type],
};

fn main() {}

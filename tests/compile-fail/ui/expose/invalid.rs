use cors_runtime::{CorsPolicy, cors_policy};

static POLICY: CorsPolicy = cors_policy! {
    allow_origins: ["https://app.example.com"],
    expose_headers: ["x-request-id", *, "a:b", "X-Request-Id", "set-cookie2"],
};

fn main() {}

use cors_runtime::{CorsPolicy, cors_policy};

static POLICY: CorsPolicy = cors_policy! {
    allow_origins: ["https://app.example.com"],
    allow_headers: ["Cookie", "proxy-authorization", "sec-ch-ua", "access-control-allow-origin", "x-api-key"],
};

fn main() {}

use cors_runtime::{cors_policy, CorsPolicy};

// A bad origin is reported, the good ones are still checked against the rest of the policy,
// and so are the other keys.
static POLICY: CorsPolicy = cors_policy! {
    allow_origins: ["https://App.example.com", "http://app.example.com"],
    allow_credentials: true,
    expose_headers: ["set-cookie"],
    max_age: 90000,
};

fn main() {}

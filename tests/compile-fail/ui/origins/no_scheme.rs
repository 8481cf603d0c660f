use cors_runtime::{CorsPolicy, cors_policy};

static POLICY: CorsPolicy = cors_policy! {
    allow_origins: [
        "app.example.com",
        "localhost:3000",
        "*.localhost:*",
        "127.0.0.1:8080",
        "[::1]:5173",
    ],
};

fn main() {}

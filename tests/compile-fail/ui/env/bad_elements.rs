use cors_runtime::{cors_policy, CorsPolicy};

// CORS_TEST_BAD_ORIGINS="https://Example.com/, ftp://files.example:21 *  https://app.example.com"
// (set in .cargo/config.toml): each element is checked as a literal would be.
static WHOLE: CorsPolicy = cors_policy! {
    allow_origins: env("CORS_TEST_BAD_ORIGINS"),
};

// CORS_TEST_INSECURE_ORIGINS="http://app.example.com": the rules that depend on the rest of the
// policy apply too.
static PART: CorsPolicy = cors_policy! {
    allow_origins: ["https://app.example.com", env("CORS_TEST_INSECURE_ORIGINS")],
    allow_credentials: true,
};

fn main() {}

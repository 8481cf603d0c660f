use cors_runtime::{cors_policy, CorsPolicy};

static UNSET: CorsPolicy = cors_policy! {
    allow_origins: env("CORS_TEST_VARIABLE_NOBODY_SETS"),
};

// CORS_TEST_NO_ORIGINS=" , " (set in .cargo/config.toml): no origin at all.
static EMPTY: CorsPolicy = cors_policy! {
    allow_origins: env("CORS_TEST_NO_ORIGINS"),
};

// CORS_TEST_ANY_ORIGIN="*": as the whole value, any origin, and so not with credentials.
static ANY: CorsPolicy = cors_policy! {
    allow_origins: env("CORS_TEST_ANY_ORIGIN"),
    allow_credentials: true,
};

static NOT_ENV: CorsPolicy = cors_policy! {
    allow_origins: var("CORS_TEST_ORIGINS"),
};

fn main() {}

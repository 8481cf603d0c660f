use cors_runtime::{cors_policy, CorsPolicy};

// An unset variable is reported once (not again as a list that allows no origin), and the
// other keys are still checked.
static UNSET_IN_LIST: CorsPolicy = cors_policy! {
    allow_origins: [env("CORS_TEST_VARIABLE_NOBODY_SETS")],
    allow_headers: ["cookie"],
};

static UNSET_WHOLE: CorsPolicy = cors_policy! {
    allow_origins: env("CORS_TEST_VARIABLE_NOBODY_SETS"),
    preflight_success_status: 201,
};

fn main() {}

use cors_runtime::{CorsPolicy, cors_policy};

// `*` trusts every origin, so it would refuse no write.
static ANY: CorsPolicy = cors_policy! {
    allow_origins: *,
    refuse_cross_origin_writes: true,
};

// Without the refusal, `*` is fine.
static OFF: CorsPolicy = cors_policy! {
    allow_origins: *,
    refuse_cross_origin_writes: false,
};

fn main() {}

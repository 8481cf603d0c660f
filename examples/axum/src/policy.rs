// The demo's policy, one expression: `examples/axum/src/main.rs` serves it, the load benchmark
// (`benches/benches/load.rs`) serves it so that its figures are the demo's, and cors-audit's tests
// audit it (`cors-audit/tests/servers.rs`).
cors_policy! {
    allow_origins: ["http://localhost:3001"],
    allow_methods: [PUT, DELETE],
    allow_headers: ["content-type", "x-demo"],
    expose_headers: ["x-request-id"],
    allow_credentials: true,
    max_age: 600,
    refuse_cross_origin_writes: true,
}

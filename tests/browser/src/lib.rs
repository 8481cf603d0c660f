//! The browser suite lives in `tests/`: one test per engine over the shared matrix in
//! `tests/common`. Run all three with `cargo test -p cors-browser-tests --features browsers`,
//! or one with `--features chromium`, `firefox` or `webkit`.

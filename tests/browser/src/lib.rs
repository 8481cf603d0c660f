//! The browser suite lives in `tests/chromium.rs`; run it with
//! `cargo test -p cors-browser-tests --features chromium`.

//! The model's tests against applications, in one binary: each file under `tests/` is a binary
//! of its own, linked against axum, actix-web and tokio again.

mod apps;
mod readme;

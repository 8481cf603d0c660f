//! The integration tests, in one binary (see `Cargo.toml`): one module per area.

mod common;

mod actix;
mod actual;
mod axum;
mod config;
mod env_rebuild;
mod fuzz_corpus;
mod hygiene;
mod hyper;
mod limits;
mod logging;
mod model;
mod origins;
mod outside;
mod preflight;
mod readme;
mod reload;
mod routes;
mod writes;

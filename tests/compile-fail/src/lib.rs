//! Nothing but the compile-fail suite, in `tests/ui.rs`, and its cases, in `ui/`.

#![no_main]

// The parser of cors-macros, included by path: a proc-macro crate exports nothing else.
#[path = "../../cors-macros/src/origin.rs"]
#[allow(dead_code)]
mod origin;

libfuzzer_sys::fuzz_target!(|data: &[u8]| origin::fuzz_one(data));

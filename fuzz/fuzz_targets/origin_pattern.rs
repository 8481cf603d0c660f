#![no_main]

// The origin-pattern parser the macro and the runtime share.
libfuzzer_sys::fuzz_target!(|data: &[u8]| cors_rules::origin::fuzz_one(data));

//! The `check` fuzz target's corpus (`fuzz/corpus/check`), replayed through the target's own
//! body, so that what the fuzzer found stays fixed in CI. The origin-pattern corpus is replayed
//! by cors-macros' own tests, where the parser lives.

#[path = "../../fuzz/harness/check.rs"]
mod check;

#[test]
fn check_corpus_replays_cleanly() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fuzz/corpus/check");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).expect("the seed corpus is in the repository") {
        let path = entry.unwrap().path();
        check::run(&std::fs::read(&path).unwrap());
        count += 1;
    }
    assert!(count >= 20, "only {count} inputs in {dir}");
}

#[test]
fn the_harness_checks_something() {
    // A refused preflight must carry no CORS header: the harness notices when one does.
    let (method, request, _) = check::decode(&[
        0, 0, 5, b'n', b'u', b'l', b'l', b'!', 1, 3, b'P', b'U', b'T',
    ]);
    assert_eq!(method, http::Method::OPTIONS);
    assert_eq!(request.get("origin").unwrap(), "null!");
    assert_eq!(request.get("access-control-request-method").unwrap(), "PUT");
}

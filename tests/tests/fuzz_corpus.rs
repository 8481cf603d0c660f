//! The `check` fuzz target's corpus (`fuzz/corpus/check`), replayed through the target's own
//! body, so that what the fuzzer found stays fixed in CI. The origin-pattern corpus is replayed
//! by cors-rules' own tests, where the parser lives.

#[path = "../../fuzz/harness/check.rs"]
mod check;

#[test]
fn check_corpus_replays_cleanly() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fuzz/corpus/check");
    let mut count = 0;
    let mut reached = check::Reached::default();
    for entry in std::fs::read_dir(dir).expect("the seed corpus is in the repository") {
        let path = entry.unwrap().path();
        let one = check::run(&std::fs::read(&path).unwrap());
        reached.allowed_preflights += one.allowed_preflights;
        reached.refused_preflights += one.refused_preflights;
        reached.allowed_actual += one.allowed_actual;
        reached.refused_actual += one.refused_actual;
        reached.refused_writes += one.refused_writes;
        count += 1;
    }
    assert!(count >= 20, "only {count} inputs in {dir}");
    // Every branch of the harness, and so every assertion in it, ran on some input.
    assert!(
        reached.allowed_preflights > 0
            && reached.refused_preflights > 0
            && reached.allowed_actual > 0
            && reached.refused_actual > 0
            && reached.refused_writes > 0,
        "{reached:?}"
    );
}

#[test]
fn the_harness_decodes_and_checks_a_refused_preflight() {
    let input = [
        0, 0, 5, b'n', b'u', b'l', b'l', b'!', 1, 3, b'P', b'U', b'T',
    ];
    let (method, request, _) = check::decode(&input);
    assert_eq!(method, http::Method::OPTIONS);
    assert_eq!(request.get("origin").unwrap(), "null!");
    assert_eq!(request.get("access-control-request-method").unwrap(), "PUT");
    // A preflight under every policy: the one that allows any origin answers it, every other
    // refuses `null!`, and the harness checked each answer (a refusal: no CORS header, 403).
    let reached = check::run(&input);
    assert_eq!(
        (
            reached.allowed_preflights,
            reached.allowed_actual,
            reached.refused_actual
        ),
        (1, 0, 0)
    );
    assert!(reached.refused_preflights > 0, "{reached:?}");
}

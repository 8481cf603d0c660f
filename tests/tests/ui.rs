//! The compile-fail suite: every `.stderr` beside a case is the message a user sees.
//! Regenerate with `TRYBUILD=overwrite cargo test -p cors-tests --test ui`, then review the diff.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("ui/pass/*.rs");
    for area in [
        "syntax",
        "env",
        "credentials",
        "origins",
        "methods",
        "request-headers",
        "expose",
        "other",
    ] {
        cases.compile_fail(format!("ui/{area}/*.rs"));
    }
}

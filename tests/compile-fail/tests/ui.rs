//! The compile-fail suite: every `.stderr` beside a case is the message a user sees.
//! Regenerate with `TRYBUILD=overwrite cargo test -p cors-compile-fail-tests`, then review the diff.

/// The compile-fail areas, in the order they run: every folder of `ui/`. Policies that must
/// compile are ordinary tests, in `tests/accepted/`.
const AREAS: [&str; 8] = [
    "syntax",
    "env",
    "credentials",
    "origins",
    "methods",
    "request-headers",
    "expose",
    "other",
];

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    for area in AREAS {
        cases.compile_fail(format!("ui/{area}/*.rs"));
    }
}

/// A folder added under `ui/` and forgotten in [`AREAS`] would never run.
#[test]
fn every_folder_of_ui_is_an_area() {
    let ui = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui");
    let mut folders: Vec<String> = std::fs::read_dir(&ui)
        .unwrap()
        .map(|entry| entry.unwrap())
        .filter(|entry| entry.file_type().unwrap().is_dir())
        .map(|entry| entry.file_name().into_string().unwrap())
        .collect();
    folders.sort_unstable();
    let mut areas = AREAS.map(str::to_owned).to_vec();
    areas.sort_unstable();
    assert_eq!(folders, areas);
}

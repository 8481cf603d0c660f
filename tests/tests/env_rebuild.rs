//! `env("VAR")` end to end, with real `cargo build`s of a crate outside this workspace: the
//! origins come from the variable when the crate compiles, and changing the variable rebuilds
//! the crate at the next `cargo build`, with no `cargo clean`. A proc macro's own reads of the
//! environment are invisible to cargo; the `option_env!` the macro emits is what makes it see.

use std::path::Path;
use std::process::{Command, Output};

use crate::outside;

const VARIABLE: &str = "CORS_REBUILD_TEST_ORIGINS";

fn write_crate(dir: &Path) {
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../cors-runtime");
    outside::write_crate(
        dir,
        "env-rebuild",
        &format!(
            "[dependencies]\ncors-runtime = {{ path = {:?} }}\n",
            runtime.display().to_string()
        ),
        &format!(
            "use cors_runtime::{{cors_policy, CorsPolicy}};\n\n\
             static API: CorsPolicy = cors_policy! {{ allow_origins: env({VARIABLE:?}) }};\n\n\
             fn main() {{\n    println!(\"{{}}\", API.origin_patterns().join(\" \"));\n}}\n"
        ),
    );
}

fn cargo(dir: &Path, args: &[&str], origins: Option<&str>) -> Output {
    outside::cargo(dir, args, &[(VARIABLE, origins)])
}

fn build_and_run(dir: &Path, origins: &str) -> String {
    let build = cargo(dir, &["build"], Some(origins));
    assert!(
        build.status.success(),
        "build with {origins:?}: {}",
        String::from_utf8_lossy(&build.stderr)
    );
    let binary = outside::target().join("debug/env-rebuild");
    let run = Command::new(binary).output().expect("the binary runs");
    String::from_utf8(run.stdout).unwrap().trim().to_owned()
}

#[test]
fn changing_the_variable_rebuilds_the_crate() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("env-rebuild");
    write_crate(&dir);

    let first = build_and_run(&dir, "https://staging.example.com");
    assert_eq!(first, "https://staging.example.com");

    // A new value, and nothing else changed: cargo must rebuild on its own.
    let second = build_and_run(&dir, "https://app.example.com, https://*.example.com");
    assert_eq!(second, "https://*.example.com https://app.example.com");

    // Back again, and the same value twice: the second build has nothing to do.
    assert_eq!(
        build_and_run(&dir, "https://staging.example.com"),
        "https://staging.example.com"
    );
    let fresh = cargo(
        &dir,
        &["build", "--message-format=json"],
        Some("https://staging.example.com"),
    );
    let messages = String::from_utf8(fresh.stdout).unwrap();
    assert!(
        messages.contains("\"fresh\":true") && !messages.contains("\"fresh\":false"),
        "an unchanged variable rebuilt something: {messages}"
    );

    // Unset, the build fails and says how to set it.
    let unset = cargo(&dir, &["build"], None);
    assert!(!unset.status.success());
    let stderr = String::from_utf8_lossy(&unset.stderr);
    assert!(
        stderr.contains(&format!("environment variable `{VARIABLE}` is not set")),
        "{stderr}"
    );
}

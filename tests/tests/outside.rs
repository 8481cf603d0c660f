//! Crates outside this workspace, built with real `cargo` runs, as a user's crate would be.
//! They share one target directory, so the dependencies compile once for all of them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The target directory every outside crate builds into.
pub(crate) fn target() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("outside-target")
}

/// Writes a binary crate `name` in `dir` with `dependencies` (a `[dependencies]` table) and
/// `main` as `src/main.rs`, and the workspace's lock file, so that the build resolves nothing new.
pub(crate) fn write_crate(dir: &Path, name: &str, dependencies: &str, main: &str) {
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n\
             {dependencies}\n[workspace]\n"
        ),
    )
    .unwrap();
    std::fs::write(dir.join("src/main.rs"), main).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock"),
        dir.join("Cargo.lock"),
    )
    .unwrap();
}

/// Runs `cargo <args> --offline --quiet` in `dir`, with `env` set (a `None` value unsets it).
pub(crate) fn cargo(dir: &Path, args: &[&str], env: &[(&str, Option<&str>)]) -> Output {
    let mut command = Command::new(env!("CARGO"));
    command
        .args(args)
        .args(["--offline", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target())
        // Nobody debugs these builds: without debug information they write and link less.
        .env("CARGO_PROFILE_DEV_DEBUG", "false")
        .env_remove("RUSTFLAGS");
    for (name, value) in env {
        match value {
            Some(value) => command.env(name, value),
            None => command.env_remove(name),
        };
    }
    command.output().expect("cargo runs")
}

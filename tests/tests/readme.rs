//! The README as a user reads it: its install line and quickstart, copied into a new crate
//! outside this workspace, compile; and no example declares a `const` policy, which `.layer()`
//! cannot borrow for `'static`.

use std::path::{Path, PathBuf};

use crate::outside;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn readme() -> String {
    std::fs::read_to_string(root().join("README.md")).unwrap()
}

/// The section of `text` under the heading `heading`, up to the next heading of that level.
fn section<'t>(text: &'t str, heading: &str) -> &'t str {
    let start = text
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("README has no `{heading}`"));
    let rest = &text[start + heading.len() + 2..];
    let level = heading.split(' ').next().unwrap();
    rest.find(&format!("\n{level} "))
        .map_or(rest, |end| &rest[..end])
}

/// The first fenced block of `language` in `text`, after `after`.
fn block<'t>(text: &'t str, language: &str, after: &str) -> &'t str {
    let text = &text[text.find(after).unwrap_or_else(|| panic!("no `{after}`"))..];
    let fence = format!("```{language}\n");
    let start = text
        .find(&fence)
        .unwrap_or_else(|| panic!("no {language} block"))
        + fence.len();
    &text[start..start + text[start..].find("```").unwrap()]
}

/// The path the README tells users to depend on, relative to their crate.
const README_PATH: &str = "../cors-policy/cors-runtime";

#[test]
fn install_and_quickstart_compile_in_a_crate_outside_the_workspace() {
    let readme = readme();
    let install = block(section(&readme, "## Install"), "toml", "");
    let quickstart = section(&readme, "## Quickstart");
    let manifest = block(quickstart, "toml", "");
    let dependency = install
        .lines()
        .find(|line| line.starts_with("cors-runtime = "))
        .expect("the install block names cors-runtime");
    assert!(dependency.contains(README_PATH), "{dependency}");
    assert!(
        manifest.contains(dependency),
        "the quickstart's manifest uses the install line: {manifest}"
    );
    let main = block(quickstart, "rust", "");
    // The by-hand example of the frameworks section, as a module of the same crate.
    let by_hand = block(
        section(&readme, "## Frameworks"),
        "rust",
        "**Without tower**",
    );

    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("readme-quickstart");
    let runtime = root().join("cors-runtime").canonicalize().unwrap();
    outside::write_crate(
        &dir,
        "readme-quickstart",
        &manifest.replace(README_PATH, &runtime.display().to_string()),
        &format!("mod by_hand;\n\n{main}"),
    );
    std::fs::write(dir.join("src/by_hand.rs"), by_hand).unwrap();
    // `check` compiles everything a build does but code generation, which a pure-Rust crate
    // does not fail at; it saves compiling axum and tokio to machine code in every cold run.
    let check = outside::cargo(&dir, &["check"], &[]);
    assert!(
        check.status.success(),
        "the README's quickstart does not compile:\n{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

/// Every `.rs` file under `dir`, recursively, but for build output (`examples/tonic` is a
/// workspace of its own, with its own `target/`).
fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if path.ends_with("target") {
                continue;
            }
            sources(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn examples_declare_policies_static() {
    let mut files = vec![root().join("README.md"), root().join("CONTRIBUTING.md")];
    for dir in ["cors-runtime/src", "examples"] {
        sources(&root().join(dir), &mut files);
    }
    assert!(files.len() > 10, "{files:?}");
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (number, line) in text.lines().enumerate() {
            let declared = line
                .split("const ")
                .nth(1)
                .and_then(|rest| rest.split_once(':'));
            if let Some((name, ty)) = declared {
                let is_policy = ty.trim_start().starts_with("CorsPolicy");
                let hidden = name.trim() == "FALLBACK"; // the macro's error fallback, not an example
                assert!(
                    !is_policy || hidden,
                    "{}:{}: declare policies `static`, not `const`: {line}",
                    file.display(),
                    number + 1
                );
            }
        }
    }
}

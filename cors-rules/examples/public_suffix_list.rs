//! Writes `data/public_suffix_list.txt`, the rules crate's copy of the Public Suffix List, from
//! the list as published (<https://publicsuffix.org/list/public_suffix_list.dat>) or any copy of
//! it with one rule per line:
//!
//! ```sh
//! curl -sSfo /tmp/psl.dat https://publicsuffix.org/list/public_suffix_list.dat
//! cargo run -p cors-rules --example public_suffix_list -- /tmp/psl.dat "publicsuffix.org, $(date -u +%F)" > cors-rules/data/public_suffix_list.txt
//! ```
//!
//! Each rule is written with its labels in ASCII (an international label as punycode, as
//! browsers send it in `Origin`), so that reading the copy needs no IDNA tables. Comments and
//! blank lines go; the rules keep their order.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [path, source] = &args[..] else {
        eprintln!("usage: public_suffix_list <list file> <where and when it was taken>");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("error: {path}: {error}");
            return ExitCode::from(2);
        }
    };
    println!(
        "// The Public Suffix List (https://publicsuffix.org/), ICANN and private sections, one"
    );
    println!("// rule per line, international labels in punycode. Source: {source}.");
    println!("// Refresh: see cors-rules/examples/public_suffix_list.rs.");
    let mut failed = false;
    for (number, line) in text.lines().enumerate() {
        // A rule is the first word of a line that is not a comment.
        let Some(rule) = line.split_whitespace().next() else {
            continue;
        };
        if rule.starts_with("//") {
            continue;
        }
        let (mark, domain) = match rule.strip_prefix('!') {
            Some(domain) => ("!", domain),
            None => match rule.strip_prefix("*.") {
                Some(domain) => ("*.", domain),
                None => ("", rule),
            },
        };
        match idna::domain_to_ascii(domain) {
            Ok(ascii) => println!("{mark}{ascii}"),
            Err(error) => {
                eprintln!("error: line {}: `{rule}`: {error}", number + 1);
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

//! The report: a table for people, or one JSON object.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::args::Args;
use crate::audit::Report;
use crate::finding::Severity;

/// The findings, worst first, one block each, and a summary line.
pub(crate) fn table(args: &Args, report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "cors-audit {}: {} request(s), at most {}, timeout {:?} each",
        args.url, report.requests, args.max_requests, args.timeout
    );
    let _ = writeln!(out);
    let _ = writeln!(out, "{:<8}  {:<26}  origin", "severity", "kind");
    for finding in &report.findings {
        let _ = writeln!(
            out,
            "{:<8}  {:<26}  {}",
            finding.severity.name(),
            finding.kind.name(),
            finding.origin.as_deref().unwrap_or("-")
        );
        let _ = writeln!(out, "{:<8}  {}", "", finding.summary);
    }
    let counts: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .map(|severity| {
            let n = report
                .findings
                .iter()
                .filter(|f| f.severity == *severity)
                .count();
            format!("{n} {severity}")
        })
        .collect();
    let failing = report.findings.iter().any(|f| f.severity >= args.fail_on);
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{} finding(s): {}; --fail-on {}: {}",
        report.findings.len(),
        counts.join(", "),
        args.fail_on,
        if failing { "exit 1" } else { "exit 0" }
    );
    out
}

/// The report as one JSON object.
pub(crate) fn json(args: &Args, report: &Report) -> Value {
    json!({
        "url": args.url.to_string(),
        "origins": args.origins.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "credentials": args.credentials,
        "requests": report.requests,
        "max_requests": args.max_requests,
        "timeout_seconds": args.timeout.as_secs_f64(),
        "fail_on": args.fail_on.name(),
        "findings": report.findings.iter().map(crate::finding::Finding::to_json).collect::<Vec<_>>(),
    })
}

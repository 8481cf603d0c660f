//! The command line, checked: every mistake is one line saying what to write instead.

use std::time::Duration;

use cors_browser::url::{Origin, Url};

use crate::finding::Severity;

pub(crate) const USAGE: &str = "\
usage: cors-audit URL --origin ORIGIN [--origin ORIGIN …] [--credentials] [--method M …]
                  [--header NAME …] [--json] [--fail-on info|low|medium|high]
                  [--timeout SECONDS] [--max-requests N]

Audits the CORS of the server at URL (http or https): what each listed origin may do, and what
origins derived from them (look-alikes, null, subdomains, http://, third-party hosts) may read.
Only URL's host is contacted.

  --origin ORIGIN     a front-end origin that must work, as browsers send it
                      (https://app.example.com); at least one
  --credentials       the front-end sends cookies (credentials: \"include\")
  --method M          a method the front-end uses (default GET); repeat for more
  --header NAME       a request header the front-end sets; repeat for more
  --json              one JSON object on stdout instead of the table
  --fail-on LEVEL     exit 1 when a finding reaches LEVEL (default high)
  --timeout SECONDS   the longest one request may take (default 10)
  --max-requests N    the most requests sent (default 200)

Exit status: 0 when no finding reaches --fail-on, 1 when one does, 2 on a usage or network error.";

/// What the command was asked to do.
#[derive(Debug)]
pub(crate) struct Args {
    pub(crate) url: Url,
    pub(crate) origins: Vec<Origin>,
    pub(crate) credentials: bool,
    pub(crate) methods: Vec<String>,
    pub(crate) headers: Vec<String>,
    pub(crate) json: bool,
    pub(crate) fail_on: Severity,
    pub(crate) timeout: Duration,
    pub(crate) max_requests: usize,
}

/// What parsing gave: the arguments, or a request for the usage text.
#[derive(Debug)]
pub(crate) enum Parsed {
    Audit(Box<Args>),
    Help,
}

/// Parses the arguments after the program's name.
pub(crate) fn parse(mut args: impl Iterator<Item = String>) -> Result<Parsed, String> {
    let mut url = None;
    let mut origins = Vec::new();
    let mut credentials = false;
    let mut methods = Vec::new();
    let mut headers = Vec::new();
    let mut json = false;
    let mut fail_on = Severity::High;
    let mut timeout = Duration::from_secs(10);
    let mut max_requests = 200;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or_else(|| format!("{name} needs a value (see --help)"))
        };
        match arg.as_str() {
            "-h" | "--help" => return Ok(Parsed::Help),
            "--origin" => origins.push(origin(&value("--origin")?)?),
            "--credentials" => credentials = true,
            "--method" => {
                let method = value("--method")?;
                if !cors_rules::syntax::is_token(method.as_bytes()) {
                    return Err(format!("--method `{method}` is not a method name"));
                }
                methods.push(method);
            }
            "--header" => {
                let name = value("--header")?;
                if !cors_rules::syntax::is_token(name.as_bytes()) {
                    return Err(format!("--header `{name}` is not a header name"));
                }
                headers.push(name.to_ascii_lowercase());
            }
            "--json" => json = true,
            "--fail-on" => {
                let level = value("--fail-on")?;
                fail_on = Severity::parse(&level).ok_or_else(|| {
                    format!("--fail-on `{level}`: write info, low, medium or high")
                })?;
            }
            "--timeout" => timeout = seconds(&value("--timeout")?)?,
            "--max-requests" => {
                let text = value("--max-requests")?;
                max_requests = text
                    .parse()
                    .ok()
                    .filter(|n| (1..=10_000).contains(n))
                    .ok_or_else(|| format!("--max-requests `{text}`: a number from 1 to 10000"))?;
            }
            flag if flag.starts_with('-') => {
                return Err(format!("unknown option `{flag}` (see --help)"));
            }
            _ if url.is_some() => {
                return Err(format!("a second URL `{arg}`: give one URL"));
            }
            _ => url = Some(target(&arg)?),
        }
    }
    let url = url.ok_or("no URL to audit (see --help)")?;
    if origins.is_empty() {
        return Err(
            "no --origin: name the front-end's origin, as in --origin https://app.example.com"
                .to_owned(),
        );
    }
    if methods.is_empty() {
        methods.push("GET".to_owned());
    }
    Ok(Parsed::Audit(Box::new(Args {
        url,
        origins,
        credentials,
        methods,
        headers,
        json,
        fail_on,
        timeout,
        max_requests,
    })))
}

/// A front-end's origin, as browsers send it.
fn origin(text: &str) -> Result<Origin, String> {
    if text == "null" {
        return Err(
            "--origin null: `null` is what sandboxed pages send; the audit probes it anyway, list \
             the front-end's real origin"
                .to_owned(),
        );
    }
    Origin::parse(text).map_err(|e| format!("--origin: {e}"))
}

/// A timeout in seconds, above 0 and at most 600.
fn seconds(text: &str) -> Result<Duration, String> {
    text.parse()
        .ok()
        .filter(|s: &f64| s.is_finite() && *s > 0.0 && *s <= 600.0)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| format!("--timeout `{text}`: a number of seconds, up to 600"))
}

/// The URL to audit: `http` or `https`.
fn target(text: &str) -> Result<Url, String> {
    let url = Url::parse(text).map_err(|e| format!("the URL: {e}"))?;
    if !matches!(url.scheme.as_str(), "http" | "https") {
        return Err(format!("the URL `{text}`: use http or https"));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_line(line: &str) -> Result<Parsed, String> {
        parse(line.split_whitespace().map(str::to_owned))
    }

    #[test]
    fn a_full_line() {
        let Ok(Parsed::Audit(args)) = parse_line(
            "https://staging.example/items --origin https://app.example.com --credentials \
             --method PUT --method delete --header X-Token --json --fail-on medium --timeout 2.5",
        ) else {
            panic!("parses");
        };
        assert_eq!(args.url.host, "staging.example");
        assert_eq!(args.methods, ["PUT", "delete"]);
        assert_eq!(args.headers, ["x-token"]);
        assert!(args.credentials && args.json);
        assert_eq!(args.fail_on, Severity::Medium);
        assert_eq!(args.timeout, Duration::from_millis(2500));
    }

    #[test]
    fn mistakes_say_what_to_write() {
        for (line, says) in [
            (
                "ftp://example.com/ --origin https://a.example",
                "use http or https",
            ),
            (
                "https://api.example --origin https://a.example/",
                "not an origin as a browser writes it",
            ),
            ("https://api.example", "no --origin"),
            ("--origin https://a.example", "no URL"),
            (
                "https://api.example --origin https://a.example --fail-on severe",
                "write info, low",
            ),
            (
                "https://api.example --origin https://a.example --timeout 0",
                "a number of seconds",
            ),
            (
                "https://api.example --origin https://a.example --bogus",
                "unknown option",
            ),
            ("https://api.example --origin", "--origin needs a value"),
            (
                "https://api.example --origin null",
                "list the front-end's real origin",
            ),
            (
                "https://api.example --origin https://a.example --method P:T",
                "not a method name",
            ),
        ] {
            let error = parse_line(line).unwrap_err();
            assert!(error.contains(says), "{line}: {error}");
        }
        assert!(matches!(parse_line("--help"), Ok(Parsed::Help)));
    }
}

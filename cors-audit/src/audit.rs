//! The probes, sent through `cors-browser`: the listed origins as a browser would send their
//! requests, attacker origins derived from them, a preflight asking for what nobody needs,
//! bytes that cannot be in a header, and a form from another site.

use std::fmt::Write as _;
use std::io::Write as _;

use bytes::Bytes;
use cors_browser::cors::{cors_check, token_list};
use cors_browser::safelist::combined;
use cors_browser::{Browser, Client, Engine, Exchange, Outcome, Request, Response, Sent, Server};
use http::{HeaderMap, Method, header};

use crate::args::Args;
use crate::finding::{Finding, Kind, Severity};
use crate::probes::{attacker_page, probes};

/// What the audit found, and what it took.
#[derive(Debug)]
pub(crate) struct Report {
    pub(crate) findings: Vec<Finding>,
    pub(crate) requests: usize,
}

/// Why the audit stopped: a network error or the bound on requests, in a line.
#[derive(Debug)]
pub(crate) struct Stopped {
    pub(crate) message: String,
    pub(crate) requests: usize,
}

/// The client, held to the audited host and to a number of requests, counting them.
struct Bounded {
    client: Client,
    authority: String,
    sent: usize,
    max: usize,
    progress: bool,
}

impl Server for Bounded {
    async fn send(
        &mut self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, String> {
        let authority = request.uri().authority().map(ToString::to_string);
        if authority.as_deref() != Some(self.authority.as_str()) {
            return Err(format!(
                "refused to contact {}: only the audited host is",
                authority.unwrap_or_default()
            ));
        }
        if self.sent >= self.max {
            return Err(format!(
                "stopped at the bound of {} requests (--max-requests)",
                self.max
            ));
        }
        self.sent += 1;
        if self.progress {
            print!("\rprobing {}: {} requests sent", self.authority, self.sent);
            let _ = std::io::stdout().flush();
        }
        self.client.send(request).await
    }
}

/// The findings of one run, deduplicated where a kind needs saying once.
struct Findings(Vec<Finding>);

impl Findings {
    fn add(
        &mut self,
        severity: Severity,
        kind: Kind,
        origin: Option<&str>,
        summary: String,
        evidence: &Exchange,
    ) {
        self.0.push(Finding {
            severity,
            kind,
            origin: origin.map(ToOwned::to_owned),
            summary,
            evidence: Some(evidence.clone()),
        });
    }

    fn once(
        &mut self,
        severity: Severity,
        kind: Kind,
        origin: Option<&str>,
        summary: String,
        evidence: &Exchange,
    ) {
        if !self.0.iter().any(|finding| finding.kind == kind) {
            self.add(severity, kind, origin, summary, evidence);
        }
    }

    /// When any origin at all may read, every other probe origin saying so too is no news: one
    /// finding says it, with the count.
    fn fold_into_any_origin(&mut self) {
        let Some(at) = self.0.iter().position(|f| f.kind == Kind::AnyOrigin) else {
            return;
        };
        let mut any = self.0.remove(at);
        let before = self.0.len();
        self.0
            .retain(|f| !(f.kind.is_origin_probe() && f.severity <= any.severity));
        let folded = before - self.0.len();
        if folded > 0 {
            let _ = write!(
                any.summary,
                "; the {folded} other probe origins (`null`, look-alikes, subdomains, `http://`, \
                 third-party hosts) got the same answer"
            );
        }
        // Back where it was: every finding before it is a listed origin's, none folded.
        self.0.insert(at.min(self.0.len()), any);
    }

    /// The checks every answer gets: `Vary: Origin` when the allowed origin is echoed, and `*`
    /// with credentials.
    fn every_answer(&mut self, origin: &str, exchange: &Exchange) {
        let headers = &exchange.response_headers;
        let allowed = combined(headers, header::ACCESS_CONTROL_ALLOW_ORIGIN.as_str());
        let credentials = combined(headers, header::ACCESS_CONTROL_ALLOW_CREDENTIALS.as_str());
        if allowed.as_deref() == Some("*") && credentials.as_deref() == Some("true") {
            self.once(
                Severity::Low,
                Kind::WildcardWithCredentials,
                Some(origin),
                "the server answers `Access-Control-Allow-Origin: *` with \
                 `Access-Control-Allow-Credentials: true`, which browsers refuse: no page can \
                 read it with credentials; echo the listed origin instead"
                    .to_owned(),
                exchange,
            );
        }
        let vary = combined(headers, header::VARY.as_str()).unwrap_or_default();
        let varies = vary
            .split(',')
            .any(|name| matches!(name.trim().to_ascii_lowercase().as_str(), "origin" | "*"));
        if allowed.as_deref() == Some(origin) && !varies && exchange.kind == Sent::Request {
            self.once(
                Severity::Medium,
                Kind::VaryOriginMissing,
                Some(origin),
                format!(
                    "`Access-Control-Allow-Origin: {origin}` depends on the request's `Origin`, \
                     and the response has no `Vary: Origin`: a shared cache can hand this answer \
                     to another origin's page, or another origin's answer to this one; add \
                     `Vary: Origin`"
                ),
                exchange,
            );
        }
    }
}

/// A request a page at `origin` sends with `fetch()`, built by hand for the probes the model
/// cannot make (origins no page has, bytes no browser sends).
fn by_hand(
    args: &Args,
    method: Method,
    origin: &str,
    extra: &[(&str, &str)],
) -> http::Request<Bytes> {
    let mut request = http::Request::new(Bytes::new());
    *request.method_mut() = method;
    *request.uri_mut() = args.url.to_string().parse().unwrap_or_default();
    let headers = request.headers_mut();
    let mut set = |name: &str, value: &str| {
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(name.as_bytes()),
            http::HeaderValue::from_str(value),
        ) {
            headers.append(name, value);
        }
    };
    set("host", &args.url.authority());
    set("accept", "*/*");
    set("origin", origin);
    set("sec-fetch-mode", "cors");
    set("sec-fetch-site", "cross-site");
    set("sec-fetch-dest", "empty");
    for (name, value) in extra {
        set(name, value);
    }
    request
}

/// Sends a request built by hand and records it as the model records its own.
async fn send(
    server: &mut Bounded,
    kind: Sent,
    request: http::Request<Bytes>,
) -> Result<Exchange, Stopped> {
    match Exchange::send(server, kind, request).await {
        (exchange, Ok(_)) => Ok(exchange),
        (_, Err(message)) => Err(Stopped {
            message,
            requests: server.sent,
        }),
    }
}

/// `request` from a page at `page`, through the model of Chromium in a fresh profile (with
/// credentials when the front-end sends them), or why the audit must stop: a request that got
/// no answer.
async fn fetch(
    server: &mut Bounded,
    page: &str,
    mut request: Request,
    credentials: bool,
) -> Result<Outcome, Stopped> {
    if credentials {
        request = request.with_credentials();
    }
    let outcome = Browser::new(Engine::Chromium)
        .page(page)
        .fetch(server, request)
        .await;
    if let Some(blocked) = outcome.blocked()
        && let cors_browser::Failure::Network(message) = &blocked.failure
    {
        return Err(Stopped {
            message: message.clone(),
            requests: server.sent,
        });
    }
    Ok(outcome)
}

/// Runs every probe against `args.url`.
pub(crate) async fn audit(args: &Args, progress: bool) -> Result<Report, Stopped> {
    let mut server = Bounded {
        client: Client::new().timeout(args.timeout),
        authority: args.url.authority(),
        sent: 0,
        max: args.max_requests,
        progress,
    };
    let mut findings = Findings(Vec::new());
    listed_origins(args, &mut server, &mut findings).await?;
    origin_probes(args, &mut server, &mut findings).await?;
    findings.fold_into_any_origin();
    preflight_probe(args, &mut server, &mut findings).await?;
    injection(args, &mut server, &mut findings).await?;
    cross_origin_write(args, &mut server, &mut findings).await?;
    let mut findings = findings.0;
    findings.sort_by_key(|finding| std::cmp::Reverse(finding.severity));
    Ok(Report {
        findings,
        requests: server.sent,
    })
}

/// The listed origins, as the front-end's requests: what each may do, and what stops it.
async fn listed_origins(
    args: &Args,
    server: &mut Bounded,
    findings: &mut Findings,
) -> Result<(), Stopped> {
    let url = args.url.to_string();
    let path = &args.url.path_and_query;
    for origin in &args.origins {
        let origin = origin.to_string();
        for method in &args.methods {
            let mut request = Request::new(method, &url);
            for name in &args.headers {
                request = request.header(name, "cors-audit");
            }
            let outcome = fetch(server, &origin, request, args.credentials).await?;
            let Some(last) = outcome.exchanges.last() else {
                continue;
            };
            let with = if args.credentials {
                " with credentials"
            } else {
                ""
            };
            match &outcome.response {
                Response::Readable { status, headers } => {
                    let names: Vec<&str> = headers.keys().map(http::HeaderName::as_str).collect();
                    let preflight = if outcome.preflights() > 0 {
                        "after a preflight, "
                    } else {
                        ""
                    };
                    findings.add(
                        Severity::Info,
                        Kind::ListedOriginAllowed,
                        Some(&origin),
                        format!(
                            "may {} {path}{with}: {preflight}readable, status {}; the page can read {}",
                            outcome.method,
                            status.as_u16(),
                            if names.is_empty() { "no header".to_owned() } else { names.join(", ") }
                        ),
                        last,
                    );
                }
                Response::Blocked(blocked) => findings.add(
                    Severity::High,
                    Kind::ListedOriginBlocked,
                    Some(&origin),
                    format!(
                        "may not {} {path}{with}: blocked ({}): {}",
                        outcome.method,
                        blocked.console,
                        blocked.why()
                    ),
                    last,
                ),
                Response::Opaque | Response::Submitted => {}
            }
            for exchange in &outcome.exchanges {
                findings.every_answer(&origin, exchange);
            }
        }
    }

    Ok(())
}

/// Origins an attacker would try: each sent once, judged with and without credentials.
async fn origin_probes(
    args: &Args,
    server: &mut Bounded,
    findings: &mut Findings,
) -> Result<(), Stopped> {
    for probe in probes(&args.origins) {
        let request = by_hand(args, Method::GET, &probe.origin, &[]);
        let exchange = send(server, Sent::Request, request).await?;
        let headers = &exchange.response_headers;
        let Some(allowed) = combined(headers, header::ACCESS_CONTROL_ALLOW_ORIGIN.as_str()) else {
            continue;
        };
        findings.every_answer(&probe.origin, &exchange);
        if allowed == "*" {
            findings.once(
                Severity::Info,
                Kind::PublicApi,
                None,
                "the server answers `Access-Control-Allow-Origin: *`: any page may read its \
                 responses, never with credentials (a public API)"
                    .to_owned(),
                &exchange,
            );
            continue;
        }
        let origin = probe.origin.as_str();
        let (severity, how) = if cors_check(headers, origin, true).is_ok() {
            (
                Severity::High,
                "may read responses with the visitor's cookies",
            )
        } else if cors_check(headers, origin, false).is_ok() {
            (Severity::Medium, "may read responses (without cookies)")
        } else {
            continue;
        };
        findings.add(
            severity,
            probe.kind,
            Some(origin),
            format!(
                "a page on `{origin}` {how}: the server answered `Access-Control-Allow-Origin: \
                 {allowed}`{}; {}",
                if severity == Severity::High {
                    " and `Access-Control-Allow-Credentials: true`"
                } else {
                    ""
                },
                advice(probe.kind)
            ),
            &exchange,
        );
    }

    Ok(())
}

/// A preflight for a method and a header nobody uses: a server that allows them allows
/// whatever is asked.
async fn preflight_probe(
    args: &Args,
    server: &mut Bounded,
    findings: &mut Findings,
) -> Result<(), Stopped> {
    let first = args.origins[0].to_string();
    let url = args.url.to_string();
    let asked = Request::new("CORSAUDIT", &url).header("x-cors-audit-probe", "1");
    let outcome = fetch(server, &first, asked, args.credentials).await?;
    if let Some(preflight) = outcome.exchanges.iter().find(|e| e.kind == Sent::Preflight) {
        preflight_lists(findings, &first, preflight);
    }
    Ok(())
}

/// Bytes that cannot be in a header, percent-encoded in `Origin` and in the preflight's header
/// list: a server that decodes and echoes them writes headers of the client's choice.
async fn injection(
    args: &Args,
    server: &mut Bounded,
    findings: &mut Findings,
) -> Result<(), Stopped> {
    let first = args.origins[0].to_string();
    let injected = "%0d%0ax-cors-audit-injected:%20yes";
    let probes = [
        (Method::GET, format!("{first}{injected}"), Vec::new()),
        (
            Method::OPTIONS,
            first.clone(),
            vec![
                ("access-control-request-method", "PUT".to_owned()),
                ("access-control-request-headers", format!("x-a{injected}")),
            ],
        ),
    ];
    for (method, origin, extra) in probes {
        let extra: Vec<(&str, &str)> = extra.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let kind = if method == Method::OPTIONS {
            Sent::Preflight
        } else {
            Sent::Request
        };
        let exchange = send(server, kind, by_hand(args, method, &origin, &extra)).await?;
        let split = exchange
            .response_headers
            .contains_key("x-cors-audit-injected")
            || exchange
                .response_headers
                .values()
                .any(|v| v.as_bytes().iter().any(|&b| b == b'\r' || b == b'\n'));
        if split {
            findings.once(
                Severity::High,
                Kind::HeaderInjection,
                Some(&origin),
                "the server decoded `%0d%0a` from the request and wrote it into its response: \
                 the client chose a header of the response (`x-cors-audit-injected`); never \
                 decode or echo request bytes into a header"
                    .to_owned(),
                &exchange,
            );
        }
    }

    Ok(())
}

/// A form another site submits: CORS does not stop it.
async fn cross_origin_write(
    args: &Args,
    server: &mut Bounded,
    findings: &mut Findings,
) -> Result<(), Stopped> {
    let attacker = attacker_page(&args.origins);
    let form = Request::form_post(&args.url.to_string()).field("cors-audit", "probe");
    let outcome = fetch(server, &attacker, form, false).await?;
    if let Some(sent) = outcome.exchanges.first()
        && sent
            .status
            .is_some_and(|s| s.is_success() || s.is_redirection())
    {
        findings.add(
            Severity::Low,
            Kind::CrossOriginWrite,
            Some(&attacker),
            format!(
                "a form POST from `{attacker}` was answered {}: a cross-origin write reaches the \
                 handler with the visitor's cookies, whatever the CORS policy says; refuse writes \
                 whose `Sec-Fetch-Site` or `Origin` is not allowed (`refuse_cross_origin_writes: \
                 true` with cors_policy!)",
                sent.status.map_or(0, |s| s.as_u16())
            ),
            sent,
        );
    }
    Ok(())
}

/// The findings of a preflight's lists: reflected, or unparsable.
fn preflight_lists(findings: &mut Findings, origin: &str, preflight: &Exchange) {
    let headers: &HeaderMap = &preflight.response_headers;
    findings.every_answer(origin, preflight);
    for (name, asked, kind) in [
        (
            header::ACCESS_CONTROL_ALLOW_METHODS,
            "CORSAUDIT",
            Kind::MethodsReflected,
        ),
        (
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            "x-cors-audit-probe",
            Kind::HeadersReflected,
        ),
    ] {
        match token_list(headers, &name) {
            Err(failure) => findings.once(
                Severity::Medium,
                Kind::UnparsableList,
                Some(origin),
                format!(
                    "the preflight's `{name}` does not parse ({failure:?}): browsers then refuse \
                     every preflight, the listed origins' too; write a comma-separated list of \
                     tokens"
                ),
                preflight,
            ),
            Ok(Some(list)) if list.iter().any(|item| item.eq_ignore_ascii_case(asked)) => {
                findings.add(
                    Severity::Low,
                    kind,
                    Some(origin),
                    format!(
                        "the preflight allows `{asked}`, which nobody uses: the server allows \
                         whatever is asked for (`{name}`); list what the front-end needs"
                    ),
                    preflight,
                );
            }
            Ok(_) => {}
        }
    }
}

/// What to do about an origin probe that got through.
fn advice(kind: Kind) -> &'static str {
    match kind {
        Kind::AnyOrigin => "the server echoes any origin; allow a fixed list",
        Kind::NullOrigin => {
            "`null` is sent by sandboxed frames and `data:` pages any site can make; never allow it"
        }
        Kind::PrefixMatch => "the origin is matched by its beginning; compare whole origins",
        Kind::SuffixMatch => {
            "the origin is matched by its end; compare whole origins, or match subdomains at a dot"
        }
        Kind::UnescapedDot => "a `.` in a pattern matches any character; escape it",
        Kind::SpecialCharacters => {
            "the origin is parsed loosely (a lax regular expression or URL parser); compare whole \
             origins"
        }
        Kind::UnlistedSubdomain => {
            "every subdomain is trusted, and a subdomain taken over or with an XSS reads \
             everything; list the subdomains that need it"
        }
        Kind::InsecureScheme => {
            "an `http://` page can be forged by anyone on the network; allow `https://` only"
        }
        Kind::ThirdPartyHost => {
            "anyone can publish a page on that host's suffix; never trust a suffix from the \
             Public Suffix List"
        }
        Kind::ListedOriginAllowed
        | Kind::ListedOriginBlocked
        | Kind::PublicApi
        | Kind::MethodsReflected
        | Kind::HeadersReflected
        | Kind::WildcardWithCredentials
        | Kind::UnparsableList
        | Kind::VaryOriginMissing
        | Kind::HeaderInjection
        | Kind::CrossOriginWrite => "",
    }
}

//! Not a criterion benchmark: a server under load. The demo's API (`/api/hello`, `/api/items`)
//! under the demo's policy, served by hyper (through `axum::serve`) on loopback, behind no CORS
//! layer, behind tower-http's `CorsLayer`, behind ours and behind ours built reloadable, each in
//! its own process, driven by the `oha` load generator for a fixed number of requests of each
//! kind.
//!
//! - `load serve <mode>` serves one mode on a free port of 127.0.0.1 and prints the port. Each
//!   line `swap` on its standard input replaces the reloadable layer's origins, alternating two
//!   lists; at the end of its input it prints how many swaps it made and exits.
//! - `load run <requests> <oha>` serves each mode in turn, runs `oha` for `<requests>` requests
//!   of each kind, and prints one JSON object: per mode and kind, requests per second, the 99th
//!   percentile latency, the status codes and errors, and the server's CPU time (its threads'
//!   `schedstat`). During the reloadable mode's runs the origins are swapped 1 000 times
//!   while a prober checks that every answer is the old policy's or the new one's, and the
//!   server's resident memory is read after warm-up and at the end. `scripts/bench-report` turns
//!   it into a section of `BENCHMARKS.md`.
//! - `--test` (as `cargo bench -- --test` passes it) serves every mode, checks one request of
//!   each kind, and swaps the reloadable one's origins 100 times under the prober; no `oha`.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;
use cors_runtime::{CorsLayer, CorsPolicy, ReloadHandle, Verdict, cors_policy};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, header};

/// The demo's policy, from the demo itself: its page's origin, writes refused from any other.
static DEMO: CorsPolicy = include!("../../examples/axum/src/policy.rs");

const PAGE: &str = "http://localhost:3001";

/// The reloadable mode's two origin lists: the page's origin in both, so that the load's
/// requests are allowed whichever is in place, and one origin only the first allows, which the
/// prober sends.
const OLD: [&str; 2] = [PAGE, "https://old.example"];
const NEW: [&str; 2] = [PAGE, "https://new.example"];
const PROBED: &str = "https://old.example";

/// How many times the reloadable mode's origins are swapped during its runs.
const SWAPS: usize = 1000;

/// The servers compared, in the order they run.
const MODES: [&str; 4] = ["none", "tower_http", "ours", "reloadable"];

/// A kind of request: its name, method, path and header lines.
type Kind = (
    &'static str,
    Method,
    &'static str,
    &'static [(&'static str, &'static str)],
);

/// The kinds of request each server is loaded with.
fn kinds() -> [Kind; 5] {
    [
        (
            "get_allowed",
            Method::GET,
            "/api/hello",
            &[("origin", PAGE)],
        ),
        (
            "get_disallowed",
            Method::GET,
            "/api/hello",
            &[("origin", "https://evil.example")],
        ),
        ("get_no_origin", Method::GET, "/api/hello", &[]),
        (
            "preflight",
            Method::OPTIONS,
            "/api/items",
            &[
                ("origin", PAGE),
                ("access-control-request-method", "PUT"),
                ("access-control-request-headers", "content-type"),
            ],
        ),
        (
            "put_allowed",
            Method::PUT,
            "/api/items",
            &[("origin", PAGE), ("sec-fetch-site", "same-site")],
        ),
    ]
}

// ---------------------------------------------------------------------------------------------
// The server.

fn routes() -> Router {
    Router::new()
        .route("/api/hello", get(|| async { r#"{"hello":"world"}"# }))
        .route(
            "/api/items",
            get(|method: Method| async move { format!(r#"{{"method":"{method}"}}"#) })
                .put(|| async { r#"{"method":"PUT"}"# })
                .delete(|| async { r#"{"method":"DELETE"}"# }),
        )
}

/// The demo's policy for tower-http: the same origin, methods, headers and age. tower-http has
/// no rule for cross-origin writes, so its writes all reach the handler.
fn tower_http() -> tower_http::cors::CorsLayer {
    tower_http::cors::CorsLayer::new()
        .allow_origin(HeaderValue::from_static(PAGE))
        .allow_methods([Method::PUT, Method::DELETE])
        .allow_headers([header::CONTENT_TYPE, HeaderName::from_static("x-demo")])
        .expose_headers([HeaderName::from_static("x-request-id")])
        .allow_credentials(true)
        .max_age(Duration::from_mins(10))
}

/// The policy with `origins`, as a hot reload builds it from configuration.
fn with_origins(origins: [&str; 2]) -> CorsPolicy {
    DEMO.with_origins(origins).expect("valid origins")
}

fn serve(mode: &str) -> Result<(), String> {
    let mut reload: Option<ReloadHandle> = None;
    let app = match mode {
        "none" => routes(),
        "tower_http" => routes().layer(tower_http()),
        "ours" => routes().layer(DEMO.layer()),
        "reloadable" => {
            let (layer, handle) = CorsLayer::reloadable(with_origins(OLD));
            reload = Some(handle);
            routes().layer(layer)
        }
        _ => return Err(format!("no mode `{mode}`; modes: {}", MODES.join(", "))),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .map_err(|e| format!("bind: {e}"))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    runtime.spawn(async move { axum::serve(listener, app).await });
    println!("{port}");
    std::io::stdout().flush().map_err(|e| e.to_string())?;
    let mut swaps = 0usize;
    for line in std::io::stdin().lock().lines() {
        let line = line.map_err(|e| e.to_string())?;
        match (line.trim(), &reload) {
            ("swap", Some(handle)) => {
                let origins = if swaps.is_multiple_of(2) { NEW } else { OLD };
                handle.set_origins(origins).map_err(|e| e.to_string())?;
                swaps += 1;
            }
            (other, _) => return Err(format!("`{other}`: only `swap`, and only when reloadable")),
        }
    }
    println!("swaps {swaps}");
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// A client that reads every byte of the answer, for the checks.

/// An answer: its status and header lines, names lowercase.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
}

/// Sends one request of `kind` (its `origin` replaced by `origin` when given) on a fresh
/// connection and reads the whole answer.
fn exchange(port: u16, kind: &Kind, origin: Option<&str>) -> Result<Answer, String> {
    let (_, method, path, lines) = kind;
    let mut request = format!("{method} {path} HTTP/1.1\r\nhost: 127.0.0.1:{port}\r\n");
    for &(name, value) in *lines {
        let value = if name == "origin" {
            origin.unwrap_or(value)
        } else {
            value
        };
        let _ = write!(request, "{name}: {value}\r\n");
    }
    request.push_str("connection: close\r\n\r\n");
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(|e| e.to_string())?;
    stream
        .write_all(request.as_bytes())
        .map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&raw);
    let head = text.split("\r\n\r\n").next().unwrap_or_default();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| format!("not an HTTP answer: {text:?}"))?;
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    Ok(Answer { status, headers })
}

/// The answer's CORS headers (`access-control-*` and `vary`), sorted.
fn cors_lines(headers: impl IntoIterator<Item = (String, String)>) -> Vec<(String, String)> {
    let mut lines: Vec<_> = headers
        .into_iter()
        .filter(|(name, _)| name.starts_with("access-control-") || name == "vary")
        .collect();
    lines.sort();
    lines
}

/// What `policy` answers to a request of `kind` (its `origin` replaced by `origin` when given):
/// its status when it answers itself (a preflight, a refused write), and its CORS headers.
fn expected(
    policy: &CorsPolicy,
    kind: &Kind,
    origin: Option<&str>,
) -> (Option<u16>, Vec<(String, String)>) {
    let (_, method, path, lines) = kind;
    let mut request = Request::builder().method(method.clone()).uri(*path);
    for &(name, value) in *lines {
        let value = if name == "origin" {
            origin.unwrap_or(value)
        } else {
            value
        };
        request = request.header(name, value);
    }
    let request = request.body(()).expect("a valid request");
    let mut out = HeaderMap::new();
    let status = match policy.check_request(&request) {
        Verdict::Preflight(preflight) => {
            preflight.write_headers(&mut out);
            Some(preflight.status())
        }
        Verdict::Actual(actual) => {
            actual.write_headers(&mut out);
            None
        }
        Verdict::RefusedWrite(refused) => Some(refused.status()),
    };
    let lines = out.iter().map(|(name, value)| {
        (
            name.as_str().to_owned(),
            value.to_str().unwrap_or_default().to_owned(),
        )
    });
    (status.map(|status| status.as_u16()), cors_lines(lines))
}

/// Probes the reloadable server until `stop`: a GET and a preflight from [`PROBED`], alternately
/// and about one a millisecond,
/// each answer compared with what the old and the new policy answer. Returns how many answers
/// were the old policy's and how many the new one's; an error on the first answer that is
/// neither's.
fn probe(port: u16, stop: &AtomicBool) -> Result<(usize, usize), String> {
    let (old, new) = (with_origins(OLD), with_origins(NEW));
    let kinds = kinds();
    let probed = [&kinds[0], &kinds[3]];
    let (mut olds, mut news) = (0, 0);
    for round in 0.. {
        if stop.load(Ordering::SeqCst) && round > 1 {
            break;
        }
        let kind = probed[round % 2];
        let answer = exchange(port, kind, Some(PROBED))?;
        let got = cors_lines(answer.headers);
        let statuses = |status: Option<u16>| status.unwrap_or(200);
        let (old_status, old_lines) = expected(&old, kind, Some(PROBED));
        let (new_status, new_lines) = expected(&new, kind, Some(PROBED));
        if answer.status == statuses(old_status) && got == old_lines {
            olds += 1;
        } else if answer.status == statuses(new_status) && got == new_lines {
            news += 1;
        } else {
            return Err(format!(
                "{} from {PROBED}: {} {got:?} is neither the old policy's answer \
                 ({old_lines:?}) nor the new one's ({new_lines:?})",
                kind.0, answer.status
            ));
        }
        // About a thousand a second: a check beside the load, not a part of it.
        thread::sleep(Duration::from_millis(1));
    }
    Ok((olds, news))
}

/// [`probe`] on a thread of its own, until [`Prober::finish`].
struct Prober {
    stop: Arc<AtomicBool>,
    thread: thread::JoinHandle<Result<(usize, usize), String>>,
}

impl Prober {
    fn start(port: u16) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = Arc::clone(&stop);
            thread::spawn(move || probe(port, &stop))
        };
        Self { stop, thread }
    }

    /// Stops probing: how many answers were the old policy's and how many the new one's.
    fn finish(self) -> Result<(usize, usize), String> {
        self.stop.store(true, Ordering::SeqCst);
        self.thread
            .join()
            .map_err(|_| "the prober panicked".to_owned())?
    }
}

// ---------------------------------------------------------------------------------------------
// The driver.

/// A server of one mode, in its own process.
struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    port: u16,
}

impl Server {
    fn start(mode: &str) -> Result<Self, String> {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let mut child = Command::new(exe)
            .args(["serve", mode])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("starting the {mode} server: {e}"))?;
        let stdin = child.stdin.take();
        let mut stdout = BufReader::new(child.stdout.take().ok_or("no stdout")?);
        let mut line = String::new();
        stdout.read_line(&mut line).map_err(|e| e.to_string())?;
        let port = line
            .trim()
            .parse()
            .map_err(|_| format!("the {mode} server printed {line:?}, not its port"))?;
        Ok(Self {
            child,
            stdin,
            stdout,
            port,
        })
    }

    /// Asks for one swap of the origins.
    fn swap(&mut self) -> Result<(), String> {
        let stdin = self.stdin.as_mut().ok_or("stdin closed")?;
        stdin.write_all(b"swap\n").map_err(|e| e.to_string())
    }

    /// Nanoseconds its threads have run so far.
    fn cpu_ns(&self) -> Result<u64, String> {
        let tasks = format!("/proc/{}/task", self.child.id());
        let mut total = 0;
        for task in std::fs::read_dir(&tasks).map_err(|e| format!("{tasks}: {e}"))? {
            let path = task.map_err(|e| e.to_string())?.path().join("schedstat");
            // A thread may end between the listing and the read.
            if let Ok(text) = std::fs::read_to_string(&path) {
                total += text
                    .split_whitespace()
                    .next()
                    .and_then(|ns| ns.parse::<u64>().ok())
                    .ok_or_else(|| format!("{}: {text:?}", path.display()))?;
            }
        }
        Ok(total)
    }

    /// Its resident memory, in KiB.
    fn rss_kib(&self) -> Result<u64, String> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .map_err(|e| e.to_string())?;
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .ok_or_else(|| "no VmRSS".to_owned())
    }

    /// Closes its input and waits for it: the number of swaps it made.
    fn stop(mut self) -> Result<usize, String> {
        drop(self.stdin.take());
        let mut line = String::new();
        self.stdout
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        let status = self.child.wait().map_err(|e| e.to_string())?;
        if !status.success() {
            return Err(format!("the server exited with {status}"));
        }
        line.trim()
            .strip_prefix("swaps ")
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| format!("the server printed {line:?} at the end"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `oha` against `port` for `requests` requests of `kind` and returns its JSON summary.
fn oha(oha: &str, port: u16, kind: &Kind, requests: usize) -> Result<serde_json::Value, String> {
    let (_, method, path, lines) = kind;
    let mut command = Command::new(oha);
    command.args([
        "--no-tui",
        "--output-format",
        "json",
        "-n",
        &requests.to_string(),
        "-c",
        "16",
        "-m",
        method.as_str(),
    ]);
    for &(name, value) in *lines {
        command.args(["-H", &format!("{name}: {value}")]);
    }
    command.arg(format!("http://127.0.0.1:{port}{path}"));
    let output = command
        .output()
        .map_err(|e| format!("running {oha}: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "oha failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    serde_json::from_slice(&output.stdout).map_err(|e| format!("oha's JSON: {e}"))
}

/// One mode's runs, one per kind, as JSON.
fn run_mode(mode: &str, requests: usize, oha_path: &str) -> Result<serde_json::Value, String> {
    let mut server = Server::start(mode)?;
    let port = server.port;
    // Warm-up: every kind once through the checking client, then a short load of each.
    let mut statuses = Vec::new();
    for kind in &kinds() {
        statuses.push(exchange(port, kind, None)?.status);
        oha(oha_path, port, kind, requests / 10)?;
    }
    let rss_warm = server.rss_kib()?;
    let prober = (mode == "reloadable").then(|| Prober::start(port));
    let mut runs = serde_json::Map::new();
    // Swaps are asked for only while a load runs, so all `SWAPS` were made under load when
    // that many were asked for.
    let mut swapped = 0;
    for (kind, status) in kinds().iter().zip(statuses) {
        let before = server.cpu_ns()?;
        let load = {
            let (path, port) = (oha_path.to_owned(), port);
            let kind = kind.clone();
            thread::spawn(move || oha(&path, port, &kind, requests))
        };
        // A swap every millisecond while the load runs, until there have been `SWAPS`.
        while prober.is_some() && swapped < SWAPS && !load.is_finished() {
            server.swap()?;
            swapped += 1;
            thread::sleep(Duration::from_millis(1));
        }
        let summary = load.join().map_err(|_| "the oha thread panicked")??;
        let cpu = server.cpu_ns()? - before;
        runs.insert(
            kind.0.to_owned(),
            serde_json::json!({
                "expected_status": status,
                "summary": summary["summary"],
                "p99": summary["latencyPercentiles"]["p99"],
                "statuses": summary["statusCodeDistribution"],
                "errors": summary["errorDistribution"],
                "server_cpu_ns": cpu,
            }),
        );
    }
    let answers = prober.map(Prober::finish).transpose()?;
    let rss_end = server.rss_kib()?;
    let swaps = server.stop()?;
    if swaps != swapped {
        return Err(format!("{swapped} swaps asked, {swaps} made"));
    }
    Ok(serde_json::json!({
        "runs": runs,
        "rss_warm_kib": rss_warm,
        "rss_end_kib": rss_end,
        "swaps": swaps,
        "probes": answers.map(|(old, new)| serde_json::json!({"old": old, "new": new})),
    }))
}

fn run(requests: usize, oha_path: &str) -> Result<(), String> {
    let started = Instant::now();
    let mut modes = serde_json::Map::new();
    for mode in MODES {
        eprintln!("load: {mode}");
        modes.insert(mode.to_owned(), run_mode(mode, requests, oha_path)?);
    }
    let report = serde_json::json!({
        "requests": requests,
        "seconds": started.elapsed().as_secs_f64(),
        "modes": modes,
    });
    println!("{report}");
    Ok(())
}

/// `--test`: every mode answers every kind as its policy says, and the reloadable one's swaps
/// under the prober give old or new answers only, both seen.
fn test() -> Result<(), String> {
    for mode in MODES {
        let mut server = Server::start(mode)?;
        for kind in &kinds() {
            let answer = exchange(server.port, kind, None)?;
            // Our modes' answers are the policy's, headers included; the others', their status.
            let (status, lines) = match mode {
                "ours" => expected(&DEMO, kind, None),
                "reloadable" => expected(&with_origins(OLD), kind, None),
                _ => (None, Vec::new()),
            };
            let want = match (mode, kind.0) {
                ("none", "preflight") => 405,
                ("tower_http", "preflight") => 200,
                _ => status.unwrap_or(200),
            };
            let got = cors_lines(answer.headers);
            let ours = matches!(mode, "ours" | "reloadable");
            if answer.status != want || (ours && got != lines) {
                return Err(format!(
                    "{mode} {}: {} {got:?}, expected {want} {lines:?}",
                    kind.0, answer.status
                ));
            }
        }
        if mode == "reloadable" {
            let prober = Prober::start(server.port);
            for _ in 0..100 {
                server.swap()?;
                thread::sleep(Duration::from_millis(2));
            }
            let (old, new) = prober.finish()?;
            if old == 0 || new == 0 {
                return Err(format!(
                    "the prober saw {old} old answers and {new} new ones"
                ));
            }
        }
        let swaps = server.stop()?;
        let want = if mode == "reloadable" { 100 } else { 0 };
        if swaps != want {
            return Err(format!("{mode}: {swaps} swaps, expected {want}"));
        }
    }
    println!("load: {} modes answered as their policies say", MODES.len());
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let result = match &args[..] {
        [serve_, mode] if serve_ == "serve" => serve(mode),
        [run_, requests, oha] if run_ == "run" => match requests.parse() {
            Ok(requests) => run(requests, oha),
            Err(_) => Err(format!("`{requests}` is not a number of requests")),
        },
        [flag, ..] if flag == "--test" => test(),
        // `cargo bench` runs every benchmark, this one with criterion's options or none.
        [] => {
            println!("load: run by scripts/bench-report with oha: `load run <requests> <oha>`");
            Ok(())
        }
        [flag, ..] if flag.starts_with("--") => {
            println!("load: run by scripts/bench-report with oha: `load run <requests> <oha>`");
            Ok(())
        }
        _ => Err("usage: load serve <mode> | load run <requests> <oha> | --test".to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

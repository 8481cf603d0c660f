//! `cors-audit` run as a user runs it, against real servers the test starts on loopback: each
//! test asserts the findings' kind, severity and probe origin, and the exit status.

use std::time::Duration;

use axum::Router;
use axum::http::{HeaderValue, Request, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::any;
use cors_runtime::{CorsPolicy, cors_policy};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower_http::cors::{AllowOrigin, Any, CorsLayer};

const APP: &str = "https://app.example.com";

/// Serves `app` on a loopback port; returns the URL of `/items`.
async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{address}/items")
}

fn items() -> Router {
    Router::new().route("/items", any(|| async { "items" }))
}

/// What a run printed and how it ended.
struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {}", self.stdout))
    }

    /// The findings of a `--json` run, as (severity, kind, origin).
    fn findings(&self) -> Vec<(String, String, Option<String>)> {
        self.json()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["severity"].as_str().unwrap().to_owned(),
                    f["kind"].as_str().unwrap().to_owned(),
                    f["origin"].as_str().map(ToOwned::to_owned),
                )
            })
            .collect()
    }

    fn has(&self, severity: &str, kind: &str, origin: &str) -> bool {
        self.findings()
            .iter()
            .any(|(s, k, o)| s == severity && k == kind && o.as_deref() == Some(origin))
    }

    fn worst(&self) -> Option<String> {
        let order = ["info", "low", "medium", "high"];
        self.findings()
            .into_iter()
            .map(|(severity, ..)| severity)
            .max_by_key(|s| order.iter().position(|o| o == s))
    }
}

async fn audit(args: &[&str]) -> Run {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_cors-audit"))
        .args(args)
        .output()
        .await
        .unwrap();
    Run {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_policy_has_no_high_or_medium_finding() {
    // The demo's own policy, which allows its page's origin.
    static DEMO: CorsPolicy = include!("../../examples/axum/src/policy.rs");
    const APP: &str = "http://localhost:3001";
    let url = serve(items().layer(DEMO.layer())).await;
    let run = audit(&[
        &url,
        "--origin",
        APP,
        "--credentials",
        "--method",
        "PUT",
        "--json",
        "--fail-on",
        "medium",
    ])
    .await;
    assert_eq!(run.status, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.worst().as_deref(), Some("info"), "{}", run.stdout);
    assert!(run.has("info", "listed-origin-allowed", APP));
    // The table says the same to a person.
    let table = audit(&[&url, "--origin", APP, "--credentials"]).await;
    assert_eq!(table.status, 0);
    assert!(
        table.stdout.contains("listed-origin-allowed"),
        "{}",
        table.stdout
    );
    assert!(
        table
            .stdout
            .contains("0 high, 0 medium, 0 low, 1 info; --fail-on high: exit 0"),
        "{}",
        table.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn tower_http_mirroring_any_origin_with_credentials_is_high() {
    let layer = CorsLayer::new()
        .allow_origin(AllowOrigin::mirror_request())
        .allow_credentials(true);
    let url = serve(items().layer(layer)).await;
    let run = audit(&[&url, "--origin", APP, "--credentials", "--json"]).await;
    assert_eq!(run.status, 1, "{}", run.stdout);
    assert!(
        run.has("high", "any-origin", "https://cors-audit-attacker.example"),
        "{}",
        run.stdout
    );
    // Every other probe origin got the same answer: said once, with the count.
    assert!(!run.has("high", "null-origin", "null"));
    let summary = run.json()["findings"][0]["summary"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(summary.contains("the 20 other probe origins"), "{summary}");
    // Its handler takes any method: a form from another site reaches it.
    assert!(run.has(
        "low",
        "cross-origin-write",
        "https://cors-audit-attacker.example"
    ));
    let finding = &run.json()["findings"][0];
    assert_eq!(finding["severity"], "high");
    let evidence = &finding["evidence"];
    assert_eq!(evidence["request"]["method"], "GET");
    assert!(evidence["response"]["headers"]["access-control-allow-credentials"] == "true");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_suffix_predicate_trusts_a_look_alike() {
    let layer = CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(|origin: &HeaderValue, _| {
            origin.as_bytes().ends_with(b"example.com")
        }))
        .allow_credentials(true);
    let url = serve(items().layer(layer)).await;
    let run = audit(&[&url, "--origin", APP, "--credentials", "--json"]).await;
    assert_eq!(run.status, 1);
    assert!(
        run.has("high", "suffix-match", "https://attackerexample.com"),
        "{}",
        run.stdout
    );
    assert!(run.has(
        "high",
        "unlisted-subdomain",
        "https://cors-audit-unlisted.example.com"
    ));
    assert!(
        !run.findings()
            .iter()
            .any(|(_, kind, _)| kind == "any-origin")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_prefix_predicate_trusts_the_attacker_s_subdomain() {
    let layer = CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(|origin: &HeaderValue, _| {
            origin.as_bytes().starts_with(APP.as_bytes())
        }))
        .allow_credentials(true);
    let url = serve(items().layer(layer)).await;
    let run = audit(&[&url, "--origin", APP, "--credentials", "--json"]).await;
    assert_eq!(run.status, 1);
    assert!(
        run.has(
            "high",
            "prefix-match",
            "https://app.example.com.cors-audit-attacker.example"
        ),
        "{}",
        run.stdout
    );
    assert!(run.has(
        "high",
        "special-characters",
        "https://app.example.com_.cors-audit-attacker.example"
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_list_that_trusts_null() {
    let layer = CorsLayer::new()
        .allow_origin([
            HeaderValue::from_static(APP),
            HeaderValue::from_static("null"),
        ])
        .allow_credentials(true);
    let url = serve(items().layer(layer)).await;
    let run = audit(&[&url, "--origin", APP, "--credentials", "--json"]).await;
    assert_eq!(run.status, 1);
    assert!(run.has("high", "null-origin", "null"), "{}", run.stdout);
    assert_eq!(
        run.findings().iter().filter(|(s, ..)| s == "high").count(),
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hand_written_middleware_without_vary_is_medium() {
    async fn echo_app_origin(request: Request<axum::body::Body>, next: Next) -> Response {
        let listed = request
            .headers()
            .get(header::ORIGIN)
            .is_some_and(|o| o == APP);
        let mut response = next.run(request).await;
        if listed {
            let headers = response.headers_mut();
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static(APP),
            );
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                HeaderValue::from_static("true"),
            );
        }
        response
    }
    let url = serve(items().layer(middleware::from_fn(echo_app_origin))).await;
    let run = audit(&[&url, "--origin", APP, "--credentials", "--json"]).await;
    assert_eq!(
        run.status, 0,
        "medium is below the default --fail-on high: {}",
        run.stdout
    );
    assert!(
        run.has("medium", "vary-origin-missing", APP),
        "{}",
        run.stdout
    );
    let strict = audit(&[
        &url,
        "--origin",
        APP,
        "--credentials",
        "--json",
        "--fail-on",
        "medium",
    ])
    .await;
    assert_eq!(strict.status, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_actix_cors_app() {
    let (sender, port) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = actix_web::HttpServer::new(|| {
                let cors = actix_cors::Cors::default()
                    .allowed_origin(APP)
                    .allowed_methods(["GET", "PUT"])
                    .supports_credentials();
                actix_web::App::new()
                    .wrap(cors)
                    .route("/items", actix_web::web::to(actix_web::HttpResponse::Ok))
            })
            .workers(1)
            .bind(("127.0.0.1", 0))
            .unwrap();
            sender.send(server.addrs()[0].port()).unwrap();
            server.run().await.unwrap();
        });
    });
    let url = format!("http://127.0.0.1:{}/items", port.recv().unwrap());
    let run = audit(&[
        &url,
        "--origin",
        APP,
        "--credentials",
        "--method",
        "PUT",
        "--json",
    ])
    .await;
    assert_eq!(run.status, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.has("info", "listed-origin-allowed", APP),
        "{}",
        run.stdout
    );
    assert!(
        !run.findings()
            .iter()
            .any(|(s, ..)| s == "high" || s == "medium"),
        "{}",
        run.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_public_api_without_credentials_is_only_info() {
    // A public read API: GET only, so a form POST gets 405 and reaches no handler.
    let public = Router::new().route("/items", axum::routing::get(|| async { "items" }));
    let url = serve(public.layer(CorsLayer::new().allow_origin(Any))).await;
    let run = audit(&[&url, "--origin", APP, "--json", "--fail-on", "low"]).await;
    assert_eq!(run.status, 0, "{}", run.stdout);
    assert_eq!(run.worst().as_deref(), Some("info"));
    assert!(
        run.findings()
            .iter()
            .any(|(s, k, o)| s == "info" && k == "public-api" && o.is_none())
    );
}

/// A server that decodes `%0d%0a` in `Origin` and writes it raw into its answer.
async fn echoes_crlf() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                let text = String::from_utf8_lossy(&request);
                let origin = text
                    .lines()
                    .find_map(|line| line.strip_prefix("origin: "))
                    .unwrap_or_default()
                    .replace("%0d", "\r")
                    .replace("%0a", "\n")
                    .replace("%20", " ");
                let answer = format!(
                    "HTTP/1.1 200 OK\r\naccess-control-allow-origin: {origin}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                );
                let _ = socket.write_all(answer.as_bytes()).await;
            });
        }
    });
    format!("http://{address}/items")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_echoes_cr_lf_lets_the_client_write_headers() {
    let url = echoes_crlf().await;
    let run = audit(&[&url, "--origin", APP, "--json"]).await;
    assert_eq!(run.status, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.has(
            "high",
            "header-injection",
            "https://app.example.com%0d%0ax-cors-audit-injected:%20yes"
        ),
        "{}",
        run.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_and_bad_servers_are_one_line_and_exit_2() {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_url = format!("http://{}/", silent.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            held.push(socket);
        }
    });
    let garbage = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let garbage_url = format!("http://{}/", garbage.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = garbage.accept().await {
            let _ = socket.write_all(b"this is not http\r\n\r\n").await;
        }
    });
    let good = serve(items().layer(CorsLayer::new().allow_origin(Any))).await;
    let closed_url = format!("http://127.0.0.1:{closed}/");
    // TLS to a server that speaks plain HTTP.
    let not_tls = good.replacen("http://", "https://", 1);
    for (args, says) in [
        (
            vec!["ftp://example.com/", "--origin", APP],
            "use http or https",
        ),
        (
            vec![good.as_str(), "--origin", "https://app.example.com/"],
            "not an origin as a browser writes it",
        ),
        (vec![good.as_str()], "no --origin"),
        (
            vec![closed_url.as_str(), "--origin", APP],
            "after 1 request(s)",
        ),
        (
            vec![silent_url.as_str(), "--origin", APP, "--timeout", "0.5"],
            "no answer within 500ms",
        ),
        (
            vec![garbage_url.as_str(), "--origin", APP],
            "after 1 request(s)",
        ),
        (
            vec![good.as_str(), "--origin", APP, "--max-requests", "3"],
            "stopped at the bound of 3 requests",
        ),
        (vec![not_tls.as_str(), "--origin", APP], "corrupt message"),
    ] {
        let started = std::time::Instant::now();
        let run = audit(&args).await;
        assert_eq!(run.status, 2, "{args:?}: {}{}", run.stdout, run.stderr);
        assert_eq!(
            run.stderr.lines().count(),
            1,
            "{args:?}: one line: {}",
            run.stderr
        );
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"));
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{args:?} took {:?}",
            started.elapsed()
        );
    }
    let help = audit(&["--help"]).await;
    assert_eq!(help.status, 0);
    assert!(
        help.stdout
            .starts_with("usage: cors-audit URL --origin ORIGIN")
    );
}

//! The three engines, started and driven over the W3C WebDriver protocol with plain HTTP calls:
//! `chromedriver` for Chromium, `geckodriver` for Firefox ESR, and `WebKitGTK`'s
//! `WebKitWebDriver` for its `MiniBrowser`, which has no headless mode and so runs on an Xvfb
//! display started for it.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The engines of the suite are the model's: one name each.
pub(crate) use cors_browser::Engine;

/// A program: the variable that names it, or the first of `candidates` (names on `PATH`, or
/// absolute paths) that exists.
fn program(variable: &str, candidates: &[&str], install: &str) -> PathBuf {
    if let Some(path) = std::env::var_os(variable) {
        return PathBuf::from(path);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for candidate in candidates {
        if Path::new(candidate).is_absolute() {
            if Path::new(candidate).is_file() {
                return PathBuf::from(candidate);
            }
            continue;
        }
        for dir in std::env::split_paths(&path) {
            if dir.join(candidate).is_file() {
                return dir.join(candidate);
            }
        }
    }
    panic!(
        "{} was not found, and this suite needs it: {install}, or set {variable} to its path",
        candidates[0]
    );
}

/// geckodriver as `.ci/run` installs it, in a folder kept out of git.
fn ci_geckodriver() -> String {
    format!(
        "{}/../../.ci/cache/bin/geckodriver",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// A free port on loopback, for a driver to listen on.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port on loopback")
}

/// A running driver (and, for WebKit, its X display), killed when dropped.
pub(crate) struct Driver {
    engine: Engine,
    port: u16,
    _process: Child,
    _display: Option<Child>,
    profile: PathBuf,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// Starts Xvfb on a display it chooses (`-displayfd`) and returns it with the display's name.
async fn xvfb() -> (Child, String) {
    let binary = program(
        "XVFB",
        &["Xvfb"],
        "install it with `apt-get install -y xvfb xauth`",
    );
    let mut child = Command::new(binary)
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "1280x1024x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("Xvfb starts");
    let mut line = String::new();
    let stdout = child.stdout.take().unwrap();
    tokio::time::timeout(
        Duration::from_secs(30),
        BufReader::new(stdout).read_line(&mut line),
    )
    .await
    .expect("Xvfb chose a display within 30 s")
    .expect("Xvfb writes its display number");
    (child, format!(":{}", line.trim()))
}

impl Driver {
    /// Starts the engine's driver and waits until it accepts sessions.
    pub(crate) async fn start(engine: Engine) -> Self {
        let port = free_port();
        let profile = std::env::temp_dir().join(format!(
            "cors-browser-{}-{}",
            engine.name(),
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&profile);
        let mut display = None;
        let mut command = match engine {
            Engine::Chromium => {
                let mut command = Command::new(program(
                    "CHROMEDRIVER",
                    &["chromedriver"],
                    "install it with `apt-get install -y chromium chromium-driver`",
                ));
                command.arg(format!("--port={port}"));
                command
            }
            Engine::Firefox => {
                let mut command = Command::new(program(
                    "GECKODRIVER",
                    &["geckodriver", &ci_geckodriver()],
                    "install it with `cargo install geckodriver`",
                ));
                command.args(["--port", &port.to_string()]);
                command
            }
            Engine::WebKit => {
                let (xvfb, name) = xvfb().await;
                display = Some(xvfb);
                let mut command = Command::new(program(
                    "WEBKIT_WEBDRIVER",
                    &["WebKitWebDriver"],
                    "install it with `apt-get install -y webkit2gtk-driver`",
                ));
                command.arg(format!("--port={port}")).env("DISPLAY", name);
                command
            }
        };
        let driver = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("the {} driver starts: {e}", engine.name()));
        let started = Self {
            engine,
            port,
            _process: driver,
            _display: display,
            profile,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(status) = started.call("GET", "/status", None).await
                && status["ready"] == true
            {
                return started;
            }
            assert!(
                Instant::now() < deadline,
                "the {} driver was not ready within 30 s",
                engine.name()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// What the engine is asked to start with: headless where it can be, no network of its own.
    fn capabilities(&self) -> Value {
        match self.engine {
            Engine::Chromium => json!({
                "browserName": "chrome",
                "goog:chromeOptions": {
                    "binary": program(
                        "CHROMIUM",
                        &["chromium", "chromium-browser", "google-chrome"],
                        "install it with `apt-get install -y chromium chromium-driver`",
                    ),
                    "args": [
                        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                        "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync",
                        format!("--user-data-dir={}", self.profile.display()),
                    ],
                },
            }),
            Engine::Firefox => json!({
                "browserName": "firefox",
                "moz:firefoxOptions": {
                    "binary": program(
                        "FIREFOX",
                        &["/usr/lib/firefox-esr/firefox-esr", "firefox-esr", "firefox"],
                        "install it with `apt-get install -y firefox-esr`",
                    ),
                    "args": ["-headless"],
                },
            }),
            Engine::WebKit => json!({
                "browserName": "MiniBrowser",
                "webkitgtk:browserOptions": {
                    "binary": program(
                        "MINIBROWSER",
                        &["/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"],
                        "install it with `apt-get install -y webkit2gtk-driver`",
                    ),
                    "args": ["--automation"],
                },
            }),
        }
    }

    /// One WebDriver command; a driver that does not answer within 2 minutes is an error, so a
    /// hung browser fails the test instead of stalling CI.
    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        tokio::time::timeout(Duration::from_mins(2), self.send(method, path, body))
            .await
            .unwrap_or_else(|_| Err(format!("no answer to {method} {path} within 2 minutes")))
    }

    /// The command's `value`, or the error the driver reported.
    async fn send(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let stream = tokio::net::TcpStream::connect(("127.0.0.1", self.port))
            .await
            .map_err(|e| e.to_string())?;
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| e.to_string())?;
        tokio::spawn(connection);
        let body = body.map(|body| body.to_string()).unwrap_or_default();
        let request = hyper::Request::builder()
            .method(method)
            .uri(path)
            .header("host", format!("127.0.0.1:{}", self.port))
            .header("content-type", "application/json; charset=utf-8")
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| e.to_string())?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| e.to_string())?;
        let bytes = response
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        let reply: Value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
        match reply["value"].get("error") {
            Some(error) => Err(format!("{error}: {}", reply["value"]["message"])),
            None => Ok(reply["value"].clone()),
        }
    }

    /// A new browser session.
    pub(crate) async fn session(&self) -> Session<'_> {
        let created = self
            .call(
                "POST",
                "/session",
                Some(json!({ "capabilities": { "alwaysMatch": self.capabilities() } })),
            )
            .await
            .unwrap_or_else(|e| panic!("{} starts a session: {e}", self.engine.name()));
        let id = created["sessionId"]
            .as_str()
            .expect("a session id")
            .to_owned();
        let version = created["capabilities"]["browserVersion"]
            .as_str()
            .unwrap_or("?")
            .to_owned();
        Session {
            driver: self,
            id,
            version,
        }
    }
}

/// A browser session; end it with [`Session::end`].
pub(crate) struct Session<'d> {
    driver: &'d Driver,
    id: String,
    /// The engine's version, as its driver reports it.
    pub version: String,
}

impl Session<'_> {
    /// Loads `url` and waits until the page has written `#results`; returns its text.
    pub(crate) async fn results(&self, url: &str) -> String {
        let name = self.driver.engine.name();
        self.driver
            .call(
                "POST",
                &format!("/session/{}/url", self.id),
                Some(json!({ "url": url })),
            )
            .await
            .unwrap_or_else(|e| panic!("{name} loads {url}: {e}"));
        let script =
            "const r = document.getElementById('results'); return r ? r.textContent : null;";
        let deadline = Instant::now() + Duration::from_mins(2);
        loop {
            let value = self
                .driver
                .call(
                    "POST",
                    &format!("/session/{}/execute/sync", self.id),
                    Some(json!({ "script": script, "args": [] })),
                )
                .await
                .unwrap_or_else(|e| panic!("{name} runs a script on {url}: {e}"));
            if let Some(text) = value.as_str() {
                return text.to_owned();
            }
            assert!(
                Instant::now() < deadline,
                "the page {url} wrote no results in {name} within 120 s"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Closes the browser.
    pub(crate) async fn end(self) {
        let _ = self
            .driver
            .call("DELETE", &format!("/session/{}", self.id), None)
            .await;
    }
}

//! The cross-origin requests the demo page makes, and what a browser should make of each, as
//! `cors-browser`'s model of the engine predicts it against the API itself.

use axum::Router;
use axum::http::header::{self, HeaderMap, HeaderValue};
use cors_browser::{Browser, Credentials, Engine, Request, Response};
use cors_runtime::CorsPolicy;
use serde_json::{Value, json};

/// One request the page makes from its own origin.
pub(crate) struct Case {
    pub name: &'static str,
    pub what: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    pub headers: &'static [(&'static str, &'static str)],
    pub credentials: bool,
    pub body: Option<&'static str>,
    /// Response headers the page tries to read.
    pub read: &'static [&'static str],
    pub how: How,
}

/// How the page sends a case.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum How {
    Fetch,
    WebSocket,
    /// An HTML form POST into a hidden frame.
    Form,
    /// The same form, submitted by a page on another origin (see `main.rs`): the demo page
    /// compares the API's count of writes before and after.
    FormFromAnotherSite,
}

const BASE: Case = Case {
    name: "",
    what: "",
    method: "GET",
    path: "/api/hello",
    headers: &[],
    credentials: false,
    body: None,
    read: &[],
    how: How::Fetch,
};

/// The origin of the page the `elsewhere` case loads: the page server reached by its address.
pub(crate) const ELSEWHERE_ORIGIN: &str = "http://127.0.0.1:3001";

pub(crate) const CASES: &[Case] = &[
    Case {
        name: "simple GET",
        what: "fetch(api) — no preflight",
        ..BASE
    },
    Case {
        name: "JSON POST",
        what: "POST with content-type: application/json — preflight, then POST",
        method: "POST",
        path: "/api/items",
        headers: &[("content-type", "application/json")],
        body: Some(r#"{"name":"demo"}"#),
        ..BASE
    },
    Case {
        name: "credentialed GET",
        what: "fetch(api, { credentials: 'include' })",
        credentials: true,
        ..BASE
    },
    Case {
        name: "custom header",
        what: "GET with x-demo: 1 — preflight for the header",
        headers: &[("x-demo", "1")],
        ..BASE
    },
    Case {
        name: "PUT",
        what: "PUT — preflight for the method",
        method: "PUT",
        path: "/api/items",
        body: Some("x"),
        ..BASE
    },
    Case {
        name: "disallowed method",
        what: "PATCH — the policy lists PUT and DELETE only",
        method: "PATCH",
        path: "/api/items",
        ..BASE
    },
    Case {
        name: "disallowed header",
        what: "GET with x-secret: 1 — not in allow_headers",
        headers: &[("x-secret", "1")],
        ..BASE
    },
    Case {
        name: "exposed header",
        what: "read x-request-id, which expose_headers lists",
        read: &["x-request-id"],
        ..BASE
    },
    Case {
        name: "unexposed header",
        what: "read x-internal, which the server sends but does not expose",
        read: &["x-internal"],
        ..BASE
    },
    Case {
        name: "WebSocket",
        what: "new WebSocket(api/ws) — the server checks allows_origin",
        path: "/ws",
        how: How::WebSocket,
        ..BASE
    },
    Case {
        name: "form POST",
        what: "a form on this page posts to the API — a write from a listed origin",
        method: "POST",
        path: "/api/items",
        how: How::Form,
        ..BASE
    },
    Case {
        name: "form POST from another site",
        what: "a page on 127.0.0.1:3001 posts the same form — refused before the handler",
        method: "POST",
        path: "/api/items",
        how: How::FormFromAnotherSite,
        ..BASE
    },
];

/// The headers the API's handlers set besides CORS (see `main.rs`).
pub(crate) fn handler_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert("x-request-id", HeaderValue::from_static("42"));
    headers.insert("x-internal", HeaderValue::from_static("secret"));
    headers
}

/// The cases as the page's runner reads them, each with what `engine` should let the page see,
/// predicted by the model against `api` (the API's own router). `writes` reads the API's count
/// of writes, which says whether a form another site submits reached the handler.
pub(crate) async fn cases_json(
    engine: Engine,
    api: &mut Router,
    policy: &CorsPolicy,
    (page_origin, api_address): (&str, &str),
    writes: &dyn Fn() -> usize,
) -> Value {
    let mut browser = Browser::new(engine);
    let mut cases = Vec::new();
    for case in CASES {
        let scheme = if case.how == How::WebSocket {
            "ws"
        } else {
            "http"
        };
        let url = format!("{scheme}://{api_address}{}", case.path);
        let expect = match case.how {
            // A WebSocket handshake is not CORS: the API checks `Origin` itself.
            How::WebSocket => {
                let outcome = if policy.allows_origin(page_origin.as_bytes()) {
                    "allowed"
                } else {
                    "blocked"
                };
                json!({ "outcome": outcome, "status": null, "read": {} })
            }
            How::FormFromAnotherSite => {
                let before = writes();
                let form = Request::form_post(&url).field("field", "value").in_frame();
                browser.page(ELSEWHERE_ORIGIN).fetch(api, form).await;
                let outcome = if writes() > before {
                    "handled"
                } else {
                    "refused"
                };
                json!({ "outcome": outcome, "status": null, "read": {} })
            }
            How::Form | How::Fetch => {
                let outcome = browser
                    .page(page_origin)
                    .fetch(api, request(case, &url))
                    .await;
                expected(case, &outcome)
            }
        };
        cases.push(json!({
            "name": case.name,
            "what": case.what,
            "url": url,
            "method": case.method,
            "headers": case.headers.iter()
                .map(|(name, value)| ((*name).to_owned(), Value::from(*value)))
                .collect::<serde_json::Map<_, _>>(),
            "credentials": if case.credentials { "include" } else { "same-origin" },
            "body": case.body,
            "read": case.read,
            "websocket": case.how == How::WebSocket,
            "form": case.how == How::Form,
            "elsewhere": case.how == How::FormFromAnotherSite,
            "frame": format!("{ELSEWHERE_ORIGIN}/elsewhere"),
            "counter": format!("http://{api_address}/api/writes"),
            "expect": expect,
        }));
    }
    Value::Array(cases)
}

/// The request the page's runner makes for `case`.
fn request(case: &Case, url: &str) -> Request {
    if case.how == How::Form {
        return Request::form_post(url).field("field", "value").in_frame();
    }
    let mut request = Request::new(case.method, url).credentials(if case.credentials {
        Credentials::Include
    } else {
        Credentials::SameOrigin
    });
    for (name, value) in case.headers {
        request = request.header(name, value);
    }
    if let Some(body) = case.body {
        request = request.body(body);
    }
    request
}

/// The model's outcome as the runner writes its own result, to compare them.
fn expected(case: &Case, outcome: &cors_browser::Outcome) -> Value {
    match &outcome.response {
        Response::Readable { status, .. } => {
            let read: serde_json::Map<String, Value> = case
                .read
                .iter()
                .map(|name| ((*name).to_owned(), Value::from(outcome.header(name))))
                .collect();
            json!({ "outcome": "allowed", "status": status.as_u16(), "read": read })
        }
        Response::Submitted | Response::Opaque => {
            json!({ "outcome": "sent", "status": null, "read": {} })
        }
        Response::Blocked(_) => json!({ "outcome": "blocked", "status": null, "read": {} }),
    }
}

/// The one case of the page on another origin: the form, posted from there.
pub(crate) fn elsewhere_json(api: &str) -> Value {
    json!([{ "name": "form from another site", "form": true, "url": format!("http://{api}/api/items") }])
}

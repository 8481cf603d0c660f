//! The cross-origin requests the demo page makes, and what the policy predicts for each.

use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::{Method, StatusCode};
use cors_runtime::{CorsPolicy, Verdict};
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

/// The cases as the page's runner reads them, each with the policy's prediction.
pub(crate) fn cases_json(policy: &CorsPolicy, page_origin: &str, api: &str) -> Value {
    let cases: Vec<Value> = CASES
        .iter()
        .map(|case| {
            let scheme = if case.how == How::WebSocket {
                "ws"
            } else {
                "http"
            };
            json!({
                "name": case.name,
                "what": case.what,
                "url": format!("{scheme}://{api}{}", case.path),
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
                "counter": format!("http://{api}/api/writes"),
                "expect": predict(policy, page_origin, case),
            })
        })
        .collect();
    Value::Array(cases)
}

/// The one case of the page on another origin: the form, posted from there.
pub(crate) fn elsewhere_json(api: &str) -> Value {
    json!([{ "name": "form from another site", "form": true, "url": format!("http://{api}/api/items") }])
}

/// What a browser should let the page see, worked out from the policy's own verdicts.
fn predict(policy: &CorsPolicy, page_origin: &str, case: &Case) -> Value {
    let blocked = json!({ "outcome": "blocked", "status": null, "read": {} });
    if matches!(case.how, How::Form | How::FormFromAnotherSite) {
        // A form is sent without a preflight, with the `Sec-Fetch-Site` browsers send: the
        // page on localhost is another site than the API on 127.0.0.1; the other page is the
        // same site (the same host, another port), but another origin.
        let elsewhere = case.how == How::FormFromAnotherSite;
        let origin = if elsewhere {
            ELSEWHERE_ORIGIN
        } else {
            page_origin
        };
        let mut request = HeaderMap::new();
        request.insert(
            header::ORIGIN,
            HeaderValue::from_str(origin).expect("an origin"),
        );
        let site = if elsewhere { "same-site" } else { "cross-site" };
        request.insert("sec-fetch-site", HeaderValue::from_static(site));
        let refused = matches!(
            policy.check(&Method::POST, &request),
            Verdict::RefusedWrite(_)
        );
        // The page cannot read a form's answer: only the count of writes says what happened.
        let outcome = match (elsewhere, refused) {
            (false, _) => "sent",
            (true, true) => "refused",
            (true, false) => "handled",
        };
        return json!({ "outcome": outcome, "status": null, "read": {} });
    }
    if case.how == How::WebSocket {
        return if policy.allows_origin(page_origin.as_bytes()) {
            json!({ "outcome": "allowed", "status": null, "read": {} })
        } else {
            blocked
        };
    }
    let origin = HeaderValue::from_str(page_origin).expect("the page origin is a header value");
    let method = Method::from_bytes(case.method.as_bytes()).expect("a valid method");

    let mut unsafe_names: Vec<String> = case
        .headers
        .iter()
        .filter(|(name, value)| !is_safelisted_request_header(name, value))
        .map(|(name, _)| name.to_ascii_lowercase())
        .collect();
    unsafe_names.sort();
    let simple_method = [Method::GET, Method::HEAD, Method::POST].contains(&method);
    if !simple_method || !unsafe_names.is_empty() {
        let mut request = HeaderMap::new();
        request.insert(header::ORIGIN, origin.clone());
        request.insert(
            header::ACCESS_CONTROL_REQUEST_METHOD,
            HeaderValue::from_str(case.method).expect("a method is a header value"),
        );
        if !unsafe_names.is_empty() {
            request.insert(
                header::ACCESS_CONTROL_REQUEST_HEADERS,
                HeaderValue::from_str(&unsafe_names.join(",")).expect("names are header values"),
            );
        }
        match policy.check(&Method::OPTIONS, &request) {
            Verdict::Preflight(preflight) if preflight.is_allowed() => {}
            _ => return blocked,
        }
    }
    if case.credentials && !policy.allows_credentials() {
        return blocked;
    }
    let mut request = HeaderMap::new();
    request.insert(header::ORIGIN, origin);
    let Verdict::Actual(actual) = policy.check(&method, &request) else {
        return blocked;
    };
    if !actual.is_allowed() {
        return blocked;
    }
    let mut response = handler_headers();
    actual.write_headers(&mut response);
    let exposed = response
        .get(header::ACCESS_CONTROL_EXPOSE_HEADERS)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let read: serde_json::Map<String, Value> = case
        .read
        .iter()
        .map(|name| {
            let visible = exposed
                .split(',')
                .any(|e| e.trim().eq_ignore_ascii_case(name));
            let value = response
                .get(HeaderName::from_static(name))
                .filter(|_| visible)
                .and_then(|v| v.to_str().ok());
            ((*name).to_owned(), Value::from(value))
        })
        .collect();
    json!({ "outcome": "allowed", "status": StatusCode::OK.as_u16(), "read": read })
}

/// A request header a page may send without a preflight (Fetch: CORS-safelisted).
fn is_safelisted_request_header(name: &str, value: &str) -> bool {
    match name.to_ascii_lowercase().as_str() {
        "accept" | "accept-language" | "content-language" => true,
        "content-type" => matches!(
            value.to_ascii_lowercase().as_str(),
            "text/plain" | "multipart/form-data" | "application/x-www-form-urlencoded"
        ),
        _ => false,
    }
}

//! The `check` fuzz target's body, shared with the corpus replay in `tests/tests/fuzz_corpus.rs`.
//!
//! The input is decoded into a method and a header map (names from the ones CORS reads, values
//! any bytes `http` accepts), then checked against a few policies. Beyond not panicking, the
//! answers must hold together: a refused preflight writes no `Access-Control-*` header, an
//! allowed actual request echoes its own `Origin`, `allows_origin` agrees with the verdict, and a
//! refused write is a write the browser did not vouch for, from an origin the policy refuses.

use cors_runtime::{CorsPolicy, Rejection, Verdict, cors_policy};
use http::Method;
use http::header::{self, HeaderMap, HeaderName, HeaderValue};

static EXACT_AND_PATTERNS: CorsPolicy = cors_policy! {
    allow_origins: ["https://app.example.com", "https://*.example.com", "http://localhost:*", "http://[::1]:3000"],
    allow_methods: [PUT, "patch"],
    allow_headers: ["content-type", "x-request-id"],
    expose_headers: ["x-request-id"],
    allow_credentials: true,
    max_age: 600,
    allow_private_network: true,
};

static ANY: CorsPolicy = cors_policy! {
    allow_origins: *,
    allow_methods: *,
    allow_headers: [*, "authorization"],
    expose_headers: *,
};

static STAR_WITH_CREDENTIALS: CorsPolicy = cors_policy! {
    allow_origins: ["https://*.a.example", "https://*.b.a.example:*"],
    allow_methods: *,
    allow_headers: *,
    allow_credentials: true,
};

static WRITES: CorsPolicy = cors_policy! {
    allow_origins: ["https://app.example.com", "https://*.example.com", "http://localhost:*"],
    allow_methods: [PUT, DELETE],
    refuse_cross_origin_writes: true,
};

const POLICIES: [&CorsPolicy; 4] = [&EXACT_AND_PATTERNS, &ANY, &STAR_WITH_CREDENTIALS, &WRITES];

const NAMES: [HeaderName; 9] = [
    header::ORIGIN,
    header::ACCESS_CONTROL_REQUEST_METHOD,
    header::ACCESS_CONTROL_REQUEST_HEADERS,
    HeaderName::from_static("access-control-request-private-network"),
    header::VARY,
    header::ACCESS_CONTROL_ALLOW_ORIGIN,
    header::CONTENT_TYPE,
    HeaderName::from_static("sec-fetch-site"),
    header::HOST,
];

const METHODS: [Method; 6] = [
    Method::OPTIONS,
    Method::OPTIONS,
    Method::GET,
    Method::POST,
    Method::PUT,
    Method::DELETE,
];

/// Decodes `data`: a method byte, then records of a name byte, a length byte and that many
/// value bytes. Records whose value `http` refuses are skipped, as a server would never see them.
pub(super) fn decode(data: &[u8]) -> (Method, HeaderMap, HeaderMap) {
    let Some((&method, mut rest)) = data.split_first() else {
        return (Method::GET, HeaderMap::new(), HeaderMap::new());
    };
    let method = METHODS[usize::from(method) % METHODS.len()].clone();
    let mut request = HeaderMap::new();
    // Names 4 and 5 go to the handler's response instead, to test merging.
    let mut response = HeaderMap::new();
    while let [name, length, tail @ ..] = rest {
        let length = usize::from(*length).min(tail.len());
        let (value, after) = tail.split_at(length);
        rest = after;
        let name = &NAMES[usize::from(*name) % NAMES.len()];
        let Ok(value) = HeaderValue::from_bytes(value) else {
            continue;
        };
        if *name == header::VARY || *name == header::ACCESS_CONTROL_ALLOW_ORIGIN {
            response.append(name, value);
        } else {
            request.append(name, value);
        }
    }
    (method, request, response)
}

fn cors_headers(map: &HeaderMap) -> usize {
    map.keys()
        .filter(|n| n.as_str().starts_with("access-control-"))
        .count()
}

/// How many answers of each kind a run checked, so a test can tell that a corpus reaches every
/// assertion below.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Reached {
    pub(super) allowed_preflights: usize,
    pub(super) refused_preflights: usize,
    pub(super) allowed_actual: usize,
    pub(super) refused_actual: usize,
    pub(super) refused_writes: usize,
}

/// Runs every policy on the decoded request; panics if an answer does not hold together.
pub(super) fn run(data: &[u8]) -> Reached {
    let (method, request, handler_response) = decode(data);
    let mut reached = Reached::default();
    for policy in POLICIES {
        let mut fresh = HeaderMap::new();
        let mut merged = handler_response.clone();
        match policy.check(&method, &request) {
            Verdict::Preflight(preflight) => {
                preflight.write_headers(&mut fresh);
                preflight.write_headers(&mut merged);
                let _ = preflight.rejection().map(|why| why.to_string());
                if preflight.is_allowed() {
                    reached.allowed_preflights += 1;
                    assert!(fresh.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));
                    assert!(preflight.status().is_success());
                } else {
                    reached.refused_preflights += 1;
                    assert_eq!(cors_headers(&fresh), 0, "a refused preflight: {fresh:?}");
                    assert_eq!(
                        cors_headers(&merged),
                        0,
                        "the handler's own are removed: {merged:?}"
                    );
                    assert_eq!(preflight.status(), http::StatusCode::FORBIDDEN);
                }
            }
            Verdict::Actual(actual) => {
                actual.write_headers(&mut fresh);
                actual.write_headers(&mut merged);
                if actual.is_allowed() {
                    reached.allowed_actual += 1;
                } else {
                    reached.refused_actual += 1;
                }
                let origins: Vec<&HeaderValue> = request.get_all(header::ORIGIN).iter().collect();
                let allow = fresh.get(header::ACCESS_CONTROL_ALLOW_ORIGIN);
                assert_eq!(
                    merged
                        .get_all(header::ACCESS_CONTROL_ALLOW_ORIGIN)
                        .iter()
                        .count(),
                    usize::from(allow.is_some())
                );
                if policy.origin_patterns().is_empty() {
                    assert_eq!(allow.map(HeaderValue::as_bytes), Some(&b"*"[..]));
                } else if let [origin] = origins[..] {
                    assert_eq!(actual.is_allowed(), policy.allows_origin(origin.as_bytes()));
                    assert_eq!(allow, actual.is_allowed().then_some(origin));
                } else {
                    assert!(allow.is_none(), "no single Origin, no allowed origin");
                }
            }
            Verdict::RefusedWrite(refused) => {
                reached.refused_writes += 1;
                assert!(![Method::GET, Method::HEAD, Method::OPTIONS].contains(&method));
                assert_eq!(refused.status(), http::StatusCode::FORBIDDEN);
                let lines = |name| request.get_all(name).iter().count();
                match refused.rejection() {
                    Rejection::CrossOriginWrite {
                        origin,
                        sec_fetch_site,
                    } => {
                        assert!(!matches!(sec_fetch_site, Some(b"same-origin" | b"none")));
                        assert!(origin.is_none_or(|origin| !policy.allows_origin(origin)));
                        assert!(origin.is_some() || sec_fetch_site.is_some());
                    }
                    Rejection::MultipleOrigins => assert!(lines(header::ORIGIN) > 1),
                    Rejection::MultipleFetchSites => assert!(lines(NAMES[7].clone()) > 1),
                    other => panic!("not a reason to refuse a write: {other:?}"),
                }
                assert!(!refused.rejection().to_string().contains('\n'));
            }
        }
    }
    reached
}

//! A reference model of the run-time behaviour, written for obviousness (strings, no bounds on effort), and
//! property tests that require the generated matcher and the runtime to agree with it on every
//! verdict and every header, for generated policies (`build.rs`) and generated requests.
//!
//! The model mirrors two documented limits of the runtime, because they are part of the
//! contract: a `*.` pattern matches hosts of at most 253 bytes (the DNS limit), and the
//! request-header list is read within the policy's bounds (`request_headers.rs`): at most as
//! many names as the policy lists (64 for `*`), 8 empty elements, and elements of at most the
//! longest listed name (128 for `*`) plus 8 spaces or tabs on each side.

use crate::common;

use std::sync::OnceLock;

use cors_runtime::{CorsPolicy, Verdict, cors_policy};
use http::header::{HeaderMap, HeaderName, HeaderValue};
use http::{Method, StatusCode};
use proptest::prelude::*;

/// A policy as plain data, written by `build.rs` next to the same policy as a `cors_policy!`.
#[derive(Clone, Copy, Debug)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "a plain description of a policy"
)]
pub(crate) struct Spec {
    source: &'static str,
    /// `None` is `*`.
    origins: Option<&'static [&'static str]>,
    /// `None` is `*`.
    methods: Option<&'static [&'static str]>,
    any_headers: bool,
    /// Listed request headers (with `*`, only `authorization` can be listed beside it).
    headers: &'static [&'static str],
    /// `Some(["*"])` is `*`.
    expose: Option<&'static [&'static str]>,
    credentials: bool,
    max_age: Option<u32>,
    private_network: bool,
    status_200: bool,
    refuse_writes: bool,
}

include!(concat!(env!("OUT_DIR"), "/model_policies.rs"));

// ---------------------------------------------------------------------------------------------
// The model.

fn is_label(label: &str) -> bool {
    !label.is_empty()
        && label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

fn is_port(port: &str) -> bool {
    !port.is_empty()
        && port.len() <= 5
        && !port.starts_with('0')
        && port.bytes().all(|b| b.is_ascii_digit())
        && port.parse::<u32>().is_ok_and(|p| p <= 65535)
}

/// `host[:port]` of an origin or pattern: an IPv6 host keeps its brackets.
fn split_host(authority: &str) -> (&str, Option<&str>) {
    if authority.starts_with('[') {
        match authority.find(']') {
            Some(end) => {
                let (host, rest) = authority.split_at(end + 1);
                (
                    host,
                    rest.strip_prefix(':')
                        .or(if rest.is_empty() { None } else { Some(rest) }),
                )
            }
            None => (authority, None),
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    }
}

fn model_matches(pattern: &str, origin: &str) -> bool {
    let (scheme, rest) = pattern.split_once("://").expect("a scheme");
    let (subdomains, rest) = match rest.strip_prefix("*.") {
        Some(rest) => (true, rest),
        None => (false, rest),
    };
    let (host, port) = split_host(rest);
    let Some(authority) = origin
        .strip_prefix(scheme)
        .and_then(|r| r.strip_prefix("://"))
    else {
        return false;
    };
    let (origin_host, origin_port) = split_host(authority);
    // An origin's port part must be `:digits` or nothing; `split_host` gives what follows ':'.
    let port_ok = match (port, origin_port) {
        (None | Some("*"), None) => true,
        (Some("*"), Some(p)) => is_port(p),
        (Some(p), Some(q)) => p == q,
        _ => false,
    };
    let host_ok = if subdomains {
        origin_host.len() <= 253.max(host.len() + 2)
            && origin_host
                .strip_suffix(host)
                .and_then(|labels| labels.strip_suffix('.'))
                .is_some_and(|labels| labels.split('.').all(is_label))
    } else {
        origin_host == host
    };
    port_ok && host_ok
}

/// The value of a header sent exactly once.
fn single<'a>(values: &[&'a [u8]]) -> Option<&'a [u8]> {
    match values {
        [one] => Some(one),
        _ => None,
    }
}

fn origin_allowed(spec: &Spec, origin: &[u8]) -> bool {
    match spec.origins {
        None => true,
        Some(patterns) => std::str::from_utf8(origin)
            .is_ok_and(|origin| patterns.iter().any(|p| model_matches(p, origin))),
    }
}

fn is_token(s: &[u8]) -> bool {
    !s.is_empty()
        && s.iter()
            .all(|&b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn trim(s: &[u8]) -> &[u8] {
    let is_space = |b: &u8| *b == b' ' || *b == b'\t';
    let start = s.iter().position(|b| !is_space(b)).unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|b| !is_space(b))
        .map_or(start, |e| e + 1);
    &s[start..end]
}

/// Why a preflight fails, as a category (the runtime's `Rejection` carries the bytes too).
#[derive(Debug, PartialEq, Eq)]
enum Refusal {
    Origin,
    Method,
    Header,
    TooManyHeaders,
    PrivateNetwork,
    /// A write refused before the handler (`refuse_cross_origin_writes`).
    Write,
}

/// The request-header list check; `Ok(true)` when a name was requested.
fn model_headers(spec: &Spec, lines: &[&[u8]]) -> Result<bool, Refusal> {
    let (max_names, longest) = if spec.any_headers {
        (64, 128)
    } else {
        (
            spec.headers.len(),
            spec.headers.iter().map(|h| h.len()).max().unwrap_or(0),
        )
    };
    let (mut names, mut empties) = (0, 0);
    for line in lines {
        for raw in line.split(|&b| b == b',') {
            if raw.len() > longest + 16 {
                return Err(Refusal::Header);
            }
            let name = trim(raw);
            if name.is_empty() {
                empties += 1;
                if empties > 8 {
                    return Err(Refusal::TooManyHeaders);
                }
                continue;
            }
            let listed = spec
                .headers
                .iter()
                .any(|h| h.as_bytes().eq_ignore_ascii_case(name));
            let allowed = if spec.any_headers {
                name.len() <= longest
                    && is_token(name)
                    && (spec.credentials || listed || !name.eq_ignore_ascii_case(b"authorization"))
            } else {
                listed
            };
            if !allowed {
                return Err(Refusal::Header);
            }
            // Allowed names beyond the policy's count can only be repeats.
            names += 1;
            if names > max_names {
                return Err(Refusal::TooManyHeaders);
            }
        }
    }
    Ok(names > 0)
}

/// A model answer: the status (for a preflight), why it was refused, and every header written
/// into an empty response.
type Answer = (Option<StatusCode>, Option<Refusal>, HeaderMap);

/// Every value of `name` in the request, in order.
fn all<'a>(request: &[(&str, &'a [u8])], name: &str) -> Vec<&'a [u8]> {
    request
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| *v)
        .collect()
}

fn put(out: &mut HeaderMap, name: &'static str, value: &[u8]) {
    out.append(
        HeaderName::from_static(name),
        HeaderValue::from_bytes(value).unwrap(),
    );
}

fn exposed(spec: &Spec) -> Option<String> {
    spec.expose.map(|names| {
        let mut names = names.to_vec();
        names.sort_unstable();
        names.join(", ")
    })
}

/// What the model says for a request, given the authority of its URI if it has one.
fn model(spec: &Spec, method: &Method, uri: Option<&str>, request: &[(&str, &[u8])]) -> Answer {
    let preflight = *method == Method::OPTIONS
        && !all(request, "origin").is_empty()
        && !all(request, "access-control-request-method").is_empty();
    let write = ![Method::GET, Method::HEAD, Method::OPTIONS].contains(method);
    if preflight {
        model_preflight(spec, request)
    } else if spec.refuse_writes && write && write_case(spec, uri, request).refused() {
        (
            Some(StatusCode::FORBIDDEN),
            Some(Refusal::Write),
            HeaderMap::new(),
        )
    } else {
        model_actual(spec, request)
    }
}

/// Which case of the rule a write falls in: the browser's word (`Sec-Fetch-Site`) first, then
/// the policy's origins, then, from a browser that sends no `Sec-Fetch-Site`, the request's own
/// origin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum WriteCase {
    SeveralLines,
    SameOriginOrUser,
    Listed,
    CrossSiteUnlisted,
    NotABrowser,
    OwnOrigin,
    OtherOrigin,
}

impl WriteCase {
    fn refused(self) -> bool {
        matches!(
            self,
            Self::SeveralLines | Self::CrossSiteUnlisted | Self::OtherOrigin
        )
    }
}

fn write_case(spec: &Spec, uri: Option<&str>, request: &[(&str, &[u8])]) -> WriteCase {
    let origins = all(request, "origin");
    let sites = all(request, "sec-fetch-site");
    if origins.len() > 1 || sites.len() > 1 {
        return WriteCase::SeveralLines;
    }
    let origin = origins.first().copied().filter(|o| !o.is_empty());
    let site = sites.first().copied().filter(|s| !s.is_empty());
    let listed = origin.is_some_and(|o| origin_allowed(spec, o));
    let own = || {
        let authority = match uri {
            Some(uri) => Some(uri.as_bytes()),
            None => single(&all(request, "host")),
        };
        origin.zip(authority).is_some_and(|(o, a)| model_own(o, a))
    };
    match site {
        Some(b"same-origin" | b"none") => WriteCase::SameOriginOrUser,
        _ if listed => WriteCase::Listed,
        Some(_) => WriteCase::CrossSiteUnlisted,
        None if origin.is_none() => WriteCase::NotABrowser,
        None if own() => WriteCase::OwnOrigin,
        None => WriteCase::OtherOrigin,
    }
}

/// Whether `origin` is written `scheme://host[:port]`, as browsers write it, with `host[:port]`
/// equal to `authority`.
fn model_own(origin: &[u8], authority: &[u8]) -> bool {
    let Some((scheme, rest)) = std::str::from_utf8(origin)
        .ok()
        .and_then(|o| o.split_once("://"))
    else {
        return false;
    };
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_lowercase())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+-.".contains(&b));
    let (host, port) = split_host(rest);
    let host_ok = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(address) => {
            !address.is_empty()
                && address
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        }
        None => {
            !host.is_empty()
                && host
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-._".contains(&b))
        }
    };
    scheme_ok && host_ok && port.is_none_or(is_port) && rest.as_bytes() == authority
}

fn model_preflight(spec: &Spec, request: &[(&str, &[u8])]) -> Answer {
    let mut out = HeaderMap::new();
    let vary = match (spec.origins.is_some(), spec.private_network) {
        (true, false) => "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
        (true, true) => {
            "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network"
        }
        (false, false) => "Access-Control-Request-Method, Access-Control-Request-Headers",
        (false, true) => unreachable!("no private network with `*`"),
    };
    put(&mut out, "vary", vary.as_bytes());
    let refuse = |out, why| (Some(StatusCode::FORBIDDEN), Some(why), out);
    let Some(origin) = single(&all(request, "origin")) else {
        return refuse(out, Refusal::Origin);
    };
    if !origin_allowed(spec, origin) {
        return refuse(out, Refusal::Origin);
    }
    let Some(requested) = single(&all(request, "access-control-request-method")) else {
        return refuse(out, Refusal::Method);
    };
    let safelisted = matches!(requested, b"GET" | b"HEAD" | b"POST");
    let listed = spec
        .methods
        .is_some_and(|m| m.iter().any(|m| m.as_bytes() == requested));
    let any_method = spec.methods.is_none() && is_token(requested);
    if !(safelisted || listed || any_method) {
        return refuse(out, Refusal::Method);
    }
    let header_lines = all(request, "access-control-request-headers");
    let requested_headers = match model_headers(spec, &header_lines) {
        Ok(requested) => requested,
        Err(why) => return refuse(out, why),
    };
    let private_network =
        all(request, "access-control-request-private-network").first() == Some(&&b"true"[..]);
    if private_network && !spec.private_network {
        return refuse(out, Refusal::PrivateNetwork);
    }
    put(
        &mut out,
        "access-control-allow-origin",
        if spec.origins.is_some() { origin } else { b"*" },
    );
    if spec.credentials {
        put(&mut out, "access-control-allow-credentials", b"true");
    }
    if !safelisted {
        let star = spec.methods.is_none() && !spec.credentials;
        put(
            &mut out,
            "access-control-allow-methods",
            if star { b"*" } else { requested },
        );
    }
    if requested_headers {
        if spec.any_headers && !spec.credentials {
            let value: &[u8] = if spec.headers.contains(&"authorization") {
                b"*,authorization"
            } else {
                b"*"
            };
            put(&mut out, "access-control-allow-headers", value);
        } else {
            for line in header_lines {
                put(&mut out, "access-control-allow-headers", line);
            }
        }
    }
    if let Some(seconds) = spec.max_age {
        put(
            &mut out,
            "access-control-max-age",
            seconds.to_string().as_bytes(),
        );
    }
    if private_network {
        put(&mut out, "access-control-allow-private-network", b"true");
    }
    let status = if spec.status_200 {
        StatusCode::OK
    } else {
        StatusCode::NO_CONTENT
    };
    (Some(status), None, out)
}

fn model_actual(spec: &Spec, request: &[(&str, &[u8])]) -> Answer {
    let mut out = HeaderMap::new();
    if spec.origins.is_none() {
        put(&mut out, "access-control-allow-origin", b"*");
        if let Some(expose) = exposed(spec) {
            put(&mut out, "access-control-expose-headers", expose.as_bytes());
        }
        return (None, None, out);
    }
    put(&mut out, "vary", b"Origin");
    if let Some(origin) = single(&all(request, "origin"))
        && origin_allowed(spec, origin)
    {
        put(&mut out, "access-control-allow-origin", origin);
        if spec.credentials {
            put(&mut out, "access-control-allow-credentials", b"true");
        }
        if let Some(expose) = exposed(spec) {
            put(&mut out, "access-control-expose-headers", expose.as_bytes());
        }
    }
    (None, None, out)
}

/// What the runtime says, in the model's terms: `check`, or `check_request` for a request whose
/// URI has an authority.
fn runtime(
    policy: &CorsPolicy,
    method: &Method,
    uri: Option<&str>,
    request: &HeaderMap,
) -> (Option<StatusCode>, Option<Refusal>, HeaderMap) {
    use cors_runtime::Rejection;
    let mut out = HeaderMap::new();
    let whole;
    let verdict = match uri {
        None => policy.check(method, request),
        Some(authority) => {
            let mut builder = http::Request::builder()
                .method(method)
                .uri(format!("https://{authority}/items"));
            *builder.headers_mut().unwrap() = request.clone();
            whole = builder.body(()).unwrap();
            policy.check_request(&whole)
        }
    };
    match verdict {
        Verdict::Preflight(preflight) => {
            preflight.write_headers(&mut out);
            let refusal = preflight.rejection().map(|why| match why {
                Rejection::Origin(_) | Rejection::MultipleOrigins => Refusal::Origin,
                Rejection::Method(_) | Rejection::MultipleMethods => Refusal::Method,
                Rejection::Header(_) => Refusal::Header,
                Rejection::TooManyHeaders => Refusal::TooManyHeaders,
                Rejection::PrivateNetwork => Refusal::PrivateNetwork,
                other => panic!("a rejection the model does not know: {other:?}"),
            });
            (Some(preflight.status()), refusal, out)
        }
        Verdict::Actual(actual) => {
            actual.write_headers(&mut out);
            (None, None, out)
        }
        Verdict::RefusedWrite(refused) => {
            assert!(matches!(
                refused.rejection(),
                Rejection::CrossOriginWrite { .. }
                    | Rejection::MultipleOrigins
                    | Rejection::MultipleFetchSites
            ));
            (Some(refused.status()), Some(Refusal::Write), out)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Generated requests.

/// An origin near one of the policy's patterns, or from a list of hostile values.
fn origin_near(patterns: &'static [&'static str]) -> BoxedStrategy<Vec<u8>> {
    let label = prop_oneof![
        Just("a".to_owned()),
        Just("eu".to_owned()),
        Just("x-1_y".to_owned()),
        Just("A".to_owned()),
        Just(String::new()),
        Just("a.b".to_owned()),
        Just("é".to_owned()),
        Just("x".repeat(70)),
        "[a-z0-9_-]{1,12}",
    ];
    let port = prop_oneof![
        Just(String::new()),
        Just(":8443".to_owned()),
        Just(":443".to_owned()),
        Just(":80".to_owned()),
        Just(":0".to_owned()),
        Just(":080".to_owned()),
        Just(":65535".to_owned()),
        Just(":65536".to_owned()),
        Just(":".to_owned()),
        Just(":123456".to_owned()),
        (1u32..70000).prop_map(|p| format!(":{p}")),
    ];
    let mutation = 0..12usize;
    let pattern = if patterns.is_empty() {
        Just("https://app.example.com").boxed()
    } else {
        proptest::sample::select(patterns).boxed()
    };
    (pattern, label, port, mutation, any::<u8>())
        .prop_map(|(pattern, label, port, mutation, byte)| {
            // The pattern made concrete: a label for `*`, a port for `:*`.
            let concrete = pattern
                .replace("*.", &format!("{label}."))
                .replace(":*", &port);
            let origin = match mutation {
                0..=3 => concrete,
                4 => concrete.to_ascii_uppercase(),
                5 => format!("{concrete}."),
                6 => format!("{concrete}/"),
                7 => concrete.replacen("://", &format!("://{label}."), 1),
                8 => format!("{concrete}.evil.example"),
                9 => concrete
                    .replacen("https://", "http://", 1)
                    .replacen("http://", "https://", 1),
                10 => "null".to_owned(),
                _ => format!("{concrete}{port}"),
            };
            let mut bytes = origin.into_bytes();
            if byte > 250 {
                bytes.push(byte); // not UTF-8, not visible ASCII
            }
            bytes
        })
        .boxed()
}

/// A request-header list: names near the policy's, odd whitespace, empty elements, duplicates,
/// mixed case, and sometimes split over two lines.
fn header_lines() -> impl Strategy<Value = Vec<Vec<u8>>> {
    let name = prop_oneof![
        Just("content-type"),
        Just("Content-Type"),
        Just("x-request-id"),
        Just("X-REQUEST-ID"),
        Just("authorization"),
        Just("x-a"),
        Just("x-custom-header-name"),
        Just("x-unknown"),
        Just("bad name"),
        Just("x-a\u{7f}"),
        Just(""),
    ];
    let separator = prop_oneof![
        Just(","),
        Just(", "),
        Just(" ,"),
        Just(",,"),
        Just(",\t"),
        Just("          ,")
    ];
    (
        proptest::collection::vec((name, separator), 0..6),
        any::<bool>(),
        0..3usize,
    )
        .prop_map(|(elements, split, cut)| {
            let mut list = String::new();
            for (name, separator) in elements {
                list.push_str(name);
                list.push_str(separator);
            }
            let bytes = list.into_bytes();
            if split && !bytes.is_empty() {
                let at = (bytes.len() / 3 * cut).min(bytes.len());
                vec![bytes[..at].to_vec(), bytes[at..].to_vec()]
            } else {
                vec![bytes]
            }
        })
}

#[derive(Debug, Clone)]
struct Generated {
    policy: usize,
    method: Method,
    /// The authority of the request's URI, when it has one (absolute form, HTTP/2).
    uri: Option<String>,
    headers: Vec<(&'static str, Vec<u8>)>,
}

/// Where a write says it comes from, and what it is sent to: `Sec-Fetch-Site` lines, and the
/// `Host` and URI authority, near the origin's own or not.
fn write_context() -> impl Strategy<Value = (Vec<&'static [u8]>, usize, usize)> {
    let site = prop_oneof![
        5 => Just(vec![]),
        1 => Just(vec![&b"same-origin"[..]]),
        1 => Just(vec![&b"none"[..]]),
        1 => Just(vec![&b"same-site"[..]]),
        1 => Just(vec![&b"cross-site"[..]]),
        1 => Just(vec![&b""[..]]),
        1 => Just(vec![&b"Same-Origin"[..]]),
        1 => Just(vec![&b"same-origin"[..], &b"cross-site"[..]]),
    ];
    (site, 0..7usize, 0..7usize)
}

fn requests() -> impl Strategy<Value = Generated> {
    (0..POLICIES.len())
        .prop_flat_map(|policy| request_near(policy, POLICIES[policy].1.origins.unwrap_or(&[])))
}

/// The `Origin`, `Sec-Fetch-Site` and `Host` lines of a request, and its URI's authority: the
/// `Host` or URI near the first origin's own `host[:port]`, or not.
fn write_lines(
    origins: Vec<Vec<u8>>,
    sites: &[&[u8]],
    host: usize,
    uri: usize,
) -> (Option<String>, Vec<(&'static str, Vec<u8>)>) {
    let own = origins
        .first()
        .map_or(b"app.example.com".to_vec(), |origin| {
            let at = origin
                .windows(3)
                .position(|w| w == b"://")
                .map_or(0, |i| i + 3);
            origin[at..].to_vec()
        });
    let with_port = [&own[..], b":8080"].concat();
    let uri = match uri {
        0..=3 => None,
        4 => Some(own.clone()),
        5 => Some(with_port.clone()),
        _ => Some(b"api.example".to_vec()),
    }
    .and_then(|a| String::from_utf8(a).ok())
    .filter(|a| a.parse::<http::uri::Authority>().is_ok());
    // No browser sends two `Host` lines: then the request has no authority at all.
    let (host, hosts) = match host {
        0 => (Vec::new(), 0),
        1..=3 => (own, 1),
        4 => (with_port, 1),
        5 => (b"api.example".to_vec(), 1),
        _ => (own, 2),
    };
    let mut headers: Vec<(&'static str, Vec<u8>)> =
        origins.into_iter().map(|o| ("origin", o)).collect();
    headers.extend(sites.iter().map(|site| ("sec-fetch-site", site.to_vec())));
    headers.extend(std::iter::repeat_n(("host", host), hosts));
    (uri, headers)
}

/// A request for policy number `policy`, from an origin near one of `patterns`.
fn request_near(policy: usize, patterns: &'static [&'static str]) -> BoxedStrategy<Generated> {
    {
        {
            let method = prop_oneof![
                4 => Just(Method::OPTIONS),
                2 => Just(Method::GET),
                1 => Just(Method::HEAD),
                3 => Just(Method::POST),
                1 => Just(Method::PUT),
                1 => Just(Method::DELETE),
                1 => Just(Method::from_bytes(b"PATCH").unwrap()),
            ];
            let origins = proptest::collection::vec(origin_near(patterns), 0..3);
            let request_method = proptest::option::weighted(
                0.9,
                prop_oneof![
                    Just(b"GET".to_vec()),
                    Just(b"PUT".to_vec()),
                    Just(b"put".to_vec()),
                    Just(b"PATCH".to_vec()),
                    Just(b"patch".to_vec()),
                    Just(b"PURGE".to_vec()),
                    Just(b"DELETE".to_vec()),
                    Just(b"OPTIONS".to_vec()),
                    Just(b"bad method".to_vec()),
                    Just(b"".to_vec()),
                ],
            );
            let two_methods = any::<bool>();
            let private_network = prop_oneof![
                Just(None),
                Just(Some(b"true".to_vec())),
                Just(Some(b"false".to_vec()))
            ];
            (
                Just(policy),
                method,
                origins,
                request_method,
                two_methods,
                header_lines(),
                private_network,
                write_context(),
            )
        }
    }
    .prop_map(
        |(
            policy,
            method,
            origins,
            request_method,
            two_methods,
            header_lines,
            private_network,
            (sites, host, uri),
        )| {
            let (uri, mut headers) = write_lines(origins, &sites, host, uri);
            if let Some(m) = request_method {
                if two_methods && m.len() == 3 {
                    headers.push(("access-control-request-method", m.clone()));
                }
                headers.push(("access-control-request-method", m));
            }
            headers.extend(
                header_lines
                    .into_iter()
                    .map(|l| ("access-control-request-headers", l)),
            );
            if let Some(value) = private_network {
                headers.push(("access-control-request-private-network", value));
            }
            Generated {
                policy,
                method,
                uri,
                headers,
            }
        },
    )
    .boxed()
}

/// The request as the runtime sees it (values `http` accepts), and the same lines for the model.
fn request_map(request: &Generated) -> (HeaderMap, Vec<(&'static str, &[u8])>) {
    let mut map = HeaderMap::new();
    let mut kept: Vec<(&'static str, &[u8])> = Vec::new();
    for (name, value) in &request.headers {
        if let Ok(header_value) = HeaderValue::from_bytes(value) {
            map.append(*name, header_value);
            kept.push((name, value));
        }
    }
    (map, kept)
}

/// Each generated policy, given its own origins again at startup: `with_origins(…)` of the
/// compiled policy with the list (or `*`) it was compiled with.
fn restarted() -> &'static [CorsPolicy] {
    static POLICIES_AGAIN: OnceLock<Vec<CorsPolicy>> = OnceLock::new();
    POLICIES_AGAIN.get_or_init(|| {
        POLICIES
            .iter()
            .map(|(policy, spec)| {
                let origins = spec.origins.unwrap_or(&["*"]);
                policy
                    .with_origins(origins)
                    .unwrap_or_else(|e| panic!("{}: {e}", spec.source))
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 20_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_runtime_agrees_with_the_model(request in requests()) {
        let (policy, spec) = &POLICIES[request.policy];
        // Values a client could send: anything `http` accepts as a header value.
        let (map, kept) = request_map(&request);
        let expected = model(spec, &request.method, request.uri.as_deref(), &kept);
        let actual = runtime(policy, &request.method, request.uri.as_deref(), &map);
        prop_assert_eq!(&actual, &expected, "policy {}: {}", request.policy, spec.source);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 5_000, failure_persistence: None, ..ProptestConfig::default() })]

    /// A policy whose origins come from configuration answers as a compiled one: with the same
    /// origins, exactly as the compiled policy (verdict and every header); with other origins,
    /// as the model says a policy with those origins answers.
    #[test]
    fn a_policy_built_at_startup_answers_as_a_compiled_one(
        (origins, request) in (
            proptest::sample::subsequence(ORIGIN_POOL, 1..=ORIGIN_POOL.len()),
            0..POLICIES.len(),
        )
            .prop_flat_map(|(origins, policy)| (Just(origins), request_near(policy, ORIGIN_POOL)))
    ) {
        let (compiled, spec) = &POLICIES[request.policy];
        let (map, kept) = request_map(&request);
        prop_assert_eq!(
            runtime(&restarted()[request.policy], &request.method, request.uri.as_deref(), &map),
            runtime(compiled, &request.method, request.uri.as_deref(), &map),
            "policy {} given its own origins: {}", request.policy, spec.source
        );
        let configured = compiled
            .with_origins(&origins)
            .unwrap_or_else(|e| panic!("{origins:?} for {}: {e}", spec.source));
        let leaked: &'static [&'static str] = Box::leak(origins.into_boxed_slice());
        let reconfigured = Spec { origins: Some(leaked), ..*spec };
        prop_assert_eq!(
            runtime(&configured, &request.method, request.uri.as_deref(), &map),
            model(&reconfigured, &request.method, request.uri.as_deref(), &kept),
            "policy {} with origins {:?}: {}", request.policy, leaked, spec.source
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 5_000, failure_persistence: None, ..ProptestConfig::default() })]

    /// The actix-web middleware, reading actix's own header map, answers as `check` and
    /// `write_headers` do on `http`'s: the same preflight status and the same headers.
    #[test]
    fn the_actix_middleware_answers_as_the_runtime(request in requests()) {
        let (policy, spec) = &POLICIES[request.policy];
        let (map, _) = request_map(&request);
        let (status, _, expected) = runtime(policy, &request.method, request.uri.as_deref(), &map);
        let (answered, headers) = through_actix(policy, &request);
        prop_assert_eq!(&headers, &expected, "policy {}: {}", request.policy, spec.source);
        // An actual request's status is the handler's.
        prop_assert_eq!(answered, status.unwrap_or(StatusCode::OK));
    }
}

/// One request through `actix::Cors` around a handler that answers an empty 200, with the
/// response's status and headers in `http` 1 terms.
fn through_actix(policy: &'static CorsPolicy, request: &Generated) -> (StatusCode, HeaderMap) {
    use actix_web::dev::{Service, ServiceRequest, Transform, fn_service};
    use actix_web::http::header::HeaderValue as ActixValue;

    let mut actix = actix_web::test::TestRequest::default()
        .method(actix_web::http::Method::from_bytes(request.method.as_str().as_bytes()).unwrap());
    if let Some(authority) = &request.uri {
        actix = actix.uri(&format!("https://{authority}/items"));
    }
    for (name, value) in &request.headers {
        // The same values `request_map` keeps: both `http` versions accept the same bytes.
        if let Ok(value) = ActixValue::from_bytes(value) {
            actix = actix.append_header((*name, value));
        }
    }
    let handler = fn_service(|request: ServiceRequest| async {
        Ok::<_, actix_web::Error>(request.into_response(actix_web::HttpResponse::Ok().finish()))
    });
    let service = cors_tests::now(policy.actix().new_transform(handler)).unwrap();
    let response = cors_tests::now(service.call(actix.to_srv_request())).unwrap();
    let mut headers = HeaderMap::new();
    for (name, value) in response.headers() {
        headers.append(
            HeaderName::from_bytes(name.as_str().as_bytes()).unwrap(),
            HeaderValue::from_bytes(value.as_bytes()).unwrap(),
        );
    }
    (
        StatusCode::from_u16(response.status().as_u16()).unwrap(),
        headers,
    )
}

#[test]
fn the_generated_policies_cover_every_shape() {
    let specs: Vec<&Spec> = POLICIES.iter().map(|(_, spec)| spec).collect();
    assert!(specs.iter().any(|s| s.origins.is_none()));
    assert!(specs.iter().any(|s| {
        s.origins
            .is_some_and(|o| o.iter().any(|p| p.contains("*.")))
    }));
    assert!(specs.iter().any(|s| {
        s.origins
            .is_some_and(|o| o.iter().any(|p| p.ends_with(":*")))
    }));
    assert!(specs.iter().any(|s| s.methods.is_none()));
    assert!(specs.iter().any(|s| s.any_headers));
    assert!(
        specs
            .iter()
            .any(|s| s.any_headers && s.headers.contains(&"authorization"))
    );
    assert!(specs.iter().any(|s| s.credentials));
    assert!(specs.iter().any(|s| s.expose == Some(&["*"])));
    assert!(specs.iter().any(|s| s.private_network));
    assert!(specs.iter().any(|s| s.status_200));
    assert!(specs.iter().any(|s| s.max_age.is_some()));
    assert!(specs.iter().any(|s| s.refuse_writes));
    assert!(
        specs
            .iter()
            .any(|s| s.origins.is_some() && !s.refuse_writes)
    );
}

#[test]
fn the_generated_writes_reach_every_case_of_the_rule() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::deterministic();
    let mut seen = std::collections::BTreeMap::new();
    for _ in 0..20_000 {
        let request = requests().new_tree(&mut runner).unwrap().current();
        let spec = &POLICIES[request.policy].1;
        if spec.refuse_writes
            && ![Method::GET, Method::HEAD, Method::OPTIONS].contains(&request.method)
        {
            let (_, kept) = request_map(&request);
            let case = write_case(spec, request.uri.as_deref(), &kept);
            *seen.entry(format!("{case:?}")).or_insert(0) += 1;
        }
    }
    assert_eq!(seen.len(), 7, "{seen:?}");
    assert!(seen.values().all(|&n| n >= 20), "{seen:?}");
}

/// The hand-written policies' description: `https://*.example.com`, PUT, and the key or not.
fn hand_spec(refuse_writes: bool) -> Spec {
    Spec {
        source: "hand",
        origins: Some(&["https://*.example.com"]),
        methods: Some(&["PUT"]),
        any_headers: false,
        headers: &[],
        expose: None,
        credentials: false,
        max_age: None,
        private_network: false,
        status_200: false,
        refuse_writes,
    }
}

#[test]
fn the_model_is_not_the_runtime() {
    // The model decides on its own: a few verdicts worked out by hand.
    static HAND: CorsPolicy =
        cors_policy! { allow_origins: ["https://*.example.com"], allow_methods: [PUT] };
    let spec = hand_spec(false);
    let preflight = |origin: &'static [u8], method: &'static [u8]| {
        model(
            &spec,
            &Method::OPTIONS,
            None,
            &[
                ("origin", origin),
                ("access-control-request-method", method),
            ],
        )
    };
    let cases: [(&[u8], &[u8], Option<Refusal>); 4] = [
        (b"https://a.example.com", b"PUT", None),
        (b"https://example.com", b"PUT", Some(Refusal::Origin)),
        (b"https://a.example.com", b"put", Some(Refusal::Method)),
        (b"https://a..example.com", b"PUT", Some(Refusal::Origin)),
    ];
    for (origin, method, refusal) in cases {
        assert_eq!(
            preflight(origin, method).1,
            refusal,
            "{origin:?} {method:?}"
        );
    }
    assert_eq!(
        preflight(b"https://a.example.com", b"PUT").0,
        Some(StatusCode::NO_CONTENT)
    );
    let request = common::preflight_request("https://a.example.com", "PUT", None);
    assert_eq!(
        runtime(&HAND, &Method::OPTIONS, None, &request),
        preflight(b"https://a.example.com", b"PUT")
    );
}

#[test]
fn the_write_rule_is_not_the_runtime() {
    type Write = (
        &'static [u8],
        &'static [u8],
        &'static [u8],
        Option<&'static str>,
        bool,
    );
    static HAND_WRITES: CorsPolicy = cors_policy! {
        allow_origins: ["https://*.example.com"],
        allow_methods: [PUT],
        refuse_cross_origin_writes: true,
    };
    let spec = hand_spec(true);
    // Writes, worked out by hand: (Sec-Fetch-Site, Origin, Host, URI authority) -> refused.
    let writes: [Write; 12] = [
        (b"same-origin", b"https://evil.example", b"", None, false),
        (b"none", b"", b"", None, false),
        (b"cross-site", b"https://a.example.com", b"", None, false),
        (b"cross-site", b"https://evil.example", b"", None, true),
        (b"cross-site", b"", b"", None, true),
        (b"same-site", b"null", b"", None, true),
        (b"", b"", b"", None, false),
        (b"", b"http://api.test:8080", b"api.test:8080", None, false),
        (b"", b"http://api.test:8080", b"api.test", None, true),
        (b"", b"http://evil@api.test", b"evil@api.test", None, true),
        (
            b"",
            b"https://evil.example",
            b"evil.example",
            Some("api.test"),
            true,
        ),
        (
            b"",
            b"https://api.test",
            b"evil.example",
            Some("api.test"),
            false,
        ),
    ];
    for (site, origin, host, uri, refused) in writes {
        let lines: Vec<(&str, &[u8])> =
            [("sec-fetch-site", site), ("origin", origin), ("host", host)]
                .into_iter()
                .filter(|(_, value)| !value.is_empty())
                .collect();
        let answer = model(&spec, &Method::POST, uri, &lines);
        assert_eq!(
            answer.1 == Some(Refusal::Write),
            refused,
            "{site:?} {origin:?} {host:?} {uri:?}"
        );
        let map: HeaderMap = lines
            .iter()
            .map(|(n, v)| {
                (
                    HeaderName::from_static(n),
                    HeaderValue::from_bytes(v).unwrap(),
                )
            })
            .collect();
        assert_eq!(runtime(&HAND_WRITES, &Method::POST, uri, &map), answer);
        // A read is never refused.
        assert_ne!(
            model(&spec, &Method::GET, uri, &lines).1,
            Some(Refusal::Write)
        );
    }
}

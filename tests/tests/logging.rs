//! Feature `tracing`: one DEBUG event per refusal, target `cors_runtime`, with bounded fields,
//! seen by a subscriber that records every event; allowed requests emit none.

use std::sync::{Arc, Mutex};

use cors_runtime::http::Method;
use cors_runtime::{CorsPolicy, cors_policy};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

use crate::common::{headers, preflight_request};

static API: CorsPolicy = cors_policy! {
    allow_origins: ["https://app.example.com"],
    allow_methods: [PUT],
    allow_headers: ["content-type"],
    refuse_cross_origin_writes: true,
};

/// One event as recorded: level, target, and every field as text.
#[derive(Debug, PartialEq)]
struct Recorded {
    level: Level,
    target: String,
    fields: Vec<(String, String)>,
}

#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<Recorded>>>);

struct Fields<'a>(&'a mut Vec<(String, String)>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push((field.name().to_owned(), format!("{value:?}")));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push((field.name().to_owned(), value.to_owned()));
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = Vec::new();
        event.record(&mut Fields(&mut fields));
        self.0.lock().unwrap().push(Recorded {
            level: *event.metadata().level(),
            target: event.metadata().target().to_owned(),
            fields,
        });
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

/// The events `check` emits for one request, each as its fields.
fn events(method: &Method, request: &cors_runtime::http::HeaderMap) -> Vec<Vec<(String, String)>> {
    recorded(|| drop(API.check(method, request)))
}

/// The events `work` emits, each as its fields: every one at DEBUG.
fn recorded(work: impl FnOnce()) -> Events {
    let (debug, others) = recorded_by_level(work);
    assert!(others.is_empty(), "{others:?}");
    debug
}

/// The events `work` emits at WARN, each as its fields.
fn warnings(work: impl FnOnce()) -> Events {
    recorded_by_level(work).1
}

/// Events, each as its fields.
type Events = Vec<Vec<(String, String)>>;

/// The events `work` emits, each as its fields: those at DEBUG, and the others (which are at
/// WARN).
fn recorded_by_level(work: impl FnOnce()) -> (Events, Events) {
    let recorder = Recorder::default();
    tracing::subscriber::with_default(recorder.clone(), work);
    let taken = std::mem::take(&mut *recorder.0.lock().unwrap());
    let (mut debug, mut others) = (Vec::new(), Vec::new());
    for event in taken {
        assert_eq!(event.target, "cors_runtime");
        if event.level == Level::DEBUG {
            debug.push(event.fields);
        } else {
            assert_eq!(event.level, Level::WARN, "{event:?}");
            others.push(event.fields);
        }
    }
    (debug, others)
}

fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect()
}

#[test]
fn each_refusal_is_one_debug_event_with_its_fields() {
    let app = "https://app.example.com";
    let cases = [
        (
            preflight_request("https://evil.example", "PUT", None),
            fields(&[
                ("message", "CORS preflight refused"),
                ("origin", "https://evil.example"),
                ("method", "PUT"),
                ("reason", "origin not allowed"),
            ]),
        ),
        (
            preflight_request(app, "DELETE", None),
            fields(&[
                ("message", "CORS preflight refused"),
                ("origin", app),
                ("method", "DELETE"),
                ("reason", "method not allowed"),
            ]),
        ),
        (
            preflight_request(app, "PUT", Some("content-type, x-secret")),
            fields(&[
                ("message", "CORS preflight refused"),
                ("origin", app),
                ("method", "PUT"),
                ("header", "x-secret"),
                ("reason", "request header not allowed"),
            ]),
        ),
    ];
    for (request, expected) in cases {
        assert_eq!(events(&Method::OPTIONS, &request), [expected]);
    }
    let request = headers(&[("origin", b"https://evil.example")]);
    assert_eq!(
        events(&Method::GET, &request),
        [fields(&[
            ("message", "CORS headers withheld"),
            ("origin", "https://evil.example"),
            ("reason", "origin not allowed"),
        ])]
    );
    let request = headers(&[
        ("origin", b"https://a.example"),
        ("origin", b"https://b.example"),
    ]);
    assert_eq!(
        events(&Method::GET, &request),
        [fields(&[
            ("message", "CORS headers withheld"),
            ("origin", "https://a.example"),
            ("reason", "more than one Origin header"),
        ])]
    );
}

#[test]
fn a_refused_write_is_one_event_with_its_origin_method_and_sec_fetch_site() {
    type Lines = &'static [(&'static str, &'static [u8])];
    let cases: [(Lines, &str, &str, &str); 3] = [
        (
            &[
                ("origin", b"https://evil.example"),
                ("sec-fetch-site", b"cross-site"),
            ],
            "https://evil.example",
            "cross-site",
            "write from a page the policy does not trust",
        ),
        (
            &[("origin", b"https://evil.example")],
            "https://evil.example",
            "",
            "write from a page the policy does not trust",
        ),
        (
            &[
                ("origin", b"https://app.example.com"),
                ("sec-fetch-site", b"same-origin"),
                ("sec-fetch-site", b"cross-site"),
            ],
            "https://app.example.com",
            "same-origin",
            "more than one Sec-Fetch-Site header",
        ),
    ];
    for (pairs, origin, site, reason) in cases {
        assert_eq!(
            events(&Method::DELETE, &headers(pairs)),
            [fields(&[
                ("message", "cross-origin write refused"),
                ("origin", origin),
                ("method", "DELETE"),
                ("sec_fetch_site", site),
                ("reason", reason),
            ])],
            "{pairs:?}"
        );
    }
    // Let through, a write emits nothing of its own; from an origin the policy does not allow,
    // its response still gets no CORS headers, and says so.
    let listed = headers(&[
        ("origin", b"https://app.example.com"),
        ("sec-fetch-site", b"cross-site"),
    ]);
    assert!(events(&Method::POST, &listed).is_empty());
    assert!(events(&Method::POST, &headers(&[])).is_empty());
    let own = headers(&[
        ("origin", b"http://api.test"),
        ("sec-fetch-site", b"same-origin"),
    ]);
    assert_eq!(events(&Method::POST, &own)[0][0].1, "CORS headers withheld");
}

#[test]
fn the_actix_middleware_emits_the_events_check_does() {
    use actix_web::dev::{Service, ServiceRequest, Transform, fn_service};

    let handler = fn_service(|request: ServiceRequest| async {
        Ok::<_, actix_web::Error>(request.into_response(actix_web::HttpResponse::Ok().finish()))
    });
    let service = cors_tests::now(API.actix().new_transform(handler)).unwrap();
    let app = "https://app.example.com";
    let requests: [(Method, &[(&str, &str)]); 5] = [
        (
            Method::OPTIONS,
            &[
                ("origin", "https://evil.example"),
                ("access-control-request-method", "PUT"),
            ],
        ),
        (
            Method::OPTIONS,
            &[
                ("origin", app),
                ("access-control-request-method", "PUT"),
                ("access-control-request-headers", "x-secret"),
            ],
        ),
        (Method::GET, &[("origin", "https://evil.example")]),
        (Method::GET, &[("origin", app)]),
        (
            Method::POST,
            &[
                ("origin", "https://evil.example"),
                ("sec-fetch-site", "cross-site"),
            ],
        ),
    ];
    for (refused, (method, pairs)) in [true, true, true, false, true].into_iter().zip(requests) {
        // The same fields, and where: the path, and the prefix whose policy decided.
        let mut expected = events(
            &method,
            cors_tests::request(method.clone(), pairs).headers(),
        );
        for fields in &mut expected {
            fields.extend([("path", "/"), ("prefix", "/")].map(|(k, v)| (k.into(), v.into())));
        }
        assert_eq!(expected.len(), usize::from(refused), "{method} {pairs:?}");
        let request = cors_tests::actix_request(&method, pairs);
        let seen = recorded(|| drop(cors_tests::now(service.call(request))));
        assert_eq!(seen, expected, "{method} {pairs:?}");
    }
}

#[test]
fn values_are_bounded_and_escaped() {
    let mut huge = b"https://".to_vec();
    huge.extend(std::iter::repeat_n(b'a', 1 << 20));
    huge.push(0xff);
    let request = headers(&[("origin", &huge), ("access-control-request-method", b"PUT")]);
    let seen = events(&Method::OPTIONS, &request);
    let origin = &seen[0][1];
    assert_eq!(origin.0, "origin");
    assert_eq!(origin.1, format!("https://{}…", "a".repeat(120)));
    let request = headers(&[("origin", b"https://\xffevil.example")]);
    assert_eq!(
        events(&Method::GET, &request)[0][1].1,
        "https://\\xffevil.example"
    );
}

#[test]
fn allowed_requests_and_requests_without_origin_emit_nothing() {
    let app = "https://app.example.com";
    let allowed = [
        (
            Method::OPTIONS,
            preflight_request(app, "PUT", Some("content-type")),
        ),
        (Method::GET, headers(&[("origin", app.as_bytes())])),
        (Method::GET, headers(&[])),
        (Method::OPTIONS, headers(&[("origin", app.as_bytes())])),
    ];
    for (method, request) in allowed {
        assert!(events(&method, &request).is_empty(), "{method} {request:?}");
    }
}

/// A GET through `layer` around a handler that answers 200; the response's headers.
fn through(
    layer: &cors_runtime::CorsLayer,
    path: &str,
    origin: &str,
) -> cors_runtime::http::HeaderMap {
    use cors_runtime::Layer;
    use tower::{ServiceExt, service_fn};

    let service = layer.layer(service_fn(|_: cors_runtime::http::Request<()>| async {
        Ok::<_, std::convert::Infallible>(cors_runtime::http::Response::new(()))
    }));
    let request = cors_runtime::http::Request::get(path)
        .header("origin", origin)
        .body(())
        .unwrap();
    let future = service.oneshot(request);
    let response = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(future)
        .unwrap();
    response.headers().clone()
}

#[test]
fn through_a_layer_the_events_say_the_path_and_the_prefix_that_decided() {
    static ADMIN: CorsPolicy = cors_policy! { allow_origins: ["https://admin.example.com"] };
    let layer = cors_runtime::CorsLayer::new(&API)
        .route("/admin", &ADMIN)
        .unwrap();
    let app = "https://app.example.com";
    let field = |fields: &[(String, String)], name: &str| {
        fields
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.clone())
    };
    for (path, prefix, shown) in [
        ("/admin/users", "/admin", "/admin/users".to_owned()),
        ("/administrator", "/", "/administrator".to_owned()),
        ("/it's/\"a\"", "/", r#"/it\'s/\"a\""#.to_owned()),
        (
            &*format!("/admin/{}", "x".repeat(1000)),
            "/admin",
            format!("/admin/{}…", "x".repeat(121)),
        ),
    ] {
        let path = path.replace('"', "%22");
        let shown = shown.replace(r#"\""#, "%22");
        let seen = recorded(|| drop(through(&layer, &path, app)));
        // APP's origin, refused by ADMIN under `/admin`; every other path is APP's own.
        if prefix == "/" {
            assert!(seen.is_empty(), "{path}: {seen:?}");
            continue;
        }
        assert_eq!(seen.len(), 1, "{path}");
        assert_eq!(
            field(&seen[0], "message").as_deref(),
            Some("CORS headers withheld")
        );
        assert_eq!(field(&seen[0], "path"), Some(shown), "{path}");
        assert_eq!(field(&seen[0], "prefix").as_deref(), Some(prefix));
        let refused = recorded(|| drop(through(&layer, &path, "https://evil.example")));
        assert_eq!(field(&refused[0], "prefix").as_deref(), Some(prefix));
    }
    let seen = recorded(|| drop(through(&layer, "/it's", "https://evil.example")));
    assert_eq!(field(&seen[0], "path").as_deref(), Some(r"/it\'s"));
    assert_eq!(field(&seen[0], "prefix").as_deref(), Some("/"));
    // `check` knows no path: no such fields.
    let checked = events(
        &Method::GET,
        &headers(&[("origin", b"https://evil.example")]),
    );
    assert_eq!(field(&checked[0], "path"), None);
    assert_eq!(field(&checked[0], "prefix"), None);
}

#[test]
fn a_stacked_layer_warns_once_and_leaves_the_inner_answer() {
    static OUTER: CorsPolicy = cors_policy! { allow_origins: ["https://app.example.com"] };
    static INNER: CorsPolicy = cors_policy! { allow_origins: ["https://admin.example.com"] };
    use cors_runtime::Layer;

    let stacked = |origin: &str| {
        use tower::{ServiceExt, service_fn};
        let service = OUTER.layer().layer(INNER.layer().layer(service_fn(
            |_: cors_runtime::http::Request<()>| async {
                Ok::<_, std::convert::Infallible>(cors_runtime::http::Response::new(()))
            },
        )));
        let request = cors_runtime::http::Request::get("/admin/users")
            .header("origin", origin)
            .body(())
            .unwrap();
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(service.oneshot(request))
            .unwrap()
    };
    let mut responses = Vec::new();
    let warned = warnings(|| {
        // The inner layer refuses APP's origin (a DEBUG event) and the
        // outer one leaves the refusal as it is: twice, and one warning.
        for _ in 0..2 {
            responses.push(stacked("https://app.example.com"));
        }
    });
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert!(
        warned[0][0].1.starts_with("CORS middlewares are stacked"),
        "{warned:?}"
    );
    for response in responses {
        assert!(
            !response
                .headers()
                .contains_key("access-control-allow-origin")
        );
        let vary: Vec<_> = response.headers().get_all("vary").iter().collect();
        assert_eq!(vary, ["Origin"]);
    }
    // A layer that is not stacked never warns.
    let layer = OUTER.layer();
    let alone = warnings(|| drop(through(&layer, "/x", "https://app.example.com")));
    assert!(alone.is_empty(), "{alone:?}");
}

//! Prints what a policy decides for a few sample requests, and the headers it writes.
//!
//! Run with `cargo run -p verdicts`.

use cors_runtime::{CorsPolicy, Verdict, cors_policy};
use http::{HeaderMap, HeaderName, HeaderValue, Method};

static API: CorsPolicy = cors_policy! {
    allow_origins: ["https://app.example.com", "https://*.example.com", "http://localhost:*"],
    allow_methods: [PUT, DELETE, "PURGE"],
    allow_headers: ["content-type", "authorization"],
    expose_headers: ["x-request-id"],
    allow_credentials: true,
    max_age: 600,
    refuse_cross_origin_writes: true,
};

/// A sample request: what it is, its method and its headers.
struct Sample {
    title: &'static str,
    method: Method,
    headers: &'static [(&'static str, &'static str)],
}

const SAMPLES: &[Sample] = &[
    Sample {
        title: "preflight for PUT with JSON from the app",
        method: Method::OPTIONS,
        headers: &[
            ("origin", "https://app.example.com"),
            ("access-control-request-method", "PUT"),
            (
                "access-control-request-headers",
                "content-type,authorization",
            ),
        ],
    },
    Sample {
        title: "preflight from a subdomain, two levels deep",
        method: Method::OPTIONS,
        headers: &[
            ("origin", "https://eu.admin.example.com"),
            ("access-control-request-method", "DELETE"),
        ],
    },
    Sample {
        title: "preflight for PATCH, which the policy does not list",
        method: Method::OPTIONS,
        headers: &[
            ("origin", "https://app.example.com"),
            ("access-control-request-method", "PATCH"),
        ],
    },
    Sample {
        title: "preflight asking for a header the policy does not list",
        method: Method::OPTIONS,
        headers: &[
            ("origin", "http://localhost:5173"),
            ("access-control-request-method", "PUT"),
            ("access-control-request-headers", "x-debug"),
        ],
    },
    Sample {
        title: "preflight from a look-alike origin",
        method: Method::OPTIONS,
        headers: &[
            ("origin", "https://example.com.evil.net"),
            ("access-control-request-method", "PUT"),
        ],
    },
    Sample {
        title: "GET from the app",
        method: Method::GET,
        headers: &[("origin", "https://app.example.com")],
    },
    Sample {
        title: "GET from an origin that is not allowed",
        method: Method::GET,
        headers: &[("origin", "https://evil.example")],
    },
    Sample {
        title: "GET without Origin (same-origin or not a browser)",
        method: Method::GET,
        headers: &[],
    },
    Sample {
        title: "form POST from another site",
        method: Method::POST,
        headers: &[
            ("origin", "https://evil.example"),
            ("sec-fetch-site", "cross-site"),
        ],
    },
    Sample {
        title: "POST from the app, with credentials",
        method: Method::POST,
        headers: &[
            ("origin", "https://app.example.com"),
            ("sec-fetch-site", "same-site"),
        ],
    },
    Sample {
        title: "POST from a page of this service",
        method: Method::POST,
        headers: &[
            ("origin", "https://api.example.net"),
            ("sec-fetch-site", "same-origin"),
        ],
    },
];

fn main() {
    println!("policy: {API:#?}\n");
    for sample in SAMPLES {
        let mut request = HeaderMap::new();
        for &(name, value) in sample.headers {
            request.append(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        println!("== {}", sample.title);
        println!("   {} /", sample.method);
        print_headers("   > ", &request);
        // A handler that sets a Vary of its own, to show that CORS appends to it.
        let mut response = HeaderMap::new();
        let status = match API.check(&sample.method, &request) {
            Verdict::Preflight(preflight) => {
                match preflight.rejection() {
                    Some(why) => println!("   preflight refused: {why}"),
                    None => println!("   preflight allowed"),
                }
                preflight.write_headers(&mut response);
                preflight.status()
            }
            Verdict::RefusedWrite(refused) => {
                println!("   refused before the handler: {}", refused.rejection());
                refused.status()
            }
            Verdict::Actual(actual) => {
                println!(
                    "   actual request, {}; the handler runs",
                    if actual.is_allowed() {
                        "readable by the origin"
                    } else {
                        "not readable by any other origin"
                    }
                );
                response.insert(
                    http::header::VARY,
                    HeaderValue::from_static("accept-encoding"),
                );
                actual.write_headers(&mut response);
                http::StatusCode::OK
            }
        };
        println!("   < {status}");
        print_headers("   < ", &response);
        println!();
    }
}

fn print_headers(prefix: &str, headers: &HeaderMap) {
    for (name, value) in headers {
        println!(
            "{prefix}{name}: {}",
            value.to_str().unwrap_or("<not ASCII>")
        );
    }
}

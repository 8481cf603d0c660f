//! Origin matching: exact, subdomains at any depth, ports, schemes, and hostile values.

use crate::common;

use common::{headers, preflight};
use cors_runtime::{CorsPolicy, Rejection, cors_policy};
use http::HeaderValue;

static POLICY: CorsPolicy = cors_policy! {
    allow_origins: [
        "https://app.example.com",
        "https://*.example.com",
        "https://*.api.example.org:8443",
        "http://localhost:*",
        "https://*.dev.example.net:*",
        "http://[::1]:3000",
        "tauri://localhost",
    ],
};

#[test]
fn exact_origins_match_byte_for_byte() {
    assert!(POLICY.allows_origin(b"https://app.example.com"));
    assert!(POLICY.allows_origin(b"http://[::1]:3000"));
    assert!(POLICY.allows_origin(b"tauri://localhost"));
    for near in [
        "https://app.example.com/",
        "https://app.example.com.",
        "https://APP.example.com",
        "HTTPS://app.example.com",
        " https://app.example.com",
        "https://app.example.com ",
        "https://app.example.com:443",
        "http://[::1]:3001",
        "http://[::1]",
        "tauri://localhost:1",
    ] {
        assert!(!POLICY.allows_origin(near.as_bytes()), "{near}");
    }
}

#[test]
fn subdomain_patterns_match_any_depth_but_never_the_apex_or_look_alikes() {
    for allowed in [
        "https://a.example.com",
        "https://a.b.example.com",
        "https://x.y.z.w.example.com",
    ] {
        assert!(POLICY.allows_origin(allowed.as_bytes()), "{allowed}");
    }
    for refused in [
        "https://example.com",
        "https://evilexample.com",
        "https://example.com.evil.com",
        "https://a.example.com.evil.com",
        "https://.example.com",
        "https://a..example.com",
        "http://a.example.com",
        "https://a.example.com:8443",
        "https://a.example.co",
        "https://a_example.com",
        "https://a/.example.com",
        "https://a@b.example.com",
    ] {
        assert!(!POLICY.allows_origin(refused.as_bytes()), "{refused}");
    }
}

#[test]
fn port_patterns() {
    assert!(POLICY.allows_origin(b"https://v1.api.example.org:8443"));
    assert!(!POLICY.allows_origin(b"https://v1.api.example.org"));
    assert!(!POLICY.allows_origin(b"https://v1.api.example.org:8444"));
    assert!(!POLICY.allows_origin(b"https://api.example.org:8443"));

    for allowed in [
        "http://localhost",
        "http://localhost:1",
        "http://localhost:5173",
        "http://localhost:65535",
    ] {
        assert!(POLICY.allows_origin(allowed.as_bytes()), "{allowed}");
    }
    for refused in [
        "http://localhost:0",
        "http://localhost:65536",
        "http://localhost:05173",
        "http://localhost:",
        "http://localhost:51a",
        "http://localhost.evil.com",
        "http://localhost.evil.com:80",
        "http://localhostx",
        "https://localhost:5173",
    ] {
        assert!(!POLICY.allows_origin(refused.as_bytes()), "{refused}");
    }

    assert!(POLICY.allows_origin(b"https://a.dev.example.net"));
    assert!(POLICY.allows_origin(b"https://a.b.dev.example.net:9000"));
    assert!(!POLICY.allows_origin(b"https://dev.example.net:9000"));
}

#[test]
fn malformed_and_non_utf8_origins_are_refused_without_panicking() {
    let hostile: [&[u8]; 8] = [
        b"",
        b"null",
        b"https://",
        b"https://\xff.example.com",
        b"https://a.example.com\xff",
        b"\xff\xfe",
        b"https://a.example.com:\xff",
        b"http://localhost:\x80",
    ];
    for origin in hostile {
        assert!(!POLICY.allows_origin(origin), "{}", origin.escape_ascii());
        let request = headers(&[
            ("origin", origin),
            ("access-control-request-method", b"GET"),
        ]);
        assert_eq!(
            preflight(&POLICY, &request).rejection(),
            Some(Rejection::Origin(origin))
        );
    }
    let mut long = format!("https://{}.example.com", "a".repeat(8 * 1024)).into_bytes();
    long[100] = b'A';
    assert!(!POLICY.allows_origin(&long));
}

#[test]
fn an_echoed_pattern_match_is_the_requests_own_value() {
    let request = headers(&[("origin", b"https://deep.sub.example.com")]);
    let verdict = common::actual(&POLICY, &http::Method::GET, &request);
    let mut response = http::HeaderMap::new();
    verdict.write_headers(&mut response);
    assert_eq!(
        response.get("access-control-allow-origin"),
        Some(&HeaderValue::from_static("https://deep.sub.example.com"))
    );
}

/// Every form of exact origin the macro accepts is matched by the generated code when sent
/// back as `Origin`, and a one-byte change anywhere is not.
#[test]
fn every_accepted_exact_form_is_matched_as_written() {
    static TABLE: CorsPolicy = cors_policy! {
        allow_origins: [
            "https://app.example.com",
            "https://example.com.",
            "https://xn--bcher-kva.de",
            "https://under_score.example",
            "http://localhost",
            "http://localhost:8080",
            "http://127.0.0.1:3000",
            "https://93.184.216.34",
            "http://[::1]",
            "http://[2001:db8::1]:8443",
            "tauri://localhost",
            "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
            "connector://example.com",
            "ws://example.com:9000",
        ],
    };
    // The macro lists the patterns back as written: the property test of the origin parser
    // shows an accepted pattern prints as its input.
    assert_eq!(TABLE.origin_patterns().len(), 14);
    for origin in TABLE.origin_patterns() {
        assert!(TABLE.allows_origin(origin.as_bytes()), "{origin}");
        for index in 0..origin.len() {
            let mut changed = origin.as_bytes().to_vec();
            changed[index] ^= 0x01;
            assert!(!TABLE.allows_origin(&changed), "{}", changed.escape_ascii());
        }
        assert!(!TABLE.allows_origin(&origin.as_bytes()[..origin.len() - 1]));
        assert!(!TABLE.allows_origin(format!("{origin}x").as_bytes()));
    }
}

/// Large enough that every table is hashed: each origin must be found in the bucket the macro
/// put it in, which is where the runtime looks (the two compute the same function).
static HASHED: CorsPolicy = cors_policy! {
    allow_origins: [
        "https://tenant-00.example.com",
        "https://tenant-01.example.com",
        "https://tenant-02.example.com",
        "https://tenant-03.example.com",
        "https://tenant-04.example.com",
        "https://tenant-05.example.com",
        "https://tenant-06.example.com",
        "https://tenant-07.example.com",
        "https://tenant-08.example.com",
        "https://tenant-09.example.com",
        "https://tenant-10.example.com",
        "https://tenant-11.example.com",
        "https://tenant-12.example.com",
        "https://tenant-13.example.com",
        "https://tenant-14.example.com",
        "https://tenant-15.example.com",
        "https://tenant-16.example.com",
        "https://tenant-17.example.com",
        "https://tenant-18.example.com",
        "https://tenant-19.example.com",
        "https://tenant-20.example.com",
        "https://tenant-21.example.com",
        "https://tenant-22.example.com",
        "https://tenant-23.example.com",
        "http://127.0.0.1:8080",
        "http://127.0.0.2:8080",
        "http://127.0.0.3:8080",
        "http://127.0.0.4:8080",
        "http://127.0.0.5:8080",
        "http://127.0.0.6:8080",
        "http://127.0.0.7:8080",
        "http://127.0.0.8:8080",
        "http://dev-0.internal:*",
        "http://dev-1.internal:*",
        "http://dev-2.internal:*",
        "http://dev-3.internal:*",
        "http://dev-4.internal:*",
        "http://dev-5.internal:*",
        "http://dev-6.internal:*",
        "http://dev-7.internal:*",
        "https://*.shop-0.example.net",
        "https://*.shop-1.example.net",
        "https://*.shop-2.example.net",
        "https://*.shop-3.example.net",
        "https://*.shop-4.example.net",
        "https://*.shop-5.example.net",
        "https://*.shop-6.example.net",
        "https://*.shop-7.example.net",
        "https://*.a.example.org",
        "http://*.example.org:*",
    ],
};

#[test]
fn hashed_tables_find_every_origin_and_nothing_near_it() {
    for i in 0..24 {
        let origin = format!("https://tenant-{i:02}.example.com");
        assert!(HASHED.allows_origin(origin.as_bytes()), "{origin}");
        assert!(
            !HASHED.allows_origin(format!("{origin}:1").as_bytes()),
            "{origin}:1"
        );
    }
    assert!(!HASHED.allows_origin(b"https://tenant-24.example.com"));
    for i in 1..9 {
        assert!(HASHED.allows_origin(format!("http://127.0.0.{i}:8080").as_bytes()));
        assert!(!HASHED.allows_origin(format!("http://127.0.0.{i}:8081").as_bytes()));
    }
    for i in 0..8 {
        for port in ["", ":1", ":3000", ":65535"] {
            let origin = format!("http://dev-{i}.internal{port}");
            assert!(HASHED.allows_origin(origin.as_bytes()), "{origin}");
        }
        assert!(!HASHED.allows_origin(format!("https://dev-{i}.internal").as_bytes()));
        assert!(!HASHED.allows_origin(format!("http://x.dev-{i}.internal").as_bytes()));
        let origin = format!("https://a.b.shop-{i}.example.net");
        assert!(HASHED.allows_origin(origin.as_bytes()), "{origin}");
        assert!(!HASHED.allows_origin(format!("https://shop-{i}.example.net").as_bytes()));
    }
    assert!(HASHED.allows_origin(b"https://x.a.example.org"));
    assert!(HASHED.allows_origin(b"http://x.a.example.org:81"));
    assert!(!HASHED.allows_origin(b"https://x.b.example.org"));
    assert!(!HASHED.allows_origin(b"https://a.example.org"));
    assert_eq!(HASHED.origin_patterns().len(), 50);
}

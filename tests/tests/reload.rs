//! A reloadable layer under load: threads send requests through their own services while the
//! policy is swapped hundreds of times. Every response must be the whole answer of one policy
//! or the other, never a mix, and a refused update must change nothing.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use cors_runtime::{CorsLayer, CorsPolicy, cors_policy};
use cors_tests::{Noop, drive, request};
use http::{HeaderMap, Method, Request, StatusCode};
use tower::Layer;

/// One shape, whose origins are swapped with `set_origins`.
static SHAPE_A: CorsPolicy = cors_policy! {
    allow_origins: ["https://a.example"],
    allow_methods: [PUT],
    allow_headers: ["content-type"],
    allow_credentials: true,
    max_age: 600,
};

/// Another shape, swapped in whole with `replace`: other methods, headers and max-age, so that
/// a response mixing the two policies would show.
static SHAPE_C: CorsPolicy = cors_policy! {
    allow_origins: ["https://c.example", "https://*.shared.example"],
    allow_methods: [PUT, DELETE],
    allow_headers: ["content-type", "x-request-id"],
    expose_headers: ["x-request-id"],
    max_age: 60,
};

const WORKERS: usize = 3;
const SWAPS: usize = 300;

fn requests() -> Vec<Request<()>> {
    let preflight = |origin| {
        request(
            Method::OPTIONS,
            &[
                ("origin", origin),
                ("access-control-request-method", "PUT"),
                ("access-control-request-headers", "content-type"),
            ],
        )
    };
    vec![
        preflight("https://a.example"),
        preflight("https://eu.shared.example"),
        request(Method::GET, &[("origin", "https://a.example")]),
        request(Method::GET, &[("origin", "https://c.example")]),
        request(Method::GET, &[("origin", "https://evil.example")]),
    ]
}

type Answer = (StatusCode, HeaderMap);

fn answer(layer: &CorsLayer, request: Request<()>) -> Answer {
    let response = drive(&mut layer.layer(Noop), request);
    (response.status(), response.headers().clone())
}

#[test]
fn every_response_is_one_policy_or_the_other_whole() {
    let a = Arc::new(SHAPE_A.with_origins(["https://a.example"]).unwrap());
    let c = Arc::new(SHAPE_C.with_origins(SHAPE_C.origin_patterns()).unwrap());
    let expected: Vec<(Answer, Answer)> = requests()
        .into_iter()
        .map(|r| {
            (
                answer(&CorsLayer::shared(Arc::clone(&a)), r.clone()),
                answer(&CorsLayer::shared(Arc::clone(&c)), r),
            )
        })
        .collect();
    // Only the refused origin gets the same answer (`Vary: Origin` alone) from both.
    assert_eq!(expected.iter().filter(|(a, c)| a != c).count(), 4);
    let expected = Arc::new(expected);

    let (layer, handle) = CorsLayer::reloadable(Arc::clone(&a));
    let stop = Arc::new(AtomicBool::new(false));
    let served = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let (layer, expected) = (layer.clone(), Arc::clone(&expected));
            let (stop, served) = (Arc::clone(&stop), Arc::clone(&served));
            std::thread::spawn(move || {
                let mut service = layer.layer(Noop);
                let requests = requests();
                let (mut by_a, mut by_c, mut mixed) = (0usize, 0usize, Vec::new());
                while !stop.load(Ordering::Relaxed) {
                    for (index, request) in requests.iter().enumerate() {
                        let response = drive(&mut service, request.clone());
                        let got = (response.status(), response.headers().clone());
                        let (from_a, from_c) = &expected[index];
                        if &got == from_a {
                            by_a += 1;
                        } else if &got == from_c {
                            by_c += 1;
                        } else {
                            mixed.push((index, got));
                        }
                        served.fetch_add(1, Ordering::Relaxed);
                    }
                }
                (by_a, by_c, mixed)
            })
        })
        .collect();

    let deadline = Instant::now() + Duration::from_mins(1);
    let wait_for_requests = || {
        // Each policy in place serves some requests before the next swap.
        let before = served.load(Ordering::Relaxed);
        while served.load(Ordering::Relaxed) < before + WORKERS * 5 {
            assert!(Instant::now() < deadline, "workers stopped serving");
            std::thread::yield_now();
        }
    };
    for swap in 0..SWAPS {
        if swap % 2 == 0 {
            handle.replace(Arc::clone(&c));
        } else {
            // Back to shape A through its own origins, checked first.
            handle.replace(Arc::clone(&a));
            handle
                .set_origins(["https://a.example"])
                .expect("a valid origin");
        }
        wait_for_requests();
        // A refused update leaves the serving policy as it was, the same object.
        let serving = handle.current();
        let refused = handle.set_origins(["https://a.example/", "*"]);
        assert_eq!(refused.unwrap_err().problems().len(), 2);
        assert!(Arc::ptr_eq(&serving, &handle.current()));
    }
    stop.store(true, Ordering::Relaxed);

    let (mut total_a, mut total_c) = (0, 0);
    for worker in workers {
        let (by_a, by_c, mixed) = worker.join().expect("a worker panicked");
        assert!(mixed.is_empty(), "responses from neither policy: {mixed:?}");
        total_a += by_a;
        total_c += by_c;
    }
    assert!(
        total_a > 0 && total_c > 0,
        "both policies served: {total_a} and {total_c}"
    );
}

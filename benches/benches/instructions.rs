//! Not a criterion benchmark: `instructions <case> <iterations>` runs one case that many times,
//! so that valgrind (`cachegrind --cache-sim=no`) can count its instructions, which do not move
//! with the machine's load as times do. `scripts/bench-report` runs each case at two sizes and
//! takes the difference, so that start-up cancels. With `--test` (as `cargo bench -- --test`
//! passes it), every case runs once; `--list` prints the cases.
//!
//! Cases: `check/<kind>` (`check` + `write_headers`), `tower/<kind>` (a request through the
//! layer around a no-op service; `shared/<kind>` and `reloadable/<kind>` with the same policy
//! built at startup, shared and reloadable), `actix/<kind>` (through the actix-web middleware), for the
//! kinds of the other benchmarks; `writes/off/<name>` and `writes/on/<name>` (the write
//! requests under the policy without and with `refuse_cross_origin_writes`), and
//! `writes/one_lookup`; `routes/<n>/chosen` and `routes/<n>/none` (an allowed request through a
//! layer with `n` prefixes, to a path one covers or none does).

use std::future::ready;
use std::hint::black_box;
use std::process::ExitCode;

use actix_web::HttpResponse;
use actix_web::dev::{Service, ServiceRequest, Transform, fn_service};
use cors_benches::{
    API, API_WRITES, Kind, Noop, ROUTE_COUNTS, WRITES, drive, one_lookup, ours, routed_layer,
    routed_request, routed_uri, write_request,
};
use cors_runtime::CorsLayer;
use http::HeaderMap;
use tower_layer::Layer;

fn cases() -> Vec<String> {
    let mut cases = Vec::new();
    for adapter in ["check", "tower", "shared", "reloadable", "actix"] {
        cases.extend(Kind::ALL.map(|kind| format!("{adapter}/{}", kind.name())));
    }
    for key in ["off", "on"] {
        cases.extend(WRITES.map(|(name, _, _)| format!("writes/{key}/{name}")));
    }
    cases.push("writes/one_lookup".to_owned());
    for n in ROUTE_COUNTS {
        cases.extend(["chosen", "none"].map(|which| format!("routes/{n}/{which}")));
    }
    cases
}

/// Runs `case` `n` times; `false` when there is no such case.
fn run(case: &str, n: usize) -> bool {
    let kind = |name: &str| Kind::ALL.into_iter().find(|kind| kind.name() == name);
    let (adapter, rest) = case.split_once('/').unwrap_or((case, ""));
    match (adapter, kind(rest)) {
        ("check", Some(kind)) => {
            let request = kind.request();
            let (method, headers) = (request.method(), request.headers());
            let mut out = HeaderMap::with_capacity(16);
            for _ in 0..n {
                out.clear();
                black_box(ours(&API, black_box(method), black_box(headers), &mut out));
            }
        }
        ("tower" | "shared" | "reloadable", Some(kind)) => {
            let startup = || {
                API.with_origins(API.origin_patterns())
                    .expect("valid origins")
            };
            let layer = match adapter {
                "tower" => API.layer(),
                "shared" => CorsLayer::shared(startup()),
                _ => CorsLayer::reloadable(startup()).0,
            };
            let mut service = layer.layer(Noop);
            for _ in 0..n {
                black_box(drive(&mut service, black_box(kind.request())));
            }
        }
        ("actix", Some(kind)) => {
            let noop = fn_service(|request: ServiceRequest| {
                ready(Ok::<_, actix_web::Error>(
                    request.into_response(HttpResponse::Ok().finish()),
                ))
            });
            let service = cors_tests::now(API.actix().new_transform(noop)).expect("a service");
            for _ in 0..n {
                let response = cors_tests::now(service.call(black_box(kind.actix_request())));
                black_box(response.ok().map(|response| response.into_parts().0));
            }
        }
        ("routes", None) => {
            let Some((Ok(prefixes), which)) = rest.split_once('/').map(|(p, w)| (p.parse(), w))
            else {
                return false;
            };
            if !ROUTE_COUNTS.contains(&prefixes) || !matches!(which, "chosen" | "none") {
                return false;
            }
            let uri = routed_uri(prefixes, which == "chosen");
            let mut service = routed_layer(prefixes).layer(Noop);
            for _ in 0..n {
                black_box(drive(&mut service, black_box(routed_request(&uri))));
            }
        }
        ("writes", None) if rest == "one_lookup" => {
            let request = write_request("post_allowed").expect("a write case");
            for _ in 0..n {
                black_box(one_lookup(black_box(request.headers())));
            }
        }
        ("writes", None) => {
            let Some((key, name)) = rest.split_once('/') else {
                return false;
            };
            let policy = match key {
                "off" => &API,
                "on" => &API_WRITES,
                _ => return false,
            };
            let Some(request) = write_request(name) else {
                return false;
            };
            let (method, headers) = (request.method(), request.headers());
            let mut out = HeaderMap::with_capacity(16);
            for _ in 0..n {
                out.clear();
                black_box(ours(
                    policy,
                    black_box(method),
                    black_box(headers),
                    &mut out,
                ));
            }
        }
        _ => return false,
    }
    true
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    match &args[..] {
        [flag] if flag == "--list" => {
            for case in cases() {
                println!("{case}");
            }
        }
        [flag, ..] if flag == "--test" => {
            for case in cases() {
                assert!(run(&case, 1), "{case}");
            }
            println!("instructions: {} cases ran once", cases().len());
        }
        // `cargo bench` runs every benchmark, this one with criterion's options or none: it
        // measures nothing by itself.
        [] => println!("instructions: run by scripts/bench-report under valgrind; `--list`"),
        [flag, ..] if flag.starts_with("--") => {
            println!("instructions: run by scripts/bench-report under valgrind; `--list`");
        }
        [case, n] => {
            let Ok(n) = n.parse() else {
                eprintln!("error: `{n}` is not a number of iterations");
                return ExitCode::from(2);
            };
            if !run(case, n) {
                eprintln!("error: no case `{case}`; `--list` lists them");
                return ExitCode::from(2);
            }
        }
        _ => {
            eprintln!("usage: instructions <case> <iterations> | --list | --test");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}

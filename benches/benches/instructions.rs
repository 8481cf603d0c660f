//! Not a criterion benchmark: `instructions <case> <iterations>` runs one case that many times,
//! so that valgrind (`cachegrind --cache-sim=no`) can count its instructions, which do not move
//! with the machine's load as times do. `scripts/bench-report` runs each case at two sizes and
//! takes the difference, so that start-up cancels. With `--test` (as `cargo bench -- --test`
//! passes it), every case runs once; `--list` prints the cases.
//!
//! Cases, for the kinds of the other benchmarks: `check/<kind>` (`check` + `write_headers`) and
//! `floor/<kind>` (the hand-written floor); `noop/<kind>` (the no-op service alone),
//! `tower/<kind>` (a request through the layer around it), `shared/<kind>` and
//! `reloadable/<kind>` (the same policy built at startup, shared and reloadable), and
//! `tower_http/<kind>` (through tower-http's layer); `actix_noop/<kind>`, `actix/<kind>` and
//! `actix_cors/<kind>` (the same for actix-web, around a handler that answers 200), and
//! `actix_floor/<kind>` (a handler writing the same headers itself, with no middleware), and
//! `actix_pass_through/<kind>` (a middleware that does no CORS, only what any middleware able
//! to answer on its own does: call the handler, map its body into an `EitherBody`). Also
//! `writes/off/<name>` and `writes/on/<name>` (the write requests under the policy without and
//! with `refuse_cross_origin_writes`) and `writes/one_lookup`; `routes/<n>/chosen` and
//! `routes/<n>/none` (an allowed request through a layer with `n` prefixes, to a path one covers
//! or none does); `adversarial/<name>` (the adversarial preflights and the ordinary rejection
//! they are compared with).

use std::future::ready;
use std::hint::black_box;
use std::process::ExitCode;

use actix_web::HttpResponse;
use actix_web::dev::{Service, ServiceRequest, Transform, fn_service};
use cors_benches::{
    ADVERSARIAL, API, API_WRITES, Kind, Noop, ROUTE_COUNTS, WRITES, actix_cors,
    adversarial_request, drive, floor, one_lookup, ours, routed_layer, routed_request, routed_uri,
    tower_http_layer, write_request,
};
use cors_runtime::CorsLayer;
use http::HeaderMap;
use tower_layer::Layer;

fn cases() -> Vec<String> {
    let mut cases = Vec::new();
    for adapter in [
        "check",
        "floor",
        "noop",
        "tower",
        "shared",
        "reloadable",
        "tower_http",
        "actix_noop",
        "actix",
        "actix_cors",
        "actix_floor",
        "actix_pass_through",
    ] {
        cases.extend(Kind::ALL.map(|kind| format!("{adapter}/{}", kind.name())));
    }
    for key in ["off", "on"] {
        cases.extend(WRITES.map(|(name, _, _)| format!("writes/{key}/{name}")));
    }
    cases.push("writes/one_lookup".to_owned());
    cases.extend(ADVERSARIAL.map(|name| format!("adversarial/{name}")));
    for n in ROUTE_COUNTS {
        cases.extend(["chosen", "none"].map(|which| format!("routes/{n}/{which}")));
    }
    cases
}

/// Runs `case` `n` times; `false` when there is no such case.
fn run(case: &str, n: usize) -> bool {
    let (adapter, rest) = case.split_once('/').unwrap_or((case, ""));
    match Kind::ALL.into_iter().find(|kind| kind.name() == rest) {
        Some(kind) => run_kind(adapter, kind, n),
        None if adapter == "routes" => run_routes(rest, n),
        None if adapter == "writes" => run_writes(rest, n),
        None if adapter == "adversarial" => run_adversarial(rest, n),
        None => false,
    }
}

/// A request of `kind` through `adapter`, `n` times.
fn run_kind(adapter: &str, kind: Kind, n: usize) -> bool {
    let startup = || {
        API.with_origins(API.origin_patterns())
            .expect("valid origins")
    };
    let noop = || {
        fn_service(|request: ServiceRequest| {
            ready(Ok::<_, actix_web::Error>(
                request.into_response(HttpResponse::Ok().finish()),
            ))
        })
    };
    match adapter {
        "check" | "floor" => {
            let request = kind.request();
            let (method, headers) = (request.method(), request.headers());
            let mut out = HeaderMap::with_capacity(16);
            for _ in 0..n {
                out.clear();
                if adapter == "check" {
                    black_box(ours(&API, black_box(method), black_box(headers), &mut out));
                } else {
                    black_box(floor(kind, black_box(method), black_box(headers), &mut out));
                }
            }
        }
        "noop" => tower_loop(Noop, kind, n),
        "tower" => tower_loop(API.layer().layer(Noop), kind, n),
        "shared" => tower_loop(CorsLayer::shared(startup()).layer(Noop), kind, n),
        "reloadable" => tower_loop(CorsLayer::reloadable(startup()).0.layer(Noop), kind, n),
        "tower_http" => tower_loop(tower_http_layer().layer(Noop), kind, n),
        "actix" => {
            let service = cors_tests::now(API.actix().new_transform(noop()));
            actix_loop(&service.expect("a service"), kind, n);
        }
        "actix_cors" => {
            let service = cors_tests::now(actix_cors().new_transform(noop()));
            actix_loop(&service.expect("a service"), kind, n);
        }
        "actix_noop" => actix_loop(&noop(), kind, n),
        "actix_floor" => actix_loop(&cors_benches::actix_floor::handler(kind), kind, n),
        "actix_pass_through" => {
            let service = cors_tests::now(
                cors_benches::actix_pass_through::PassThrough.new_transform(noop()),
            );
            actix_loop(&service.expect("a service"), kind, n);
        }
        _ => return false,
    }
    true
}

/// `routes/<prefixes>/<chosen|none>`, `n` times.
fn run_routes(rest: &str, n: usize) -> bool {
    let Some((Ok(prefixes), which)) = rest.split_once('/').map(|(p, w)| (p.parse(), w)) else {
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
    true
}

/// `writes/<off|on>/<name>` or `writes/one_lookup`, `n` times.
fn run_writes(rest: &str, n: usize) -> bool {
    if rest == "one_lookup" {
        let request = write_request("post_allowed").expect("a write case");
        for _ in 0..n {
            black_box(one_lookup(black_box(request.headers())));
        }
        return true;
    }
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
    true
}

/// `adversarial/<name>`, `n` times through `check` + `write_headers`.
fn run_adversarial(name: &str, n: usize) -> bool {
    let Some(request) = adversarial_request(name) else {
        return false;
    };
    let mut out = HeaderMap::with_capacity(16);
    for _ in 0..n {
        out.clear();
        black_box(ours(
            &API,
            black_box(request.method()),
            black_box(request.headers()),
            &mut out,
        ));
    }
    true
}

/// `n` requests of `kind` through a tower service, as a server drives it.
fn tower_loop<S>(mut service: S, kind: Kind, n: usize)
where
    S: tower_service::Service<
            http::Request<()>,
            Response = http::Response<()>,
            Error = std::convert::Infallible,
        >,
{
    for _ in 0..n {
        black_box(drive(&mut service, black_box(kind.request())));
    }
}

/// `n` requests of `kind` through an actix-web service, each response taken apart.
fn actix_loop<S, B>(service: &S, kind: Kind, n: usize)
where
    S: Service<
            ServiceRequest,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
{
    for _ in 0..n {
        let response = cors_tests::now(service.call(black_box(kind.actix_request())));
        black_box(response.ok().map(|response| response.into_parts().0));
    }
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

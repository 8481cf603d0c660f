//! `cors_policy!` with plain hyper 1.x: no framework and no tower, just `CorsPolicy::check`
//! around a handler.
//!
//! Run with `cargo run -p hyper-example`, then for example:
//! `curl -i -X OPTIONS http://127.0.0.1:3002/ -H 'Origin: http://localhost:5173' -H 'Access-Control-Request-Method: PUT'`.

use std::convert::Infallible;
use std::process::ExitCode;

use cors_runtime::{CorsPolicy, Verdict, cors_policy};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

static API: CorsPolicy = cors_policy! {
    allow_origins: ["https://app.example.com", "http://localhost:*"],
    allow_methods: [PUT, DELETE],
    allow_headers: ["content-type"],
    max_age: 600,
    refuse_cross_origin_writes: true,
};

const ADDRESS: &str = "127.0.0.1:3002";

/// The application, which knows nothing of CORS.
fn handler(request: &Request<Incoming>) -> Response<Full<Bytes>> {
    Response::new(Full::new(Bytes::from(format!(
        "{} {}\n",
        request.method(),
        request.uri().path()
    ))))
}

/// CORS around the handler: a preflight, or a write from a page the policy does not trust, is
/// answered here; anything else goes to the handler and gets the policy's headers on its way
/// out.
async fn serve(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let actual = match API.check_request(&request) {
        Verdict::Preflight(preflight) => {
            if let Some(why) = preflight.rejection() {
                eprintln!("preflight refused: {why}");
            }
            let mut response = Response::new(Full::default());
            *response.status_mut() = preflight.status();
            preflight.write_headers(response.headers_mut());
            return Ok(response);
        }
        // A cross-origin write the policy does not trust never reaches the handler.
        Verdict::RefusedWrite(refused) => {
            eprintln!("{}", refused.rejection());
            let mut response = Response::new(Full::default());
            *response.status_mut() = refused.status();
            return Ok(response);
        }
        // `actual` does not borrow the request, which moves into the handler.
        Verdict::Actual(actual) => actual,
    };
    let mut response = handler(&request);
    actual.write_headers(response.headers_mut());
    Ok(response)
}

#[tokio::main]
async fn main() -> ExitCode {
    let listener = match tokio::net::TcpListener::bind(ADDRESS).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("error: cannot listen on {ADDRESS}: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("listening on http://{ADDRESS} under {API:?}");
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(error) => {
                eprintln!("accept failed: {error}");
                continue;
            }
        };
        tokio::spawn(async move {
            if let Err(error) = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service_fn(serve))
                .await
            {
                eprintln!("connection error: {error}");
            }
        });
    }
}

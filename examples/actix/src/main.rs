//! `cors_policy!` in an actix-web 4 app: an API on <http://127.0.0.1:3004> whose `/api` scope is
//! under one policy and `/public` under another, with every refusal logged.
//!
//! Run with `cargo run -p actix-example`; it prints curl commands to try. Set
//! `CORS_ALLOWED_ORIGINS` (origins separated by commas or spaces) to allow more origins on
//! `/api`: they are checked at startup by the rules the compiler applies to the policy's own.

use std::process::ExitCode;

use actix_web::{App, HttpResponse, HttpServer, error, web};
use cors_runtime::actix::Cors;
use cors_runtime::{CorsPolicy, cors_policy};
use tracing_subscriber::filter::LevelFilter as Level;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// The API's policy: a front end on another origin, with credentials.
static API: CorsPolicy = cors_policy! {
    allow_origins: ["http://localhost:5173", "https://*.example.com"],
    allow_methods: [PUT, DELETE],
    allow_headers: ["content-type", "x-request-id"],
    expose_headers: ["x-request-id"],
    allow_credentials: true,
    max_age: 600,
};

/// Anything public: any origin, no credentials.
static PUBLIC: CorsPolicy = cors_policy! { allow_origins: *, max_age: 86400 };

const ADDRESS: &str = "127.0.0.1:3004";
const FRONT_END: &str = "http://localhost:5173";

/// [`API`], or [`API`] with the origins of `CORS_ALLOWED_ORIGINS` added, checked as the
/// compiler checks the policy's own; every problem at once when one is refused.
fn api_policy() -> Result<Cors, String> {
    let extra = match std::env::var("CORS_ALLOWED_ORIGINS") {
        Ok(extra) => extra,
        Err(std::env::VarError::NotPresent) => return Ok(API.actix()),
        Err(error) => return Err(format!("CORS_ALLOWED_ORIGINS: {error}")),
    };
    let mut origins = API.origin_patterns();
    origins.extend(extra.split([',', ' ', '\t', '\n']).map(str::to_owned));
    let policy = API
        .with_origins(&origins)
        .map_err(|error| format!("CORS_ALLOWED_ORIGINS is refused:\n{error}"))?;
    // An owned policy, shared by every worker.
    Ok(Cors::shared(policy))
}

async fn hello() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("x-request-id", "42"))
        .content_type("application/json")
        .body(r#"{"hello":"world"}"#)
}

async fn update(item: web::Path<u32>) -> Result<HttpResponse, error::Error> {
    match *item {
        0 => Err(error::ErrorNotFound("no item 0")),
        item => Ok(HttpResponse::Ok().body(format!("updated {item}"))),
    }
}

async fn status() -> &'static str {
    "ok"
}

#[actix_web::main]
async fn main() -> ExitCode {
    // The DEBUG events of feature `tracing`: one per refusal, target `cors_runtime`.
    tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer())
        .with(
            Targets::new()
                .with_target("cors_runtime", Level::DEBUG)
                .with_default(Level::INFO),
        )
        .init();
    let api = match api_policy() {
        Ok(api) => api,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let server = HttpServer::new(move || {
        App::new()
            .service(
                web::scope("/api")
                    .wrap(api.clone())
                    .route("/hello", web::get().to(hello))
                    .route("/items/{id}", web::put().to(update))
                    .route("/items/{id}", web::delete().to(update)),
            )
            .service(
                web::scope("/public")
                    .wrap(PUBLIC.actix())
                    .route("/status", web::get().to(status)),
            )
    })
    .bind(ADDRESS);
    let server = match server {
        Ok(server) => server,
        Err(error) => {
            eprintln!("error: cannot listen on {ADDRESS}: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("actix-web API on http://{ADDRESS}");
    println!("/api    {API:#?}\n");
    println!("/public {PUBLIC:#?}\n");
    println!("Try it with curl (refusals are logged below, at DEBUG):");
    println!("  curl -i http://{ADDRESS}/api/hello -H 'Origin: {FRONT_END}'");
    println!("  curl -i http://{ADDRESS}/api/hello -H 'Origin: https://evil.example'");
    println!(
        "  curl -i -X OPTIONS http://{ADDRESS}/api/items/7 -H 'Origin: https://app.example.com' \
         -H 'Access-Control-Request-Method: PUT' -H 'Access-Control-Request-Headers: content-type'"
    );
    println!(
        "  curl -i -X OPTIONS http://{ADDRESS}/api/items/7 -H 'Origin: {FRONT_END}' \
         -H 'Access-Control-Request-Method: PATCH'"
    );
    println!("  curl -i -X PUT http://{ADDRESS}/api/items/0 -H 'Origin: {FRONT_END}'");
    println!("  curl -i http://{ADDRESS}/public/status -H 'Origin: https://anyone.example'\n");
    match server.run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

//! The README's "Testing your CORS setup": its examples are the tests below, written out in the
//! README word for word, and the failures it prints are what the model prints.

use axum::Router;
use axum::extract::Request as HttpRequest;
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::put;
use cors_browser::{Browser, Engine, Request};
use cors_runtime::{CorsPolicy, cors_policy};

static API: CorsPolicy = cors_policy! {
    allow_origins: ["https://app.example.com"],
    allow_methods: [PUT],
    allow_headers: ["authorization"],
    allow_credentials: true,
};

async fn save() -> &'static str {
    "saved"
}

async fn require_login(request: HttpRequest, next: Next) -> Response {
    if request.headers().contains_key(header::AUTHORIZATION) {
        next.run(request).await
    } else {
        StatusCode::UNAUTHORIZED.into_response()
    }
}

fn app() -> Router {
    Router::new()
        .route("/items", put(save))
        .layer(middleware::from_fn(require_login))
        .layer(API.layer()) // outermost: CORS answers preflights before the login check
}

#[tokio::test]
async fn the_front_end_can_save_items() {
    let mut app = app();
    for engine in Engine::ALL {
        let outcome = Browser::new(engine)
            .page("https://app.example.com")
            .fetch(
                &mut app,
                Request::put("https://api.example.com/items")
                    .header("authorization", "Bearer token")
                    .with_credentials(),
            )
            .await;
        assert!(outcome.is_readable(), "{outcome}");
    }
}

/// The mistake the README shows: the login layer outside CORS.
fn app_with_login_outside() -> Router {
    Router::new()
        .route("/items", put(save))
        .layer(API.layer())
        .layer(middleware::from_fn(require_login))
}

#[cfg(feature = "actix")]
#[actix_web::test]
async fn the_front_end_can_read_items_but_not_health() {
    use actix_web::{App, HttpResponse, test, web};
    use cors_browser::Actix;

    let app = test::init_service(
        App::new()
            .service(
                web::scope("/api")
                    .wrap(API.actix())
                    .route("/items", web::get().to(HttpResponse::Ok)),
            )
            .route("/health", web::get().to(HttpResponse::Ok)), // outside the scope: no CORS
    )
    .await;
    let mut server = Actix::new(app);
    let mut browser = Browser::new(Engine::WebKit);
    let items = browser
        .page("https://app.example.com")
        .fetch(
            &mut server,
            Request::get("https://api.example.com/api/items").with_credentials(),
        )
        .await;
    assert!(items.is_readable(), "{items}");
    let health = browser
        .page("https://app.example.com")
        .fetch(&mut server, Request::get("https://api.example.com/health"))
        .await;
    assert!(
        health.blocked().is_some(),
        "/health is outside the CORS scope: {health}"
    );
    assert_eq!(health.to_string(), readme_outputs()[1]);
}

fn readme_section() -> String {
    let readme = include_str!("../../../README.md");
    let start = readme
        .find("\n## Testing your CORS setup\n")
        .expect("the README has the section");
    let rest = &readme[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |end| end + 3);
    rest[..end].to_owned()
}

/// The fenced blocks of `language` in the section.
fn blocks(language: &str) -> Vec<String> {
    let section = readme_section();
    let fence = format!("```{language}\n");
    section
        .match_indices(&fence)
        .map(|(start, _)| {
            let body = &section[start + fence.len()..];
            body[..body.find("```").expect("a closed block")].to_owned()
        })
        .collect()
}

fn readme_outputs() -> Vec<String> {
    blocks("text")
        .into_iter()
        .map(|block| block.trim_end().to_owned())
        .collect()
}

#[test]
fn the_readme_s_examples_are_these_tests() {
    let source = include_str!("readme.rs");
    let examples = blocks("rust");
    assert_eq!(examples.len(), 2);
    for example in examples {
        for line in example.lines().filter(|line| !line.trim().is_empty()) {
            assert!(
                source.contains(line),
                "the README's line `{line}` is not in readme.rs"
            );
        }
    }
}

#[tokio::test]
async fn the_readme_prints_what_the_model_prints() {
    let outcome = Browser::new(Engine::Chromium)
        .page("https://app.example.com")
        .fetch(
            &mut app_with_login_outside(),
            Request::put("https://api.example.com/items")
                .header("authorization", "Bearer token")
                .with_credentials(),
        )
        .await;
    assert!(outcome.blocked().is_some());
    assert_eq!(outcome.to_string(), readme_outputs()[0]);
}

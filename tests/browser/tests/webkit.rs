//! The matrix in WebKit: `cargo test -p cors-browser-tests --features webkit`.

mod common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webkit_agrees_with_the_policies() {
    common::run(common::webdriver::Engine::WebKit).await;
}

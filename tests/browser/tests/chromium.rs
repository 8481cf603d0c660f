//! The matrix in Chromium: `cargo test -p cors-browser-tests --features chromium`.

mod common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_agrees_with_the_policies() {
    common::run(common::webdriver::Engine::Chromium).await;
}

//! The matrix in Firefox: `cargo test -p cors-browser-tests --features firefox`.

mod common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn firefox_agrees_with_the_policies() {
    common::run(common::webdriver::Engine::Firefox).await;
}

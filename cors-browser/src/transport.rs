//! Where the requests go: any tower service in process, an actix-web test service (feature
//! `actix`), or a live HTTP/1.1 server (feature `client`).

use std::fmt::Display;
use std::future::Future;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use tower_service::Service;

/// A server the browser sends requests to. Every tower `Service` over `http` requests is one (an
/// axum `Router`, a tonic server, a service behind tower-http's `CorsLayer`), as are
/// [`Actix`](crate::Actix) and [`Client`](crate::Client).
///
/// ```
/// use axum::routing::get;
/// use cors_browser::{Browser, Engine, Request};
/// use tower_http::cors::CorsLayer;
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// // A service behind tower-http's layer, which echoes any origin.
/// let mut app = axum::Router::new()
///     .route("/", get(|| async { "hi" }))
///     .layer(CorsLayer::very_permissive());
/// let outcome = Browser::new(Engine::Chromium)
///     .page("https://evil.example")
///     .fetch(&mut app, Request::get("https://api.example.com/").with_credentials())
///     .await;
/// assert!(outcome.is_readable(), "any origin reads it with credentials: {outcome}");
/// # });
/// ```
pub trait Server {
    /// Sends `request` (its URI absolute, a `Host` header set) and reads the whole answer.
    ///
    /// # Errors
    ///
    /// What went wrong, in words, when there is no HTTP answer: the model reports a network
    /// error, as a browser would.
    fn send(
        &mut self,
        request: http::Request<Bytes>,
    ) -> impl Future<Output = Result<http::Response<Bytes>, String>>;
}

impl<S, B> Server for S
where
    S: Service<http::Request<Full<Bytes>>, Response = http::Response<B>>,
    S::Error: Display,
    B: http_body::Body,
    B::Error: Display,
{
    async fn send(
        &mut self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, String> {
        let (mut parts, body) = request.into_parts();
        // A server in process sees what one behind a socket sees: the path, and `Host`.
        if let Some(path) = parts.uri.path_and_query() {
            parts.uri = path.as_str().parse().map_err(|e| format!("{e}"))?;
        }
        std::future::poll_fn(|cx| self.poll_ready(cx))
            .await
            .map_err(|e| format!("the service is not ready: {e}"))?;
        let response = self
            .call(http::Request::from_parts(parts, Full::new(body)))
            .await
            .map_err(|e| format!("the service failed: {e}"))?;
        collect(response).await
    }
}

/// Reads a response's whole body.
pub(crate) async fn collect<B>(response: http::Response<B>) -> Result<http::Response<Bytes>, String>
where
    B: http_body::Body,
    B::Error: Display,
{
    let (parts, body) = response.into_parts();
    let body = body
        .collect()
        .await
        .map_err(|e| format!("reading the body: {e}"))?
        .to_bytes();
    Ok(http::Response::from_parts(parts, body))
}

#[cfg(feature = "actix")]
pub use self::actix::Actix;

#[cfg(feature = "actix")]
mod actix {
    use bytes::Bytes;

    use actix_web::body::MessageBody;
    use actix_web::dev::{Service, ServiceResponse};

    /// An actix-web app in process, as `actix_web::test::init_service` returns it.
    ///
    /// ```
    /// use actix_web::{App, HttpResponse, test, web};
    /// use cors_browser::{Actix, Browser, Engine, Request};
    ///
    /// # actix_web::rt::System::new().block_on(async {
    /// let app = test::init_service(App::new().route("/", web::get().to(HttpResponse::Ok))).await;
    /// let mut server = Actix::new(app);
    /// let mut browser = Browser::new(Engine::WebKit);
    /// let outcome = browser
    ///     .page("https://app.example.com")
    ///     .fetch(&mut server, Request::get("https://api.example.com/"))
    ///     .await;
    /// assert!(outcome.blocked().is_some(), "no CORS at all: {outcome}");
    /// # });
    /// ```
    #[derive(Debug)]
    pub struct Actix<S>(S);

    impl<S> Actix<S> {
        /// Wraps the test service.
        pub fn new(service: S) -> Self {
            Self(service)
        }
    }

    impl<S, B> super::Server for Actix<S>
    where
        S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody + 'static,
    {
        async fn send(
            &mut self,
            request: http::Request<Bytes>,
        ) -> Result<http::Response<Bytes>, String> {
            let (parts, body) = request.into_parts();
            let method = actix_web::http::Method::from_bytes(parts.method.as_str().as_bytes())
                .map_err(|e| e.to_string())?;
            let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
            let mut test = actix_web::test::TestRequest::default()
                .method(method)
                .uri(path);
            for (name, value) in &parts.headers {
                test = test.append_header((name.as_str(), value.as_bytes()));
            }
            let request = test.set_payload(body).to_request();
            let response = match self.0.call(request).await {
                Ok(response) => response.into_parts().1.map_into_boxed_body(),
                Err(error) => error.as_response_error().error_response(),
            };
            let mut answer = http::Response::builder().status(response.status().as_u16());
            for (name, value) in response.headers() {
                answer = answer.header(name.as_str(), value.as_bytes());
            }
            let body = actix_web::body::to_bytes(response.into_body())
                .await
                .map_err(|e| format!("reading the body: {e}"))?;
            answer.body(body).map_err(|e| e.to_string())
        }
    }
}

#[cfg(feature = "client")]
pub use self::client::Client;

#[cfg(feature = "client")]
mod client {
    use std::time::Duration;

    use bytes::Bytes;
    use http_body_util::{Full, Limited};
    use hyper_rustls::HttpsConnector;
    use hyper_util::client::legacy::Client as Hyper;
    use hyper_util::client::legacy::connect::HttpConnector;
    use hyper_util::rt::TokioExecutor;

    /// A live HTTP/1.1 server, reached over TCP, `http` or `https` (rustls with the Mozilla root
    /// certificates), with a timeout per request and a bound on the answer's size. Needs a
    /// tokio runtime.
    ///
    /// ```
    /// use cors_browser::{Browser, Client, Engine, Request};
    ///
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    /// let url = format!("http://{}/hello", listener.local_addr().unwrap());
    /// let app = axum::Router::new().route("/hello", axum::routing::get(|| async { "hi" }));
    /// tokio::spawn(async move { axum::serve(listener, app).await });
    ///
    /// let mut server = Client::new();
    /// let outcome = Browser::new(Engine::Chromium)
    ///     .page("http://localhost:3000")
    ///     .fetch(&mut server, Request::get(&url))
    ///     .await;
    /// assert!(outcome.reached_server() && outcome.blocked().is_some(), "{outcome}");
    /// # });
    /// ```
    #[derive(Clone, Debug)]
    pub struct Client {
        hyper: Hyper<HttpsConnector<HttpConnector>, Full<Bytes>>,
        timeout: Duration,
        max_body: usize,
    }

    impl Default for Client {
        fn default() -> Self {
            Self::new()
        }
    }

    impl Client {
        /// A client with a 10 s timeout per request and answers of at most 1 MiB.
        #[must_use]
        pub fn new() -> Self {
            let tls = hyper_rustls::HttpsConnectorBuilder::new()
                .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
                // The ring provider supports the default protocol versions, so the fallback
                // (the same roots, the process's provider) is not taken.
                .unwrap_or_else(|_| hyper_rustls::HttpsConnectorBuilder::new().with_webpki_roots())
                .https_or_http()
                .enable_http1()
                .build();
            Self {
                hyper: Hyper::builder(TokioExecutor::new()).build(tls),
                timeout: Duration::from_secs(10),
                max_body: 1 << 20,
            }
        }

        /// The longest a request may take, answer read included.
        #[must_use]
        pub fn timeout(mut self, timeout: Duration) -> Self {
            self.timeout = timeout;
            self
        }

        /// The timeout per request.
        #[must_use]
        pub fn timeout_per_request(&self) -> Duration {
            self.timeout
        }

        /// The largest answer body read, in bytes; a longer one is an error.
        #[must_use]
        pub fn max_body(mut self, bytes: usize) -> Self {
            self.max_body = bytes;
            self
        }
    }

    impl super::Server for Client {
        async fn send(
            &mut self,
            request: http::Request<Bytes>,
        ) -> Result<http::Response<Bytes>, String> {
            let uri = request.uri().to_string();
            if !matches!(request.uri().scheme_str(), Some("http" | "https")) {
                return Err(format!("`{uri}`: the client speaks http and https only"));
            }
            let (parts, body) = request.into_parts();
            let exchange = async {
                let response = self
                    .hyper
                    .request(http::Request::from_parts(parts, Full::new(body)))
                    .await
                    .map_err(|e| describe(&e))?;
                let (parts, body) = response.into_parts();
                super::collect(http::Response::from_parts(
                    parts,
                    Limited::new(body, self.max_body),
                ))
                .await
            };
            tokio::time::timeout(self.timeout, exchange)
                .await
                .map_err(|_| format!("{uri}: no answer within {:?}", self.timeout))?
        }
    }

    /// A hyper error with its causes, in one line.
    fn describe(error: &(dyn std::error::Error + 'static)) -> String {
        let mut text = error.to_string();
        let mut source = error.source();
        while let Some(cause) = source {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        text
    }
}

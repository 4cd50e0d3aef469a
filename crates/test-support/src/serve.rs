//! Real servers on a free loopback port, each on a thread and runtime of its own, for
//! tests that speak HTTP to an adapter: the test gets the address once the server is
//! listening, and the server lives until the test process ends.

use std::net::SocketAddr;
use std::sync::mpsc;

/// Serves an axum router (HTTP/1.1, and HTTP/2 with prior knowledge) on 127.0.0.1.
///
/// Needs the feature `axum`.
#[cfg(feature = "axum")]
pub fn axum(app: axum::Router) -> SocketAddr {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind 127.0.0.1");
            tx.send(listener.local_addr().expect("local address"))
                .expect("the test waits for the address");
            axum::serve(listener, app).await.expect("axum serves");
        });
    });
    rx.recv().expect("the server thread sends its address")
}

/// Serves the apps `factory` makes (HTTP/1.1, and HTTP/2 with prior knowledge) on
/// 127.0.0.1, with one worker.
///
/// Needs the feature `actix`.
#[cfg(feature = "actix")]
pub fn actix<F, T, B>(factory: F) -> SocketAddr
where
    F: Fn() -> actix_web::App<T> + Send + Clone + 'static,
    T: actix_web::dev::ServiceFactory<
            actix_web::dev::ServiceRequest,
            Config = (),
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
            InitError = (),
        > + 'static,
    B: actix_web::body::MessageBody + 'static,
{
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
            let addr = listener.local_addr().expect("local address");
            let server = actix_web::HttpServer::new(factory)
                .workers(1)
                .disable_signals()
                .listen_auto_h2c(listener)
                .expect("listen")
                .run();
            tx.send(addr).expect("the test waits for the address");
            server.await.expect("actix-web serves");
        });
    });
    rx.recv().expect("the server thread sends its address")
}

//! Runs one per-request scenario of the project's axum layer in a loop, in process, for a
//! profiler or an instruction counter:
//!
//! ```text
//! cargo build --release -p bench --example request_profile
//! valgrind --tool=callgrind target/release/examples/request_profile untouched signed 2000
//! ```
//!
//! Arguments: `read|write|untouched`, `signed|private`, how many requests (default 1000).

use std::hint::black_box;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, header};
use axum::routing::get;
use bench::data::request_session;
use bench::project::{self, Format, ProjectSession};
use tower::ServiceExt as _;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |index: usize, default: &str| args.get(index).cloned().unwrap_or(default.to_owned());
    let format = match arg(1, "signed").as_str() {
        "private" => Format::Private,
        _ => Format::Signed,
    };
    let times: usize = arg(2, "1000").parse().expect("a count");
    let path = format!("/{}", arg(0, "untouched"));
    let session = request_session();
    let router = Router::new()
        .route(
            "/seed",
            get(move |s: ProjectSession| async move {
                project::fill(&s, &session);
                "seeded"
            }),
        )
        .route(
            "/read",
            get(|s: ProjectSession| async move { project::read(&s, "user") }),
        )
        .route(
            "/write",
            get(|s: ProjectSession| async move {
                project::write(&s, "visits", 1);
                "written"
            }),
        )
        .route("/untouched", get(|| async { "ok" }))
        .layer(project::axum_layer(format));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let seeded = runtime
        .block_on(
            router.clone().oneshot(
                Request::get("/seed")
                    .body(Body::empty())
                    .expect("a request"),
            ),
        )
        .expect("infallible");
    let set_cookie: Vec<String> = seeded
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok().map(str::to_owned))
        .collect();
    // A real response's headers: the harness's one reader of Set-Cookie text.
    let (cookie, _) = bench::request::cookie_header("project", false, &set_cookie);
    runtime.block_on(async {
        for _ in 0..times {
            let request = Request::get(path.as_str())
                .header(header::COOKIE, cookie.as_str())
                .body(Body::empty())
                .expect("a request");
            black_box(router.clone().oneshot(request).await.expect("infallible"));
        }
    });
}

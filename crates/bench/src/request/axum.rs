//! axum 0.8 in process: no middleware, tower-sessions with tower-sessions-cookie-store
//! (signed and private), and the project's layer (signed and private).

use std::hint::black_box;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, header};
use axum::routing::get;
use serde_json::{Map, Value};
use tokio::runtime::Runtime;
use tower::ServiceExt as _;
use tower_sessions_cookie_store::{CookieSessionConfig, CookieSessionManagerLayer, Key};

use super::revocation::{self, Stores};
use super::{
    READ_KEY, READ_VALUE, SEED_PATH, Scenario, Security, USER_AGENT, WRITE_KEY, Wire,
    baseline_cookie, cookie_header, next_write, record, slot,
};
use crate::data::request_session;
use crate::measure::Contender;
use crate::project::{self, Format, ProjectSession};

const FRAMEWORK: &str = "axum";

/// The `Set-Cookie` values of a response.
fn set_cookies(response: &Response<Body>) -> Vec<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok().map(str::to_owned))
        .collect()
}

fn request(path: &str, cookie: &str) -> Request<Body> {
    let mut request = Request::get(path).header(header::USER_AGENT, USER_AGENT);
    if !cookie.is_empty() {
        request = request.header(header::COOKIE, cookie);
    }
    request.body(Body::empty()).expect("a valid request")
}

/// Seeds the router's session, checks every scenario answers as it should, and pushes one
/// contender per scenario.
fn push(
    runtime: &Rc<Runtime>,
    out: &mut Vec<Contender>,
    wires: &mut Vec<Wire>,
    (label, peer): (&str, bool),
    scenarios: &[Scenario],
    router: Router,
) {
    let call = |path: &str, cookie: &str| {
        runtime
            .block_on(router.clone().oneshot(request(path, cookie)))
            .expect("infallible")
    };
    let (cookie, wire) = cookie_header(label, peer, &set_cookies(&call(SEED_PATH, "")));
    let has_session = !cookie.is_empty();
    let cookie = if has_session {
        record(wires, wire);
        cookie
    } else {
        baseline_cookie()
    };
    for &scenario in scenarios {
        let response = call(scenario.path(), &cookie);
        assert!(response.status().is_success(), "{label} {scenario:?}");
        assert_eq!(
            !set_cookies(&response).is_empty(),
            scenario == Scenario::Write && has_session,
            "{label} {scenario:?}: a Set-Cookie exactly when writing"
        );
        if scenario == Scenario::Read {
            let body = runtime
                .block_on(axum::body::to_bytes(response.into_body(), usize::MAX))
                .expect("a body");
            assert_eq!(body, READ_VALUE, "{label}: the session was read");
        }
        let (runtime, router, cookie) = (Rc::clone(runtime), router.clone(), cookie.clone());
        out.push(Contender::self_timed(
            slot(scenario, FRAMEWORK, label),
            Box::new(move |iterations| {
                runtime.block_on(async {
                    let start = Instant::now();
                    for _ in 0..iterations {
                        let response = router
                            .clone()
                            .oneshot(request(scenario.path(), &cookie))
                            .await;
                        black_box(response.expect("infallible"));
                    }
                    start.elapsed()
                })
            }),
        ));
    }
}

/// Every axum contender.
pub fn contenders(wires: &mut Vec<Wire>, stores: &Stores) -> Vec<Contender> {
    let runtime = Rc::new(
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime"),
    );
    let mut out = Vec::new();
    let session: Arc<Map<String, Value>> = Arc::new(request_session());

    push(
        &runtime,
        &mut out,
        wires,
        ("no middleware", true),
        &Scenario::ALL,
        Router::new()
            .route(SEED_PATH, get(|| async { "seeded" }))
            .route(Scenario::Read.path(), get(|| async { READ_VALUE }))
            .route(Scenario::Write.path(), get(|| async { "written" }))
            .route(Scenario::Untouched.path(), get(|| async { "ok" })),
    );

    for security in Security::ALL {
        let label = format!("tower-sessions {}", security.label());
        // Its default refuses a cookie over 4096 bytes with a 500; raised so the session is
        // measured at all (the wire table marks what a browser would do with it).
        let config = CookieSessionConfig::default()
            .with_secure(false)
            .with_max_cookie_bytes(1 << 20);
        let key = Key::from(&[7; 64]);
        let seed = Arc::clone(&session);
        let router = Router::new()
            .route(
                SEED_PATH,
                get(move |session: tower_sessions::Session| async move {
                    for (key, value) in seed.iter() {
                        session.insert(key, value).await.expect("JSON");
                    }
                    "seeded"
                }),
            )
            .route(
                Scenario::Read.path(),
                get(|session: tower_sessions::Session| async move {
                    session
                        .get::<String>(READ_KEY)
                        .await
                        .ok()
                        .flatten()
                        .unwrap_or_default()
                }),
            )
            .route(
                Scenario::Write.path(),
                get(|session: tower_sessions::Session| async move {
                    session.insert(WRITE_KEY, next_write()).await.expect("JSON");
                    "written"
                }),
            );
        let router = match security {
            Security::Signed => {
                router.layer(CookieSessionManagerLayer::signed(key).with_config(config))
            }
            Security::Private => {
                router.layer(CookieSessionManagerLayer::private(key).with_config(config))
            }
        };
        push(
            &runtime,
            &mut out,
            wires,
            (&label, true),
            &[Scenario::Read, Scenario::Write],
            router,
        );
    }

    for format in [Format::Signed, Format::Private] {
        let seed = Arc::clone(&session);
        let router = Router::new()
            .route(
                SEED_PATH,
                get(move |session: ProjectSession| async move {
                    project::fill(&session, &seed);
                    "seeded"
                }),
            )
            .route(
                Scenario::Read.path(),
                get(|session: ProjectSession| async move { project::read(&session, READ_KEY) }),
            )
            .route(
                Scenario::Write.path(),
                get(|session: ProjectSession| async move {
                    project::write(&session, WRITE_KEY, next_write());
                    "written"
                }),
            )
            .route(Scenario::Untouched.path(), get(|| async { "ok" }))
            .layer(project::axum_layer(format));
        push(
            &runtime,
            &mut out,
            wires,
            (format.label(), false),
            &Scenario::ALL,
            router,
        );
    }

    for (label, store) in &stores.rows {
        let seed = Arc::clone(&session);
        let engine = project::revocable(Format::Signed, Arc::clone(store));
        let router = Router::new()
            .route(
                SEED_PATH,
                get(move |session: ProjectSession| async move {
                    project::fill(&session, &seed);
                    project::bind(&session, revocation::SUBJECT);
                    "seeded"
                }),
            )
            .route(
                Scenario::Read.path(),
                get(|session: ProjectSession| async move { project::read(&session, READ_KEY) }),
            )
            .layer(project::axum_layer_of(engine));
        push(
            &runtime,
            &mut out,
            wires,
            (label, false),
            &[Scenario::Read],
            router,
        );
    }
    out
}

//! actix-web 4 in process: no middleware, actix-session 0.11's `CookieSessionStore` (signed
//! and private), and the project's middleware (signed and private).

use std::hint::black_box;
use std::rc::Rc;
use std::time::Instant;

use actix_session::config::CookieContentSecurity;
use actix_session::storage::CookieSessionStore;
use actix_web::cookie::Key;
use actix_web::dev::ServiceResponse;
use actix_web::http::header;
use actix_web::rt::{System, SystemRunner};
use actix_web::{App, test, web};
use serde_json::{Map, Value};

use super::revocation::{self, Stores};
use super::{
    READ_KEY, READ_VALUE, SEED_PATH, Scenario, Security, USER_AGENT, WRITE_KEY, Wire,
    baseline_cookie, cookie_header, next_write, record, slot,
};
use crate::data::request_session;
use crate::measure::Contender;
use crate::project::{self, Format, ProjectSession};

const FRAMEWORK: &str = "actix-web";

/// The `Set-Cookie` values of a response.
fn set_cookies<B>(response: &ServiceResponse<B>) -> Vec<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .filter_map(|value| value.to_str().ok().map(str::to_owned))
        .collect()
}

/// Builds the service of `$app`, seeds its session, checks every scenario answers as it
/// should, and pushes one contender per scenario in `$scenarios`.
macro_rules! contender {
    ($runtime:expr, $out:expr, $wires:expr, $label:expr, $peer:expr, $scenarios:expr, $app:expr) => {{
        let runtime: Rc<SystemRunner> = Rc::clone(&$runtime);
        let app = Rc::new(runtime.block_on(test::init_service($app)));
        let seeded = runtime.block_on(test::call_service(
            &*app,
            test::TestRequest::get().uri(SEED_PATH).to_request(),
        ));
        let (cookie, wire) = cookie_header($label, $peer, &set_cookies(&seeded));
        let has_session = !cookie.is_empty();
        let cookie = if has_session {
            record($wires, wire);
            cookie
        } else {
            baseline_cookie()
        };
        for scenario in $scenarios {
            let request = || {
                test::TestRequest::get()
                    .uri(scenario.path())
                    .insert_header((header::COOKIE, cookie.as_str()))
                    .insert_header((header::USER_AGENT, USER_AGENT))
                    .to_request()
            };
            let response = runtime.block_on(test::call_service(&*app, request()));
            assert!(response.status().is_success(), "{} {scenario:?}", $label);
            assert_eq!(
                !set_cookies(&response).is_empty(),
                scenario == Scenario::Write && has_session,
                "{} {scenario:?}: a Set-Cookie exactly when writing",
                $label
            );
            if scenario == Scenario::Read {
                let body = runtime.block_on(test::read_body(response));
                assert_eq!(body, READ_VALUE, "{}: the session was read", $label);
            }
            let (runtime, app, cookie) = (Rc::clone(&runtime), Rc::clone(&app), cookie.clone());
            $out.push(Contender::self_timed(
                slot(scenario, FRAMEWORK, $label),
                Box::new(move |iterations| {
                    runtime.block_on(async {
                        let start = Instant::now();
                        for _ in 0..iterations {
                            let request = test::TestRequest::get()
                                .uri(scenario.path())
                                .insert_header((header::COOKIE, cookie.as_str()))
                                .insert_header((header::USER_AGENT, USER_AGENT))
                                .to_request();
                            black_box(test::call_service(&*app, request).await);
                        }
                        start.elapsed()
                    })
                }),
            ));
        }
    }};
}

/// Every actix-web contender.
pub fn contenders(wires: &mut Vec<Wire>, stores: &Stores) -> Vec<Contender> {
    let runtime = Rc::new(System::new());
    let mut out = Vec::new();
    let session: Rc<Map<String, Value>> = Rc::new(request_session());

    contender!(
        runtime,
        out,
        wires,
        "no middleware",
        true,
        Scenario::ALL,
        App::new()
            .route(SEED_PATH, web::get().to(|| async { "seeded" }))
            .route(
                Scenario::Read.path(),
                web::get().to(|| async { READ_VALUE })
            )
            .route(
                Scenario::Write.path(),
                web::get().to(|| async { "written" })
            )
            .route(Scenario::Untouched.path(), web::get().to(|| async { "ok" }))
    );

    for security in Security::ALL {
        let label = format!("actix-session {}", security.label());
        let content = match security {
            Security::Signed => CookieContentSecurity::Signed,
            Security::Private => CookieContentSecurity::Private,
        };
        let seed = Rc::clone(&session);
        contender!(
            runtime,
            out,
            wires,
            &label,
            true,
            [Scenario::Read, Scenario::Write],
            App::new()
                .wrap(
                    actix_session::SessionMiddleware::builder(
                        CookieSessionStore::default(),
                        Key::from(&[7; 64]),
                    )
                    .cookie_content_security(content)
                    .cookie_secure(false)
                    .build(),
                )
                .route(
                    SEED_PATH,
                    web::get().to(move |session: actix_session::Session| {
                        for (key, value) in seed.iter() {
                            session.insert(key, value).expect("JSON");
                        }
                        async { "seeded" }
                    }),
                )
                .route(
                    Scenario::Read.path(),
                    web::get().to(|session: actix_session::Session| async move {
                        session
                            .get::<String>(READ_KEY)
                            .ok()
                            .flatten()
                            .unwrap_or_default()
                    }),
                )
                .route(
                    Scenario::Write.path(),
                    web::get().to(|session: actix_session::Session| async move {
                        session.insert(WRITE_KEY, next_write()).expect("JSON");
                        "written"
                    }),
                )
        );
    }

    for format in [Format::Signed, Format::Private] {
        let label = format.label();
        let seed = Rc::clone(&session);
        contender!(
            runtime,
            out,
            wires,
            label,
            false,
            Scenario::ALL,
            App::new()
                .wrap(project::actix_middleware(format))
                .route(
                    SEED_PATH,
                    web::get().to(move |session: ProjectSession| {
                        project::fill(&session, &seed);
                        async { "seeded" }
                    }),
                )
                .route(
                    Scenario::Read.path(),
                    web::get().to(|session: ProjectSession| async move {
                        project::read(&session, READ_KEY)
                    }),
                )
                .route(
                    Scenario::Write.path(),
                    web::get().to(|session: ProjectSession| async move {
                        project::write(&session, WRITE_KEY, next_write());
                        "written"
                    }),
                )
                .route(Scenario::Untouched.path(), web::get().to(|| async { "ok" }))
        );
    }

    for (label, store) in &stores.rows {
        let seed = Rc::clone(&session);
        let engine = project::revocable(Format::Signed, std::sync::Arc::clone(store));
        contender!(
            runtime,
            out,
            wires,
            label.as_str(),
            false,
            [Scenario::Read],
            App::new()
                .wrap(project::actix_middleware_of(engine))
                .route(
                    SEED_PATH,
                    web::get().to(move |session: ProjectSession| {
                        project::fill(&session, &seed);
                        project::bind(&session, revocation::SUBJECT);
                        async { "seeded" }
                    }),
                )
                .route(
                    Scenario::Read.path(),
                    web::get().to(|session: ProjectSession| async move {
                        project::read(&session, READ_KEY)
                    }),
                )
        );
    }
    out
}

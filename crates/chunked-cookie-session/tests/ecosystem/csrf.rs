//! CSRF on the plain adapters: `csrf::token` and `csrf::verify` in handlers (a forged form
//! post is refused, the real one passes, `renew` rotates the token), and the guards that do
//! it for every route (axum's `CsrfLayer`, actix-web's `CsrfMiddleware`): one scenario,
//! run against both.

use std::net::SocketAddr;

use chunked_cookie_session::{Session, SessionEngine, csrf};
use reqwest::StatusCode;
use serde::Deserialize;
use test_support::serve;

use crate::browser::{Browser, engine};

#[derive(Deserialize)]
struct Transfer {
    csrf_token: String,
}

/// The form a guarded route reads: the guard has read the body before it, and put it back.
#[derive(Deserialize)]
struct Amount {
    amount: String,
}

fn form_page(session: &Session) -> String {
    format!(
        r#"<form method="post"><input type="hidden" name="{}" value="{}"></form>"#,
        csrf::FORM_FIELD,
        csrf::token(session)
    )
}

mod axum_app {
    use axum::Form;
    use axum::http::StatusCode;
    use axum::routing::{any, get, post};
    use chunked_cookie_session::axum::{CsrfLayer, SessionLayer};

    use super::*;

    pub fn app(engine: SessionEngine) -> axum::Router {
        axum::Router::new()
            .route(
                "/form",
                get(|session: Session| async move { form_page(&session) }),
            )
            .route(
                "/transfer",
                post(|session: Session, Form(form): Form<Transfer>| async move {
                    if csrf::verify(&session, &form.csrf_token) {
                        (StatusCode::OK, "transferred")
                    } else {
                        (StatusCode::FORBIDDEN, "forged")
                    }
                }),
            )
            .route(
                "/login",
                post(|session: Session| async move {
                    session.renew();
                    "renewed"
                }),
            )
            .layer(SessionLayer::new(engine))
    }

    /// Every route behind the guard.
    pub fn guarded(engine: SessionEngine) -> axum::Router {
        axum::Router::new()
            .route(
                "/form",
                get(|session: Session| async move { form_page(&session) }),
            )
            .route(
                "/transfer",
                post(|Form(form): Form<Amount>| async move {
                    format!("transferred {}", form.amount)
                }),
            )
            .route("/any", any(|| async { "reached" }))
            .layer(CsrfLayer::new().form_limit(FORM_LIMIT))
            .layer(SessionLayer::new(engine))
    }
}

mod actix_app {
    use actix_web::{App, HttpResponse, web};
    use chunked_cookie_session::actix::{CsrfMiddleware, SessionMiddleware};

    use super::*;

    pub fn serve(engine: SessionEngine) -> SocketAddr {
        test_support::serve::actix(move || {
            App::new()
                .wrap(SessionMiddleware::new(engine.clone()))
                .route(
                    "/form",
                    web::get().to(|session: Session| async move { form_page(&session) }),
                )
                .route(
                    "/transfer",
                    web::post().to(|session: Session, form: web::Form<Transfer>| async move {
                        if csrf::verify(&session, &form.csrf_token) {
                            HttpResponse::Ok().body("transferred")
                        } else {
                            HttpResponse::Forbidden().body("forged")
                        }
                    }),
                )
                .route(
                    "/login",
                    web::post().to(|session: Session| async move {
                        session.renew();
                        "renewed"
                    }),
                )
        })
    }

    /// Every route behind the guard.
    pub fn guarded(engine: SessionEngine) -> SocketAddr {
        test_support::serve::actix(move || {
            App::new()
                .app_data(web::PayloadConfig::new(FORM_LIMIT))
                .wrap(CsrfMiddleware::new())
                .wrap(SessionMiddleware::new(engine.clone()))
                .route(
                    "/form",
                    web::get().to(|session: Session| async move { form_page(&session) }),
                )
                .route(
                    "/transfer",
                    web::post().to(|form: web::Form<Amount>| async move {
                        format!("transferred {}", form.amount)
                    }),
                )
                .route("/any", web::route().to(|| async { "reached" }))
        })
    }
}

/// The most bytes of a form the guarded apps read.
const FORM_LIMIT: usize = 8 * 1024;

async fn forged_posts_are_refused(addr: SocketAddr) {
    let browser = Browser::new(addr);
    // No token in the session yet: nothing passes.
    let page = browser
        .post("/transfer", &[("csrf_token", &csrf::generate())])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);

    let token = browser.get("/form").await.csrf_token();
    for forged in [
        String::new(),
        csrf::generate(),
        token[..42].to_owned(),
        format!("{token}A"),
        token.to_uppercase(),
    ] {
        let page = browser.post("/transfer", &[("csrf_token", &forged)]).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{forged:?}");
        assert!(page.cookies().is_empty());
    }
    // A forged cross-site post carries the victim's cookies, but not the token.
    let page = browser.post("/transfer", &[("csrf_token", &token)]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body, "transferred");
    assert_eq!(
        browser.get("/form").await.csrf_token(),
        token,
        "one token a session"
    );

    // `renew` (at login) rotates it.
    browser.post("/login", &[]).await;
    let page = browser.post("/transfer", &[("csrf_token", &token)]).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let rotated = browser.get("/form").await.csrf_token();
    assert_ne!(rotated, token);
    let page = browser.post("/transfer", &[("csrf_token", &rotated)]).await;
    assert_eq!(page.status, StatusCode::OK);
}

#[tokio::test]
async fn axum_refuses_a_forged_form_post() {
    forged_posts_are_refused(serve::axum(axum_app::app(engine()))).await;
}

#[tokio::test]
async fn actix_refuses_a_forged_form_post() {
    forged_posts_are_refused(actix_app::serve(engine())).await;
}

/// The guard, whatever the framework: the token from the header or the form field, safe
/// methods through, a 403 of its own for a token missing or wrong, and the form still there
/// for the handler.
async fn the_guard_refuses_what_lacks_the_token(addr: SocketAddr) {
    let browser = Browser::new(addr);
    let base = format!("http://{addr}");
    let client = reqwest::Client::new();

    // No session, no token: refused before the handler, nothing written.
    let page = browser.post("/transfer", &[("amount", "1")]).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("no CSRF token"), "{}", page.body);
    assert!(page.cookies().is_empty());

    let token = browser.get("/form").await.csrf_token();

    // The form field.
    let page = browser
        .post("/transfer", &[("amount", "5"), ("csrf_token", &token)])
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(
        page.body, "transferred 5",
        "the handler reads the form the guard read"
    );

    // The header, for a form without the field.
    let page = browser
        .post_with_header("/transfer", &[("amount", "7")], csrf::HEADER, &token)
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.body, "transferred 7");

    // Missing: a form without the field, a body that is no form.
    let page = browser.post("/transfer", &[("amount", "9")]).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("no CSRF token"), "{}", page.body);
    let response = client
        .post(format!("{base}/any"))
        .header("cookie", browser.cookie_header())
        .header("content-type", "application/json")
        .body(format!(r#"{{"csrf_token":"{token}"}}"#))
        .send()
        .await
        .expect("a response");
    assert_eq!(
        response.status(),
        StatusCode::FORBIDDEN,
        "JSON is read by no guard"
    );

    // Wrong: forged, truncated, another session's; in the header, the header wins.
    let other = Browser::new(addr);
    let others = other.get("/form").await.csrf_token();
    for wrong in [
        csrf::generate(),
        token[..42].to_owned(),
        others,
        String::new(),
    ] {
        let page = browser
            .post("/transfer", &[("amount", "1"), ("csrf_token", &wrong)])
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{wrong:?}");
        assert!(page.body.contains("not this session's"), "{}", page.body);
        assert!(page.cookies().is_empty());
    }
    let page = browser
        .post_with_header(
            "/transfer",
            &[("amount", "1"), ("csrf_token", &token)],
            csrf::HEADER,
            &csrf::generate(),
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::FORBIDDEN,
        "the header is judged first"
    );

    // Safe methods pass without a token; the others do not.
    let cookies = browser.cookie_header();
    for (method, expected) in [
        ("GET", StatusCode::OK),
        ("HEAD", StatusCode::OK),
        ("OPTIONS", StatusCode::OK),
        ("TRACE", StatusCode::OK),
        ("POST", StatusCode::FORBIDDEN),
        ("PUT", StatusCode::FORBIDDEN),
        ("PATCH", StatusCode::FORBIDDEN),
        ("DELETE", StatusCode::FORBIDDEN),
    ] {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
        let response = client
            .request(method.clone(), format!("{base}/any"))
            .header("cookie", &cookies)
            .send()
            .await
            .expect("a response");
        assert_eq!(response.status(), expected, "{method}");
        let response = client
            .request(method.clone(), format!("{base}/any"))
            .header("cookie", &cookies)
            .header(csrf::HEADER, &token)
            .send()
            .await
            .expect("a response");
        assert_eq!(response.status(), StatusCode::OK, "{method} with the token");
    }

    // A form larger than the guard reads. Small enough to be sent whole before the
    // server answers (a body of megabytes is cut off mid-send by the early 413).
    let response = client
        .post(format!("{base}/transfer"))
        .header("cookie", &cookies)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "csrf_token={token}&amount={}",
            "1".repeat(2 * FORM_LIMIT)
        ))
        .send()
        .await
        .expect("a response");
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn axum_csrf_layer_guards_every_route() {
    the_guard_refuses_what_lacks_the_token(serve::axum(axum_app::guarded(engine()))).await;
}

#[tokio::test]
async fn actix_csrf_middleware_guards_every_route() {
    the_guard_refuses_what_lacks_the_token(actix_app::guarded(engine())).await;
}

#[tokio::test]
async fn a_guard_outside_the_session_layer_says_so() {
    use axum::routing::post;
    use chunked_cookie_session::axum::{CsrfLayer, SessionLayer};
    let app = axum::Router::new()
        .route("/transfer", post(|| async { "transferred" }))
        .layer(SessionLayer::new(engine()))
        .layer(CsrfLayer::new());
    let page = Browser::new(serve::axum(app)).post("/transfer", &[]).await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        page.body.contains("install it inside SessionLayer"),
        "{}",
        page.body
    );

    let engine = engine();
    let addr = test_support::serve::actix(move || {
        actix_web::App::new()
            .wrap(chunked_cookie_session::actix::SessionMiddleware::new(
                engine.clone(),
            ))
            .wrap(chunked_cookie_session::actix::CsrfMiddleware::new())
            .route(
                "/transfer",
                actix_web::web::post().to(|| async { "transferred" }),
            )
    });
    let page = Browser::new(addr).post("/transfer", &[]).await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        page.body.contains("wrap it inside SessionMiddleware"),
        "{}",
        page.body
    );
}

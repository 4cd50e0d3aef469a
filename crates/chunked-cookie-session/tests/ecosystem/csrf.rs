//! `csrf::token` and `csrf::verify` on the plain adapters: a forged form post is refused,
//! the real one passes, and `renew` rotates the token.

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
    use axum::routing::{get, post};
    use chunked_cookie_session::axum::SessionLayer;

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
}

mod actix_app {
    use actix_web::{App, HttpResponse, web};
    use chunked_cookie_session::actix::SessionMiddleware;

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
}

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

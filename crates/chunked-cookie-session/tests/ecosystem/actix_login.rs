//! examples/actix_login.rs, the very application it serves, driven over 127.0.0.1: the
//! login scenario of `login.rs`, and what only this example does (the current-user
//! extractor, actix-web-flash-messages' lifetime of a message).

#[allow(
    dead_code,
    reason = "the example's `main` and `engine` are not the tests'"
)]
#[path = "../../examples/actix_login.rs"]
mod example;

use std::net::SocketAddr;

use chunked_cookie_session::SessionEngine;
use reqwest::StatusCode;

use crate::browser::{Browser, engine};
use crate::login::login_scenarios;

fn serve(engine: SessionEngine) -> SocketAddr {
    test_support::serve::actix(move || example::app(engine.clone()))
}

login_scenarios!(serve);

#[tokio::test]
async fn the_examples_sessions_travel_encrypted() {
    crate::login::the_examples_sessions_travel_encrypted(serve, example::engine()).await;
}

#[tokio::test]
async fn the_current_user_extractor_answers_401_or_a_redirect() {
    let browser = Browser::new(serve(engine()));
    let page = browser.get("/api/me").await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    assert!(page.cookies().is_empty());
    let page = browser.navigate("/protected").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), Some("/login?next=/protected"));
    assert!(
        page.cookies().is_empty(),
        "an anonymous visit writes nothing"
    );
}

#[tokio::test]
async fn a_flash_message_lives_for_the_next_request_only_shown_or_not() {
    let browser = Browser::new(serve(engine()));
    let token = browser.navigate("/login").await.csrf_token();
    let page = browser
        .post(
            "/login",
            &[
                ("name", "ada"),
                ("password", "nope"),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    // The next request does not show it: the message is spent all the same.
    assert_eq!(
        browser.get("/api/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    let page = browser.navigate("/login").await;
    assert!(!page.body.contains("Wrong name"), "{}", page.body);
}

//! examples/actix_login.rs, the very application it serves, driven over 127.0.0.1:
//! actix-web-flash-messages on the session, the current-user extractor, login with
//! `renew`, logout with `purge` and a flash message after it, forged forms refused.

#[allow(
    dead_code,
    reason = "the example's `main` and `engine` are not the tests'"
)]
#[path = "../../examples/actix_login.rs"]
mod example;

use std::net::SocketAddr;

use chunked_cookie_session::SessionEngine;
use reqwest::StatusCode;

use crate::browser::{Browser, Page, engine};

fn start() -> (Browser, SessionEngine, SocketAddr) {
    let engine = engine();
    let app_engine = engine.clone();
    let addr = test_support::serve::actix(move || example::app(app_engine.clone()));
    (Browser::new(addr), engine, addr)
}

async fn log_in(browser: &Browser) -> Page {
    let form = browser.navigate("/login").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let token = form.csrf_token();
    browser
        .post(
            "/login",
            &[
                ("name", "ada"),
                ("password", "lovelace"),
                ("csrf_token", &token),
            ],
        )
        .await
}

#[tokio::test]
async fn the_current_user_extractor_answers_401_or_a_redirect() {
    let (browser, _, _) = start();
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
async fn login_flash_once_and_logout_with_a_flash() {
    let (browser, engine, _) = start();
    let form = browser.navigate("/login").await;
    assert_eq!(form.set(), ["session"], "the CSRF token");
    let anonymous_generation = browser.generation(&engine);

    // A wrong password: a flash message, shown once.
    let token = form.csrf_token();
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
    let page = browser.navigate("/login").await;
    assert!(
        page.body.contains("Wrong name or password."),
        "{}",
        page.body
    );
    let page = browser.navigate("/login").await;
    assert!(!page.body.contains("Wrong name"), "{}", page.body);
    // A message lives for the next request only, shown or not.
    let token = page.csrf_token();
    browser
        .post(
            "/login",
            &[
                ("name", "ada"),
                ("password", "nope"),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(
        browser.get("/api/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    let page = browser.navigate("/login").await;
    assert!(!page.body.contains("Wrong name"), "{}", page.body);

    // Login: `renew`, the user's data over two cookies, and a welcome.
    let page = log_in(&browser).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(page.location(), Some("/protected"));
    assert_eq!(page.set(), ["session", "session_1"]);
    assert_eq!(page.header("cache-control"), Some("private, no-store"));
    assert_ne!(browser.generation(&engine), anonymous_generation);

    let page = browser.navigate("/protected").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Hello, ada"), "{}", page.body);
    assert!(page.body.contains("100 recent documents"), "{}", page.body);
    assert!(page.body.contains("Welcome, ada!"), "{}", page.body);
    let page = browser.navigate("/protected").await;
    assert!(!page.body.contains("Welcome"), "read once: {}", page.body);
    assert!(
        page.cookies().is_empty(),
        "an unchanged session is not written"
    );
    let me = browser.get("/api/me").await.json();
    assert_eq!(me["user"], "ada");
    assert_eq!(me["load"], "valid");

    // Logout: `purge`, then a flash message, which starts a fresh session.
    let token = page.csrf_token();
    let page = browser.post("/logout", &[("csrf_token", &token)]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(page.deleted(), ["session_1"]);
    assert_eq!(page.set(), ["session"]);
    let page = browser.navigate("/login").await;
    assert!(
        page.body.contains("You have been logged out."),
        "{}",
        page.body
    );
    assert_eq!(
        browser.get("/api/me").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn the_anonymous_token_dies_at_login_and_forged_forms_are_refused() {
    let (browser, _, addr) = start();
    let form = browser.navigate("/login").await;
    let anonymous_token = form.csrf_token();
    let anonymous_cookies = browser.cookie_header();
    for forged in [
        "",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        &anonymous_token[1..],
    ] {
        let page = browser
            .post(
                "/login",
                &[
                    ("name", "ada"),
                    ("password", "lovelace"),
                    ("csrf_token", forged),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{forged:?}");
        assert!(page.cookies().is_empty());
    }
    assert_eq!(log_in(&browser).await.status, StatusCode::SEE_OTHER);
    let page = browser
        .post("/logout", &[("csrf_token", &anonymous_token)])
        .await;
    assert_eq!(
        page.status,
        StatusCode::FORBIDDEN,
        "renew dropped the token"
    );
    assert_eq!(browser.get("/api/me").await.json()["user"], "ada");

    // The anonymous cookies, replayed: still anonymous.
    let attacker = Browser::new(addr);
    for pair in anonymous_cookies.split("; ") {
        let (name, value) = pair.split_once('=').expect("name=value");
        attacker.put_cookie(name, value);
    }
    assert_eq!(
        attacker.get("/api/me").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_tampered_chunk_logs_the_user_out() {
    let (browser, _, _) = start();
    assert_eq!(log_in(&browser).await.status, StatusCode::SEE_OTHER);
    let chunk1 = browser.cookie("session_1").expect("two chunks");
    browser.put_cookie("session_1", &chunk1[..chunk1.len() - 1]);
    let page = browser.get("/api/me").await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    assert_eq!(page.deleted(), ["session", "session_1"], "debris cleaned");
}

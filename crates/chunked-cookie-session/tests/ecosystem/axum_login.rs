//! examples/axum_login.rs, the very router it serves, driven over 127.0.0.1.

#[allow(
    dead_code,
    reason = "the example's `main` and `engine` are not the tests'"
)]
#[path = "../../examples/axum_login.rs"]
mod example;

use reqwest::StatusCode;
use serde_json::Value;

use test_support::serve;

use crate::browser::{Browser, Page, engine};

const RELAY: &str = chunked_cookie_session::tower_sessions::RELAY_COOKIE;

fn start() -> (
    Browser,
    chunked_cookie_session::SessionEngine,
    std::net::SocketAddr,
) {
    let engine = engine();
    let addr = serve::axum(example::app(engine.clone()));
    (Browser::new(addr), engine, addr)
}

/// Opens the login page and logs in as ada; returns the login response.
async fn log_in(browser: &Browser) -> Page {
    let form = browser.get("/login").await;
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

fn no_relay_cookie(page: &Page) {
    assert!(
        page.cookies().iter().all(|cookie| cookie.name() != RELAY),
        "tower-sessions' id cookie reached the client: {:?}",
        page.headers
    );
}

#[tokio::test]
async fn login_protected_page_flash_once_and_logout() {
    let (browser, _engine, _) = start();

    // Anonymous: the protected page sends to the login form, and nothing is written.
    let page = browser.get("/protected").await;
    assert_eq!(page.status, StatusCode::TEMPORARY_REDIRECT);
    assert!(page.location().is_some_and(|to| to.starts_with("/login")));
    assert!(page.cookies().is_empty(), "{:?}", page.headers);

    // The form page stores the CSRF token: a small session, one cookie.
    let form = browser.get("/login").await;
    assert_eq!(form.set(), ["session"]);
    no_relay_cookie(&form);

    // A wrong password: back to the form, with a flash message shown once.
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
    assert_eq!(page.location(), Some("/login"));
    let again = browser.get("/login").await;
    assert!(
        again.body.contains("Wrong name or password."),
        "{}",
        again.body
    );
    let third = browser.get("/login").await;
    assert!(!third.body.contains("Wrong name"), "{}", third.body);

    // Login: the user's 4.5 KB of data take two cookies, written with the private cache
    // policy and `Vary: Cookie`.
    let page = log_in(&browser).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(page.location(), Some("/protected"));
    assert_eq!(page.set(), ["session", "session_1"]);
    assert_eq!(page.header("cache-control"), Some("private, no-store"));
    assert_eq!(page.header("vary"), Some("Cookie"));
    no_relay_cookie(&page);

    // The protected page, with the flash message of the login; then without it.
    let page = browser.get("/protected").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Hello, ada"), "{}", page.body);
    assert!(page.body.contains("100 recent documents"), "{}", page.body);
    assert!(page.body.contains("Welcome, ada!"), "{}", page.body);
    assert_eq!(
        page.set(),
        ["session", "session_1"],
        "the flash is consumed"
    );
    let page = browser.get("/protected").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Welcome"), "read once: {}", page.body);
    assert!(
        page.cookies().is_empty(),
        "an unchanged session is not written"
    );
    assert_eq!(page.header("vary"), Some("Cookie"));

    // Logout: every cookie of the user's session goes, and the flash message after it
    // starts a fresh, small session in the same response.
    let token = page.csrf_token();
    let page = browser.post("/logout", &[("csrf_token", &token)]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(page.location(), Some("/login"));
    assert_eq!(page.deleted(), ["session_1"]);
    assert_eq!(page.set(), ["session"]);
    no_relay_cookie(&page);
    let page = browser.get("/login").await;
    assert!(
        page.body.contains("You have been logged out."),
        "{}",
        page.body
    );
    let page = browser.get("/protected").await;
    assert_eq!(page.status, StatusCode::TEMPORARY_REDIRECT);
    let who = browser.get("/whoami").await.json();
    assert_eq!(who["user"], Value::Null);
}

#[tokio::test]
async fn login_changes_the_id_and_the_generation() {
    let (browser, engine, addr) = start();
    let form = browser.get("/login").await;
    let before = browser.get("/whoami").await.json();
    assert_eq!(before["user"], Value::Null);
    let anonymous_id = before["tower_id"].as_str().expect("an id").to_owned();
    // tower-sessions' id is stable from one request to the next.
    let again = browser.get("/whoami").await.json();
    assert_eq!(again["tower_id"], anonymous_id.as_str());
    let anonymous_cookies = browser.cookie_header();
    let anonymous_generation = browser.generation(&engine);
    let anonymous_token = form.csrf_token();

    let page = log_in(&browser).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let after = browser.get("/whoami").await.json();
    assert_eq!(after["user"], "ada");
    assert_eq!(after["load"], "valid");
    let user_id = after["tower_id"].as_str().expect("an id").to_owned();
    assert_ne!(user_id, anonymous_id, "cycle_id at login");
    assert_ne!(browser.generation(&engine), anonymous_generation);
    let again = browser.get("/whoami").await.json();
    assert_eq!(again["tower_id"], user_id.as_str());

    // The token of the anonymous page no longer passes.
    let page = browser
        .post("/logout", &[("csrf_token", &anonymous_token)])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);

    // An attacker who planted (or kept) the anonymous session holds nothing of the login.
    let attacker = Browser::new(addr);
    for pair in anonymous_cookies.split("; ") {
        let (name, value) = pair.split_once('=').expect("name=value");
        attacker.put_cookie(name, value);
    }
    let seen = attacker.get("/whoami").await.json();
    assert_eq!(seen["user"], Value::Null);
    assert_eq!(seen["load"], "valid", "a valid anonymous session, no more");
    let page = attacker.get("/protected").await;
    assert_eq!(page.status, StatusCode::TEMPORARY_REDIRECT);
}

#[tokio::test]
async fn a_tampered_chunk_logs_the_user_out_with_a_reason() {
    let (browser, _engine, addr) = start();
    assert_eq!(log_in(&browser).await.status, StatusCode::SEE_OTHER);
    assert_eq!(browser.get("/whoami").await.json()["user"], "ada");

    // One character flipped in the middle of chunk 1: the signature fails.
    let chunk1 = browser.cookie("session_1").expect("two chunks");
    let mut flipped = chunk1.clone().into_bytes();
    let middle = flipped.len() / 2;
    flipped[middle] = if flipped[middle] == b'A' { b'B' } else { b'A' };
    browser.put_cookie("session_1", std::str::from_utf8(&flipped).expect("ASCII"));
    let page = browser.get("/whoami").await;
    let who = page.json();
    assert_eq!(who["user"], Value::Null);
    assert_eq!(who["load"], "bad-signature");
    // The debris is cleaned in the same response.
    assert_eq!(page.deleted(), ["session", "session_1"]);
    let page = browser.get("/protected").await;
    assert_eq!(page.status, StatusCode::TEMPORARY_REDIRECT);

    // Chunk 1 of another login: a stale chunk, named as such.
    assert_eq!(log_in(&browser).await.status, StatusCode::SEE_OTHER);
    let other = Browser::new(addr);
    assert_eq!(log_in(&other).await.status, StatusCode::SEE_OTHER);
    browser.put_cookie("session_1", &other.cookie("session_1").expect("two chunks"));
    let who = browser.get("/whoami").await.json();
    assert_eq!(who["user"], Value::Null);
    assert_eq!(who["load"], "stale-chunk");
}

#[tokio::test]
async fn a_forged_login_form_is_refused() {
    let (browser, _engine, _) = start();
    let form = browser.get("/login").await;
    let real = form.csrf_token();
    for forged in [
        "",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        &real[..42],
        &chunked_cookie_session::csrf::generate(),
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
        assert!(page.cookies().is_empty(), "a refused post writes nothing");
    }
    let who = browser.get("/whoami").await.json();
    assert_eq!(who["user"], Value::Null);
}

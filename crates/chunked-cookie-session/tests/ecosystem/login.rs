//! One login scenario (and logout that holds, with a revocation store), written once and
//! run against both framework examples
//! (examples/axum_login.rs on axum-login and axum-messages, examples/actix_login.rs on
//! actix-web-flash-messages): the same routes, pages and forms, driven over 127.0.0.1.
//!
//! An example takes part through a [`Serve`] function; `login_scenarios!` runs every
//! scenario against it. What only one framework does stays in its own file.

use std::net::SocketAddr;

use chunked_cookie_session::{SessionEngine, TokenInfo, csrf};
use reqwest::StatusCode;
use serde_json::Value;

use crate::browser::{Browser, Page, copy_of, engine, revocable_engine};

/// Serves an example's application with `engine` on a free loopback port.
pub type Serve = fn(SessionEngine) -> SocketAddr;

/// A browser on a fresh server of the example, and the engine it serves.
fn start(serve: Serve) -> (Browser, SessionEngine, SocketAddr) {
    let engine = engine();
    let addr = serve(engine.clone());
    (Browser::new(addr), engine, addr)
}

/// Opens the login form and posts it with `password`; returns the answer to the post.
async fn post_login(browser: &Browser, password: &str) -> Page {
    let form = browser.navigate("/login").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let token = form.csrf_token();
    browser
        .post(
            "/login",
            &[
                ("name", "ada"),
                ("password", password),
                ("csrf_token", &token),
            ],
        )
        .await
}

/// Logs in as ada.
async fn log_in(browser: &Browser) -> Page {
    let page = post_login(browser, "lovelace").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    page
}

/// A page only a logged-in user sees sends an anonymous browser to the login form.
async fn assert_sent_to_login(browser: &Browser) {
    let page = browser.navigate("/protected").await;
    assert!(
        page.status.is_redirection(),
        "{}: {}",
        page.status,
        page.body
    );
    assert!(
        page.location().is_some_and(|to| to.starts_with("/login")),
        "{:?}",
        page.location()
    );
}

/// Login, the protected page, a flash message shown once, and logout with a flash message
/// after it.
pub async fn login_protected_page_flash_once_and_logout(serve: Serve) {
    let (browser, _, _) = start(serve);

    // Anonymous: the protected page sends to the login form, and nothing is written.
    let page = browser.navigate("/protected").await;
    assert!(page.cookies().is_empty(), "{:?}", page.headers);
    assert_sent_to_login(&browser).await;

    // The form page stores the CSRF token: a small session, one cookie.
    let form = browser.navigate("/login").await;
    assert_eq!(form.set(), ["session"], "{:?}", form.headers);

    // A wrong password: back to the form, with a flash message shown once.
    let page = post_login(&browser, "nope").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), Some("/login"));
    let again = browser.navigate("/login").await;
    assert!(
        again.body.contains("Wrong name or password."),
        "{}",
        again.body
    );
    let third = browser.navigate("/login").await;
    assert!(!third.body.contains("Wrong name"), "{}", third.body);

    // Login: the user's 4.5 KB of data take two cookies, written with the private cache
    // policy and `Vary: Cookie`, and nothing else (no cookie of a framework's own).
    let page = log_in(&browser).await;
    assert_eq!(page.location(), Some("/protected"));
    assert_eq!(page.set(), ["session", "session_1"], "{:?}", page.headers);
    assert!(page.deleted().is_empty(), "{:?}", page.headers);
    assert_eq!(page.header("cache-control"), Some("private, no-store"));
    assert_eq!(page.header("vary"), Some("Cookie"));

    // The protected page, with the flash message of the login; then without it.
    let page = browser.navigate("/protected").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Hello, ada"), "{}", page.body);
    assert!(page.body.contains("100 recent documents"), "{}", page.body);
    assert!(page.body.contains("Welcome, ada!"), "{}", page.body);
    assert_eq!(page.set(), ["session", "session_1"], "the flash is spent");
    let page = browser.navigate("/protected").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Welcome"), "read once: {}", page.body);
    assert!(
        page.cookies().is_empty(),
        "an unchanged session is not written"
    );
    assert_eq!(page.header("vary"), Some("Cookie"));
    let who = browser.get("/whoami").await.json();
    assert_eq!(who["user"], "ada");
    assert_eq!(who["load"], "valid");

    // Logout: every cookie of the user's session goes, and the flash message after it
    // starts a fresh, small session in the same response.
    let token = page.csrf_token();
    let page = browser.post("/logout", &[("csrf_token", &token)]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(page.location(), Some("/login"));
    assert_eq!(page.deleted(), ["session_1"]);
    assert_eq!(page.set(), ["session"]);
    let page = browser.navigate("/login").await;
    assert!(
        page.body.contains("You have been logged out."),
        "{}",
        page.body
    );
    assert_sent_to_login(&browser).await;
    assert_eq!(browser.get("/whoami").await.json()["user"], Value::Null);
}

/// Session fixation: login makes a new session (new generation id, and a new id where the
/// framework shows one), the anonymous page's CSRF token dies, and whoever kept the
/// anonymous cookies holds nothing of the login.
pub async fn login_changes_the_session_and_kills_the_anonymous_token(serve: Serve) {
    let (browser, engine, addr) = start(serve);
    let form = browser.navigate("/login").await;
    let anonymous_token = form.csrf_token();
    let before = browser.get("/whoami").await.json();
    assert_eq!(before["user"], Value::Null);
    let again = browser.get("/whoami").await.json();
    assert_eq!(
        again["id"], before["id"],
        "an id is stable from one request to the next"
    );
    let anonymous_cookies = browser.cookie_header();
    let anonymous_generation = browser.generation(&engine);

    log_in(&browser).await;
    let after = browser.get("/whoami").await.json();
    assert_eq!(after["user"], "ada");
    assert_eq!(after["load"], "valid");
    assert_ne!(browser.generation(&engine), anonymous_generation);
    if !before["id"].is_null() {
        assert_ne!(after["id"], before["id"], "a new id at login");
        assert_eq!(browser.get("/whoami").await.json()["id"], after["id"]);
    }

    // The token of the anonymous page no longer passes.
    let page = browser
        .post("/logout", &[("csrf_token", &anonymous_token)])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.body);
    assert_eq!(browser.get("/whoami").await.json()["user"], "ada");

    // An attacker who planted (or kept) the anonymous session holds nothing of the login.
    let attacker = Browser::new(addr);
    for pair in anonymous_cookies.split("; ") {
        let (name, value) = pair.split_once('=').expect("name=value");
        attacker.put_cookie(name, value);
    }
    let seen = attacker.get("/whoami").await.json();
    assert_eq!(seen["user"], Value::Null);
    assert_eq!(seen["load"], "valid", "a valid anonymous session, no more");
    assert_sent_to_login(&attacker).await;
}

/// A chunk altered by the client, or taken from another login, logs the user out with the
/// reason. The response cleans up the cookies that can never load (a stale chunk), and
/// leaves those it cannot verify to a server that may (docs/SECURITY.md).
pub async fn a_tampered_chunk_logs_the_user_out_with_a_reason(serve: Serve) {
    let (browser, _, addr) = start(serve);
    log_in(&browser).await;
    assert_eq!(browser.get("/whoami").await.json()["user"], "ada");

    // One character flipped in the middle of chunk 1: the seal fails.
    let chunk1 = browser.cookie("session_1").expect("two chunks");
    let mut flipped = chunk1.into_bytes();
    let middle = flipped.len() / 2;
    flipped[middle] = if flipped[middle] == b'A' { b'B' } else { b'A' };
    browser.put_cookie("session_1", std::str::from_utf8(&flipped).expect("ASCII"));
    let page = browser.get("/whoami").await;
    let who = page.json();
    assert_eq!(who["user"], Value::Null);
    assert_eq!(who["load"], "bad-signature");
    assert!(page.deleted().is_empty(), "{:?}", page.deleted());
    assert_sent_to_login(&browser).await;

    // Chunk 1 of another login: a stale chunk, named as such.
    log_in(&browser).await;
    let other = Browser::new(addr);
    log_in(&other).await;
    browser.put_cookie("session_1", &other.cookie("session_1").expect("two chunks"));
    let page = browser.get("/whoami").await;
    let who = page.json();
    assert_eq!(who["user"], Value::Null);
    assert_eq!(who["load"], "stale-chunk");
    assert_eq!(page.deleted(), ["session", "session_1"], "debris cleaned");
}

/// A login form whose CSRF token is missing, short or someone else's is refused, and
/// writes nothing.
pub async fn a_forged_login_form_is_refused(serve: Serve) {
    let (browser, _, _) = start(serve);
    let real = browser.navigate("/login").await.csrf_token();
    for forged in [
        "",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        &real[..42],
        &real[1..],
        &csrf::generate(),
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
    assert_eq!(browser.get("/whoami").await.json()["user"], Value::Null);
}

/// Logout that holds: a copy of the cookies taken before logout (by malware, from a
/// shared computer, out of a proxy's log) is refused after it, as `revoked`, and the
/// response to it deletes them; the user logs in again and is in.
pub async fn logout_refuses_the_cookies_copied_before_it(serve: Serve) {
    let engine = revocable_engine();
    let addr = serve(engine);
    let browser = Browser::new(addr);
    log_in(&browser).await;
    assert_eq!(browser.get("/whoami").await.json()["user"], "ada");
    let copied = copy_of(&browser, addr);
    assert_eq!(
        copied.get("/whoami").await.json()["user"],
        "ada",
        "a copy works"
    );

    let token = browser.navigate("/protected").await.csrf_token();
    let page = browser.post("/logout", &[("csrf_token", &token)]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(page.location(), Some("/login"));

    let page = copied.get("/whoami").await;
    let seen = page.json();
    assert_eq!(seen["user"], Value::Null, "the copy is logged out too");
    assert_eq!(seen["load"], "revoked");
    assert_eq!(
        page.deleted(),
        ["session", "session_1"],
        "{:?}",
        page.headers
    );
    assert_sent_to_login(&copied).await;
    // Once more, as a replay would: still refused.
    let again = copy_of(&copied, addr);
    assert!(
        again.cookie_header().is_empty(),
        "the copy's cookies were deleted"
    );

    // The user's own browser holds the small session of the logout's flash message.
    let who = browser.get("/whoami").await.json();
    assert_eq!(who["user"], Value::Null);
    assert_eq!(who["load"], "valid");
    log_in(&browser).await;
    assert_eq!(browser.get("/whoami").await.json()["user"], "ada");
}

/// "Log out everywhere" ends every session of the user, on every device, the one it was
/// asked from included; a login right after it is a new session and stays in.
pub async fn logout_everywhere_ends_every_session_of_the_user(serve: Serve) {
    let addr = serve(revocable_engine());
    let (laptop, phone) = (Browser::new(addr), Browser::new(addr));
    log_in(&laptop).await;
    log_in(&phone).await;
    let laptop_copy = copy_of(&laptop, addr);

    let token = laptop.navigate("/protected").await.csrf_token();
    let page = laptop
        .post("/logout-everywhere", &[("csrf_token", &token)])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(page.location(), Some("/login"));
    let page = laptop.navigate("/login").await;
    assert!(
        page.body.contains("logged out on every device"),
        "{}",
        page.body
    );
    for (device, browser) in [("phone", &phone), ("a copy of the laptop's", &laptop_copy)] {
        let seen = browser.get("/whoami").await.json();
        assert_eq!(seen["user"], Value::Null, "{device}");
        assert_eq!(seen["load"], "revoked", "{device}");
    }

    // Logging in again at once: a session created after the sign-out, kept.
    log_in(&phone).await;
    let seen = phone.get("/whoami").await.json();
    assert_eq!(
        (seen["user"].as_str(), seen["load"].as_str()),
        (Some("ada"), Some("valid"))
    );

    // Without a token the form is refused and ends nothing.
    let page = phone
        .post("/logout-everywhere", &[("csrf_token", "")])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(phone.get("/whoami").await.json()["user"], "ada");
}

/// The example's own engine (the one `cargo run` serves) encrypts: logged in, the client
/// holds a session it cannot read.
pub async fn the_examples_sessions_travel_encrypted(serve: Serve, example_engine: SessionEngine) {
    assert!(example_engine.is_encrypted());
    let browser = Browser::new(serve(example_engine.clone()));
    log_in(&browser).await;
    let inspection = example_engine
        .inspector()
        .inspect([browser.cookie_header().as_str()]);
    match inspection.token {
        Some(TokenInfo::Native(header)) => {
            assert!(header.encrypted, "{header:?}");
            assert_eq!(header.chunk_count, 2);
        }
        other => panic!("no native session: {other:?}"),
    }
}

/// Runs every login scenario against the example `$serve` serves.
macro_rules! login_scenarios {
    ($serve:path) => {
        login_scenarios!(
            $serve;
            login_protected_page_flash_once_and_logout,
            login_changes_the_session_and_kills_the_anonymous_token,
            a_tampered_chunk_logs_the_user_out_with_a_reason,
            a_forged_login_form_is_refused,
            logout_refuses_the_cookies_copied_before_it,
            logout_everywhere_ends_every_session_of_the_user,
        );
    };
    ($serve:path; $($scenario:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $scenario() {
                crate::login::$scenario($serve).await;
            }
        )*
    };
}
pub(crate) use login_scenarios;

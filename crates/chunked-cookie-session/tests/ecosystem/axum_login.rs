//! examples/axum_login.rs, the very router it serves, driven over 127.0.0.1: the login
//! scenario of `login.rs`, and what only the tower-sessions layer does.

#[allow(
    dead_code,
    reason = "the example's `main` and `engine` are not the tests'"
)]
#[path = "../../examples/axum_login.rs"]
mod example;

use std::net::SocketAddr;

use chunked_cookie_session::SessionEngine;
use chunked_cookie_session::tower_sessions::RELAY_COOKIE;

use crate::browser::Browser;
use crate::login::login_scenarios;

fn serve(engine: SessionEngine) -> SocketAddr {
    test_support::serve::axum(example::app(engine))
}

login_scenarios!(serve);

#[tokio::test]
async fn tower_sessions_id_cookie_never_reaches_the_client() {
    let browser = Browser::new(serve(crate::browser::engine()));
    let form = browser.navigate("/login").await;
    let token = form.csrf_token();
    let login = browser
        .post(
            "/login",
            &[
                ("name", "ada"),
                ("password", "lovelace"),
                ("csrf_token", &token),
            ],
        )
        .await;
    let logout = browser
        .post(
            "/logout",
            &[(
                "csrf_token",
                &browser.navigate("/protected").await.csrf_token(),
            )],
        )
        .await;
    for page in [form, login, logout] {
        assert!(!page.cookies().is_empty(), "{:?}", page.headers);
        assert!(
            page.cookies()
                .iter()
                .all(|cookie| cookie.name() != RELAY_COOKIE),
            "{:?}",
            page.headers
        );
    }
    assert!(!browser.cookie_header().contains(RELAY_COOKIE));
}

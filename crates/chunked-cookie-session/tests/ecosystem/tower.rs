//! The tower-sessions layer's own rules, on a small app of `tower_sessions::Session`
//! handlers: the engine's budget and the application's hook, writes through both handles in
//! one request, `cycle_id`, `flush`, `always_save`, and misassembled layers refused loudly.

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode as AxumStatus};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use chunked_cookie_session::tower_sessions::{
    CheckError, ID_KEY, RELAY_COOKIE, TowerSessions, check as tower_check,
};
use chunked_cookie_session::{SaveError, Session, SessionEngine, csrf};
use reqwest::StatusCode;
use serde_json::{Value, json};
use test_support::serve;
use tower_sessions::Session as TowerSession;

use crate::browser::{Browser, engine, signed_engine};

fn routes() -> Router {
    Router::new()
        .route(
            "/read",
            get(|session: TowerSession| async move {
                let n: Option<u64> = session.get("n").await.expect("the relay answers");
                json!({ "n": n, "id": session.id().map(|id| id.to_string()) }).to_string()
            }),
        )
        .route(
            "/bump",
            post(|session: TowerSession| async move {
                let n: u64 = session.get("n").await.expect("load").unwrap_or(0);
                session.insert("n", n + 1).await.expect("insert");
                (n + 1).to_string()
            }),
        )
        .route(
            "/grow",
            post(|session: TowerSession| async move {
                let noise = test_support::noise(40_000, 3);
                session.insert("big", noise).await.expect("insert");
                "grown"
            }),
        )
        .route(
            "/both",
            post(|tower: TowerSession, ours: Session| async move {
                let t: u64 = tower.get("via_tower").await.expect("load").unwrap_or(0);
                tower.insert("via_tower", t + 1).await.expect("insert");
                let o: u64 = ours.get("via_ours").expect("a number").unwrap_or(0);
                ours.insert("via_ours", o + 1).expect("insert");
                "both"
            }),
        )
        .route(
            "/both/read",
            get(|ours: Session| async move {
                json!({
                    "via_tower": ours.get_value("via_tower"),
                    "via_ours": ours.get_value("via_ours"),
                    "keys": ours.keys(),
                })
                .to_string()
            }),
        )
        .route(
            "/fail",
            post(|session: TowerSession| async move {
                session.insert("half-done", true).await.expect("insert");
                (AxumStatus::INTERNAL_SERVER_ERROR, "failed")
            }),
        )
        .route(
            "/token",
            get(|session: TowerSession| async move {
                csrf::tower_token(&session)
                    .await
                    .expect("the relay answers")
            }),
        )
        .route(
            "/cycle",
            post(|session: TowerSession| async move {
                session.cycle_id().await.expect("cycle");
                "cycled"
            }),
        )
        .route(
            "/flush",
            post(|session: TowerSession| async move {
                session.flush().await.expect("flush");
                "flushed"
            }),
        )
        .route(
            "/flush-then-write",
            post(|session: TowerSession| async move {
                session.flush().await.expect("flush");
                session.insert("n", 100).await.expect("insert");
                "flushed, then written"
            }),
        )
        .route(
            "/check/{bytes}",
            post(
                |Path(bytes): Path<usize>, tower: TowerSession, ours: Session| async move {
                    tower
                        .insert("big", test_support::noise(bytes, 5))
                        .await
                        .expect("insert");
                    // Ours alone: tower-sessions has not saved its record yet.
                    let unsaved = ours.check().map(|sizes| sizes.cookie_line).ok();
                    let checked = match tower_check(&tower).await {
                        Ok(sizes) => json!({ "fits": sizes.cookie_line }),
                        Err(CheckError::Save(SaveError::Overflow { needed, .. })) => {
                            tower.remove::<Value>("big").await.expect("remove");
                            json!({ "over": needed })
                        }
                        Err(other) => json!({ "error": other.to_string() }),
                    };
                    json!({ "unsaved": unsaved, "checked": checked }).to_string()
                },
            ),
        )
        .route(
            "/check-or-500",
            post(|tower: TowerSession| async move {
                tower
                    .insert("big", test_support::noise(100_000, 6))
                    .await
                    .expect("insert");
                let sizes = tower_check(&tower).await?;
                Ok::<_, CheckError>(format!("fits in {} cookies", sizes.chunks))
            }),
        )
        .route(
            "/cookies",
            get(|headers: HeaderMap| async move {
                let fields: Vec<&[u8]> = headers
                    .get_all("cookie")
                    .iter()
                    .map(HeaderValue::as_bytes)
                    .collect();
                fields.join(&b'\n')
            }),
        )
        .route(
            "/spawned",
            post(|session: TowerSession| async move {
                let inserted = tokio::spawn(async move { session.insert("from", "task").await })
                    .await
                    .expect("the task ends");
                match inserted {
                    Ok(()) => (AxumStatus::OK, "stored"),
                    Err(_) => (AxumStatus::INTERNAL_SERVER_ERROR, "refused"),
                }
            }),
        )
}

fn app(sessions: &TowerSessions) -> Router {
    routes()
        .layer(sessions.session_manager_layer())
        .layer(sessions.layer())
}

fn start() -> (Browser, SessionEngine) {
    let (browser, engine, _) = start_at();
    (browser, engine)
}

fn start_at() -> (Browser, SessionEngine, std::net::SocketAddr) {
    let engine = engine();
    let addr = serve::axum(app(&TowerSessions::new(engine.clone()).expect("encrypted")));
    (Browser::new(addr), engine, addr)
}

#[tokio::test]
async fn reads_write_nothing_and_writes_round_trip() {
    let (browser, _) = start();
    let page = browser.get("/read").await;
    assert_eq!(page.json()["n"], Value::Null);
    assert!(page.cookies().is_empty(), "{:?}", page.headers);
    for expected in 1..=3 {
        let page = browser.post("/bump", &[]).await;
        assert_eq!(page.body, expected.to_string());
        assert_eq!(page.set(), ["session"]);
        assert!(page.cookies().iter().all(|c| c.name() != RELAY_COOKIE));
    }
    let first = browser.get("/read").await;
    assert_eq!(first.json()["n"], 3);
    assert!(first.cookies().is_empty());
    let second = browser.get("/read").await;
    assert_eq!(second.json()["id"], first.json()["id"], "a stable id");
}

#[tokio::test]
async fn the_budget_is_the_engines_and_the_hook_answers() {
    let (browser, _) = start();
    browser.post("/bump", &[]).await;
    let before = browser.cookie_header();
    let page = browser.post("/grow", &[]).await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(page.body, "the session could not be saved\n");
    assert!(
        page.cookies().is_empty(),
        "nothing written: {:?}",
        page.headers
    );
    assert_eq!(
        browser.cookie_header(),
        before,
        "the client keeps its session"
    );

    let hooked = TowerSessions::new(engine())
        .expect("encrypted")
        .on_save_error(|_| Redirect::to("/too-big").into_response());
    let browser = Browser::new(serve::axum(app(&hooked)));
    let page = browser.post("/grow", &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), Some("/too-big"));
    assert!(page.cookies().is_empty());
}

#[tokio::test]
async fn new_refuses_an_engine_a_client_can_read_and_readable_takes_it() {
    let err = TowerSessions::new(signed_engine()).expect_err("a signed engine is refused");
    let message = err.to_string();
    assert!(message.contains("SessionEngine::private"), "{message}");
    assert!(message.contains("TowerSessions::readable"), "{message}");
    assert!(message.contains("session_auth_hash"), "{message}");

    // Said in code: readable values are fine.
    let browser = Browser::new(serve::axum(app(&TowerSessions::readable(signed_engine()))));
    browser.post("/bump", &[]).await;
    assert_eq!(browser.get("/read").await.json()["n"], 1);
}

#[tokio::test]
async fn check_sees_what_was_written_through_tower_sessions() {
    let (browser, _) = start();
    // 100 KB through tower_sessions::Session: the check sees the overflow.
    let page = browser.post("/check/100000", &[]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let seen = page.json();
    assert!(
        seen["unsaved"].as_u64().is_some_and(|bytes| bytes < 1_000),
        "{seen}"
    );
    let needed = seen["checked"]["over"].as_u64().expect("an overflow");
    assert!(needed > 100_000, "{seen}");
    assert!(page.cookies().is_empty(), "removed again: nothing to write");

    // 2 KB: it fits, and the check counts it.
    let page = browser.post("/check/2000", &[]).await;
    let fits = page.json()["checked"]["fits"].as_u64().expect("it fits");
    assert!(fits > 2_000, "{}", page.body);
    assert_eq!(page.set(), ["session"]);
}

#[tokio::test]
async fn check_with_a_question_mark_answers_500_and_writes_nothing() {
    let (browser, _) = start();
    browser.post("/bump", &[]).await;
    let before = browser.cookie_header();
    let page = browser.post("/check-or-500", &[]).await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(page.body, "the session could not be saved\n");
    assert!(page.cookies().is_empty(), "{:?}", page.headers);
    assert_eq!(browser.cookie_header(), before);
}

#[tokio::test]
async fn a_server_error_writes_nothing() {
    let (browser, _) = start();
    let page = browser.post("/fail", &[]).await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(page.cookies().is_empty());
}

#[tokio::test]
async fn writes_through_both_handles_in_one_request_survive() {
    let (browser, _) = start();
    browser.post("/both", &[]).await;
    browser.post("/both", &[]).await;
    let seen = serde_json::from_str::<Value>(&browser.get("/both/read").await.body).expect("JSON");
    assert_eq!(seen["via_tower"], 2);
    assert_eq!(seen["via_ours"], 2);
    assert_eq!(seen["keys"], json!([ID_KEY, "via_ours", "via_tower"]));
}

#[tokio::test]
async fn cycle_id_renews_and_drops_the_csrf_token() {
    let (browser, engine) = start();
    browser.post("/bump", &[]).await;
    let token = browser.get("/token").await.body;
    let id = browser.get("/read").await.json()["id"].clone();
    let generation = browser.generation(&engine);
    let page = browser.post("/cycle", &[]).await;
    assert_eq!(page.set(), ["session"]);
    let after = browser.get("/read").await.json();
    assert_eq!(after["n"], 1, "the data stays");
    assert_ne!(after["id"], id);
    assert_ne!(browser.generation(&engine), generation);
    assert_ne!(browser.get("/token").await.body, token);
}

#[tokio::test]
async fn flush_deletes_every_cookie() {
    let (browser, _) = start();
    browser.post("/grow", &[]).await; // refused: over the default budget
    for _ in 0..2 {
        browser.post("/bump", &[]).await;
    }
    let page = browser.post("/flush", &[]).await;
    assert_eq!(page.deleted(), ["session"]);
    assert!(page.set().is_empty());
    assert!(browser.cookie_header().is_empty());
    assert_eq!(browser.get("/read").await.json()["n"], Value::Null);
}

#[tokio::test]
async fn a_record_written_after_flush_has_a_fresh_id() {
    let (browser, engine) = start();
    browser.post("/bump", &[]).await;
    let before = browser.get("/read").await.json();
    let generation = browser.generation(&engine);
    let page = browser.post("/flush-then-write", &[]).await;
    assert_eq!(page.set(), ["session"], "{:?}", page.headers);
    let after = browser.get("/read").await.json();
    assert_eq!(after["n"], 100);
    assert!(after["id"].is_string(), "{after}");
    assert_ne!(
        after["id"], before["id"],
        "the id of the flushed session is not reused"
    );
    assert_ne!(browser.generation(&engine), generation);
    assert_eq!(
        browser.get("/read").await.json()["id"],
        after["id"],
        "and it is stable"
    );
}

#[tokio::test]
async fn always_save_writes_nothing_for_an_unchanged_record() {
    let sessions = TowerSessions::new(engine()).expect("encrypted");
    let app = routes()
        .layer(sessions.session_manager_layer().with_always_save(true))
        .layer(sessions.layer());
    let browser = Browser::new(serve::axum(app));
    let page = browser.get("/read").await;
    assert!(
        page.cookies().is_empty(),
        "an untouched visitor gets no cookie"
    );
    browser.post("/bump", &[]).await;
    let page = browser.get("/read").await;
    assert_eq!(page.json()["n"], 1);
    assert!(page.cookies().is_empty(), "{:?}", page.headers);
}

#[tokio::test]
async fn a_relay_cookie_from_the_client_is_ignored() {
    let (browser, _) = start();
    browser.post("/bump", &[]).await;
    let id = browser.get("/read").await.json()["id"].clone();
    browser.put_cookie(RELAY_COOKIE, "AAAAAAAAAAAAAAAAAAAAAA");
    let page = browser.get("/read").await;
    assert_eq!(page.json()["n"], 1);
    assert_eq!(page.json()["id"], id);
    assert_eq!(browser.post("/bump", &[]).await.body, "2");
}

#[tokio::test]
async fn the_relay_leaves_the_other_cookies_as_the_client_sent_them() {
    let (_, _, addr) = start_at();
    let planted = format!("{RELAY_COOKIE}=AAAAAAAAAAAAAAAAAAAAAA");
    // Latin-1, not UTF-8: tower-cookies never reads such a field, so it stays as sent.
    let latin1 = [b"lang=caf\xe9; ".as_slice(), planted.as_bytes()].concat();
    let ascii = format!("theme=dark; {planted}; quoted=\"a b\"; {planted}");
    let response = reqwest::Client::new()
        .get(format!("http://{addr}/cookies"))
        .header(
            "cookie",
            reqwest::header::HeaderValue::from_bytes(&latin1).expect("obs-text"),
        )
        .header("cookie", ascii)
        .header("cookie", planted.as_str())
        .send()
        .await
        .expect("a response");
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.bytes().await.expect("a body");
    let fields: Vec<&[u8]> = body.split(|&byte| byte == b'\n').collect();
    assert_eq!(fields.len(), 3, "{body:?}");
    assert_eq!(fields[0], latin1.as_slice());
    assert_eq!(fields[1], br#"theme=dark; quoted="a b""#);
    let relay = std::str::from_utf8(fields[2]).expect("ASCII");
    let (name, id) = relay.split_once('=').expect("name=value");
    assert_eq!(name, RELAY_COOKIE);
    assert_ne!(id, "AAAAAAAAAAAAAAAAAAAAAA", "the relay's own id");
}

#[tokio::test]
async fn many_clients_at_once_each_get_their_own_session() {
    let (_, _, addr) = start_at();
    let clients: Vec<_> = (0..24u64)
        .map(|i| {
            tokio::spawn(async move {
                let client = Browser::new(addr);
                for _ in 0..=i % 4 {
                    client.post("/bump", &[]).await;
                }
                client.get("/read").await.json()["n"].as_u64() == Some(i % 4 + 1)
            })
        })
        .collect();
    for client in clients {
        assert!(client.await.expect("the client ends"));
    }
}

#[tokio::test]
async fn a_session_manager_layer_outside_is_refused_at_once() {
    let sessions = TowerSessions::new(engine()).expect("encrypted");
    let app = routes()
        .layer(sessions.layer())
        .layer(sessions.session_manager_layer());
    let browser = Browser::new(serve::axum(app));
    let page = browser.get("/read").await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        page.body.contains("install TowerSessions::layer() outside"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn a_missing_outer_layer_is_refused_on_the_first_write() {
    let sessions = TowerSessions::new(engine()).expect("encrypted");
    let app = routes().layer(sessions.session_manager_layer());
    let browser = Browser::new(serve::axum(app));
    let page = browser.post("/bump", &[]).await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(page.cookies().is_empty());
}

#[tokio::test]
async fn a_renamed_id_cookie_is_refused_on_the_first_write() {
    let sessions = TowerSessions::new(engine()).expect("encrypted");
    let app = routes()
        .layer(sessions.session_manager_layer().with_name("id"))
        .layer(sessions.layer());
    let browser = Browser::new(serve::axum(app));
    let page = browser.post("/bump", &[]).await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(page.cookies().is_empty(), "{:?}", page.headers);
}

#[tokio::test]
async fn a_session_first_touched_in_a_spawned_task_is_refused() {
    let (browser, _) = start();
    let page = browser.post("/spawned", &[]).await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(page.body, "refused");
    assert!(page.cookies().is_empty());
}

//! The axum and actix-web adapters over real servers on 127.0.0.1, driven by reqwest.
//!
//! Every scenario is written once, against a base URL, and the `scenarios!` macro runs it
//! against an axum server and an actix-web server serving the same routes.

use std::net::SocketAddr;

use chunked_cookie_session::revocation::{Device, RevocationError, SessionId};
use chunked_cookie_session::{Key, KeyRing, Session, SessionConfig, SessionEngine};
use reqwest::header::{CACHE_CONTROL, COOKIE, HeaderValue, SET_COOKIE, VARY};
use reqwest::{Client, StatusCode, Version};
use serde_json::{Value, json};
use test_support::{Jar, WireCookie, noise};

/// Room for a 30 KB session of random text, compressed (to about 31 KB of cookies) or not
/// (about 41 KB).
const BUDGET: usize = 48 * 1024;

fn engine() -> SessionEngine {
    // reqwest's cookie store, like a browser, never returns a Secure cookie over http.
    let config = SessionConfig::builder()
        .secure(false)
        .max_size(BUDGET)
        .build()
        .expect("valid configuration");
    SessionEngine::signed(config, KeyRing::new(Key::generate()))
}

/// What the `/get/{key}` route of both servers answers: the entry, the load reason, and
/// the cookies exactly as the server received them.
fn report(session: &Session, key: &str, cookie_fields: &[String]) -> String {
    let names: Vec<String> = cookie_fields
        .iter()
        .flat_map(|field| cookie::Cookie::split_parse(field.as_str()).flatten())
        .map(|cookie| cookie.name().to_owned())
        .collect();
    json!({
        "value": session.get_value(key),
        "load": session.load_reason().as_str(),
        "entries": session.len(),
        "fields": cookie_fields.len(),
        "names": names,
    })
    .to_string()
}

mod axum_server {
    use axum::Router;
    use axum::extract::Path;
    use axum::http::{HeaderMap, StatusCode};
    use axum::response::IntoResponse;
    use axum::routing::{get, post, put};
    use chunked_cookie_session::axum::SessionLayer;
    use chunked_cookie_session::{GetError, InsertError, SaveError};

    use super::*;

    async fn set(Path(key): Path<String>, session: Session, body: String) -> &'static str {
        session.insert(&key, body).expect("a string is JSON");
        "stored"
    }

    fn fields(headers: &HeaderMap) -> Vec<String> {
        headers
            .get_all("cookie")
            .iter()
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
            .collect()
    }

    pub fn app(engine: SessionEngine) -> Router {
        Router::new()
            .route(
                "/get/{key}",
                get(
                    |Path(key): Path<String>, headers: HeaderMap, session: Session| async move {
                        report(&session, &key, &fields(&headers))
                    },
                ),
            )
            .route(
                "/set/{key}",
                put(
                    |Path(key): Path<String>, session: Session, body: String| async move {
                        session.insert(&key, body).expect("a string is JSON");
                        "stored"
                    },
                ),
            )
            .route(
                "/purge",
                post(|session: Session| async move {
                    session.purge();
                    "purged"
                }),
            )
            .route("/untouched", get(|| async { "hello" }))
            .route(
                "/login",
                post(|session: Session, user: String| async move {
                    session.renew();
                    session.set_subject(user).expect("a subject");
                    "signed in"
                }),
            )
            .route(
                "/id",
                get(|session: Session| async move { session.id().expect("an id").to_string() }),
            )
            .route(
                "/logout",
                post(|session: Session| async move {
                    session.revoke().await?;
                    Ok::<_, RevocationError>("signed out")
                }),
            )
            .route(
                "/everywhere",
                post(|session: Session| async move {
                    let epoch = session.revoke_everywhere().await?;
                    Ok::<_, RevocationError>(epoch.to_string())
                }),
            )
            .route(
                "/devices",
                get(|session: Session| async move {
                    let devices = session.devices().await?;
                    Ok::<_, RevocationError>(device_ids(&devices))
                }),
            )
            .route(
                "/devices/{id}",
                axum::routing::delete(|Path(id): Path<String>, session: Session| async move {
                    let id: SessionId = id.parse()?;
                    Ok::<_, RevocationError>(session.revoke_device(id).await?.to_string())
                }),
            )
            .route(
                "/count/{key}",
                get(|Path(key): Path<String>, session: Session| async move {
                    let count: Option<u64> = session.get(&key)?;
                    Ok::<_, GetError>(format!("{count:?}"))
                }),
            )
            .route(
                "/bad-insert",
                put(|session: Session| async move {
                    session.insert("by-pair", unrepresentable())?;
                    Ok::<_, InsertError>("stored")
                }),
            )
            .route(
                "/checked/{key}",
                put(
                    |Path(key): Path<String>, session: Session, body: String| async move {
                        session.insert(&key, body).expect("a string is JSON");
                        let sizes = session.check()?;
                        Ok::<_, SaveError>(format!("fits in {}", sizes.chunks))
                    },
                ),
            )
            .route(
                "/try/{key}",
                put(
                    |Path(key): Path<String>, session: Session, body: String| async move {
                        session.try_insert_value(&key, body.into())?;
                        Ok::<_, SaveError>("stored")
                    },
                ),
            )
            .route(
                "/fail",
                post(|session: Session| async move {
                    session.insert("half-done", true).expect("a bool is JSON");
                    (StatusCode::INTERNAL_SERVER_ERROR, "the handler failed")
                }),
            )
            .route(
                "/cached",
                post(|session: Session| async move {
                    session.insert("cached", true).expect("a bool is JSON");
                    ([("cache-control", "no-cache")], "handler chose")
                }),
            )
            .layer(SessionLayer::new(engine))
    }

    /// Serves the app (HTTP/1.1 and HTTP/2 with prior knowledge) on a free loopback port.
    pub fn start(engine: SessionEngine) -> SocketAddr {
        // `/outside` and `/hooked` are merged after the layer, so the layer does not wrap
        // them; `/hooked` has a layer of its own, with the application's overflow answer.
        let hooked = SessionLayer::new(engine.clone()).on_save_error(|err| {
            let full = matches!(err, chunked_cookie_session::SaveError::Overflow { .. });
            let target = if full { "/full" } else { "/failed" };
            axum::response::Redirect::to(target).into_response()
        });
        let router = app(engine)
            .merge(Router::new().route(
                "/outside",
                get(|session: Session| async move { session.len().to_string() }),
            ))
            .merge(
                Router::new()
                    .route("/hooked/set/{key}", put(set))
                    .layer(hooked),
            );
        test_support::serve::axum(router)
    }
}

mod actix_server {
    use actix_web::{App, HttpRequest, HttpResponse, web};
    use chunked_cookie_session::actix::SessionMiddleware;

    use super::*;

    fn fields(request: &HttpRequest) -> Vec<String> {
        request
            .headers()
            .get_all("cookie")
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
            .collect()
    }

    fn routes(config: &mut web::ServiceConfig) {
        config
            .route(
                "/get/{key}",
                web::get().to(
                    |key: web::Path<String>, request: HttpRequest, session: Session| async move {
                        report(&session, &key, &fields(&request))
                    },
                ),
            )
            .route(
                "/set/{key}",
                web::put().to(
                    |key: web::Path<String>, session: Session, body: String| async move {
                        session.insert(&key, body).expect("a string is JSON");
                        "stored"
                    },
                ),
            )
            .route(
                "/purge",
                web::post().to(|session: Session| async move {
                    session.purge();
                    "purged"
                }),
            )
            .route("/untouched", web::get().to(|| async { "hello" }))
            .route(
                "/login",
                web::post().to(|session: Session, user: String| async move {
                    session.renew();
                    session.set_subject(user).expect("a subject");
                    "signed in"
                }),
            )
            .route(
                "/id",
                web::get()
                    .to(|session: Session| async move { session.id().expect("an id").to_string() }),
            )
            .route(
                "/logout",
                web::post().to(|session: Session| async move {
                    session.revoke().await?;
                    Ok::<_, actix_web::Error>("signed out")
                }),
            )
            .route(
                "/everywhere",
                web::post().to(|session: Session| async move {
                    let epoch = session.revoke_everywhere().await?;
                    Ok::<_, actix_web::Error>(epoch.to_string())
                }),
            )
            .route(
                "/devices",
                web::get().to(|session: Session| async move {
                    let devices = session.devices().await?;
                    Ok::<_, actix_web::Error>(device_ids(&devices))
                }),
            )
            .route(
                "/devices/{id}",
                web::delete().to(|id: web::Path<String>, session: Session| async move {
                    let id: SessionId = id.parse().map_err(RevocationError::from)?;
                    Ok::<_, actix_web::Error>(session.revoke_device(id).await?.to_string())
                }),
            )
            .route(
                "/count/{key}",
                web::get().to(|key: web::Path<String>, session: Session| async move {
                    let count: Option<u64> = session.get(&key)?;
                    Ok::<_, actix_web::Error>(format!("{count:?}"))
                }),
            )
            .route(
                "/bad-insert",
                web::put().to(|session: Session| async move {
                    session.insert("by-pair", unrepresentable())?;
                    Ok::<_, actix_web::Error>("stored")
                }),
            )
            .route(
                "/checked/{key}",
                web::put().to(
                    |key: web::Path<String>, session: Session, body: String| async move {
                        session.insert(&key, body).expect("a string is JSON");
                        let sizes = session.check()?;
                        Ok::<_, actix_web::Error>(format!("fits in {}", sizes.chunks))
                    },
                ),
            )
            .route(
                "/try/{key}",
                web::put().to(
                    |key: web::Path<String>, session: Session, body: String| async move {
                        session.try_insert_value(&key, body.into())?;
                        Ok::<_, actix_web::Error>("stored")
                    },
                ),
            )
            .route(
                "/fail",
                web::post().to(|session: Session| async move {
                    session.insert("half-done", true).expect("a bool is JSON");
                    HttpResponse::InternalServerError().body("the handler failed")
                }),
            )
            .route(
                "/cached",
                web::post().to(|session: Session| async move {
                    session.insert("cached", true).expect("a bool is JSON");
                    HttpResponse::Ok()
                        .insert_header(("cache-control", "no-cache"))
                        .body("handler chose")
                }),
            );
    }

    /// Serves the app (HTTP/1.1 and HTTP/2 with prior knowledge) on a free loopback port.
    pub fn start(engine: SessionEngine) -> SocketAddr {
        test_support::serve::actix(move || {
            App::new()
                        .route(
                            "/outside",
                            web::get()
                                .to(|session: Session| async move { session.len().to_string() }),
                        )
                        .service(
                            web::scope("/hooked")
                                .wrap(SessionMiddleware::new(engine.clone()).on_save_error(
                                    |err| {
                                        let full = matches!(
                                            err,
                                            chunked_cookie_session::SaveError::Overflow { .. }
                                        );
                                        let target = if full { "/full" } else { "/failed" };
                                        HttpResponse::SeeOther()
                                            .insert_header(("location", target))
                                            .finish()
                                    },
                                ))
                                .route(
                                    "/set/{key}",
                                    web::put().to(
                                        |key: web::Path<String>,
                                         session: Session,
                                         body: String| async move {
                                            session.insert(&key, body).expect("a string is JSON");
                                            "stored"
                                        },
                                    ),
                                ),
                        )
                        .service(
                            web::scope("")
                                .wrap(SessionMiddleware::new(engine.clone()))
                                .configure(routes),
                        )
        })
    }
}

/// The ids of a subject's devices, one per line, as the `/devices` routes answer.
fn device_ids(devices: &[Device]) -> String {
    devices
        .iter()
        .map(|device| format!("{}\n", device.session_id))
        .collect()
}

/// A value with no JSON form: a map whose keys are not strings.
fn unrepresentable() -> std::collections::HashMap<(u8, u8), &'static str> {
    std::collections::HashMap::from([((1, 2), "no string key")])
}

fn browser_like() -> Client {
    Client::builder()
        .cookie_store(true)
        .build()
        .expect("a reqwest client")
}

/// The names a response sets (not deletes), in order.
fn names_set(cookies: &[WireCookie]) -> Vec<String> {
    cookies
        .iter()
        .filter(|cookie| !cookie.is_removal())
        .map(|cookie| cookie.name().to_owned())
        .collect()
}

fn chunk_names(count: usize) -> Vec<String> {
    (0..count)
        .map(|index| match index {
            0 => "session".to_owned(),
            index => format!("session_{index}"),
        })
        .collect()
}

async fn json_of(response: reqwest::Response) -> Value {
    let text = response.text().await.expect("a body");
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("not JSON ({err}): {text}"))
}

async fn get(client: &Client, base: &str, key: &str) -> Value {
    let response = client
        .get(format!("{base}/get/{key}"))
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), StatusCode::OK);
    json_of(response).await
}

async fn put(client: &Client, base: &str, key: &str, value: &str) -> reqwest::Response {
    client
        .put(format!("{base}/set/{key}"))
        .body(value.to_owned())
        .send()
        .await
        .expect("PUT")
}

/// A 30 KB session goes out over many cookies, each its own `Set-Cookie` field, and
/// comes back intact.
async fn large_session_round_trip(base: String) {
    let client = browser_like();
    let data = noise(30 * 1024, 1);
    let response = put(&client, &base, "data", &data).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    let written = WireCookie::from_headers(&headers);
    let names = names_set(&written);
    assert!(
        (8..=11).contains(&names.len()),
        "30 KB of noise needs 8 to 11 cookies: {names:?}"
    );
    assert_eq!(names, chunk_names(names.len()));
    assert!(
        written
            .iter()
            .all(|cookie| cookie.value().len() + cookie.name().len() < 4096)
    );
    assert_eq!(headers[VARY], "Cookie");
    assert_eq!(headers[CACHE_CONTROL], "private, no-store");

    let report = get(&client, &base, "data").await;
    assert_eq!(report["load"], "valid");
    assert_eq!(report["value"], data.as_str());
    let mut received: Vec<String> = serde_json::from_value(report["names"].clone()).expect("names");
    received.sort();
    let mut expected = names.clone();
    expected.sort();
    assert_eq!(received, expected);
}

/// Shrinking a session to one cookie deletes every chunk it no longer uses.
async fn shrink_deletes_stale_chunks(base: String) {
    let client = browser_like();
    let big = put(&client, &base, "data", &noise(20 * 1024, 2)).await;
    let before = names_set(&WireCookie::from_headers(big.headers()));
    assert!(before.len() >= 5, "{before:?}");

    let small = put(&client, &base, "data", "small").await;
    assert_eq!(small.status(), StatusCode::OK);
    let written = WireCookie::from_headers(small.headers());
    let deleted: Vec<&str> = written
        .iter()
        .filter(|cookie| cookie.is_removal())
        .map(WireCookie::name)
        .collect();
    assert_eq!(
        deleted,
        before[1..].iter().map(String::as_str).collect::<Vec<_>>()
    );
    assert_eq!(names_set(&written), ["session"]);
    // Deletions come first, so no client ever holds the new chunk 0 beside old chunks.
    assert!(written.last().is_some_and(|cookie| !cookie.is_removal()));

    let report = get(&client, &base, "data").await;
    assert_eq!(report["load"], "valid");
    assert_eq!(report["value"], "small");
    assert_eq!(report["names"], json!(["session"]));
}

/// Purging deletes every chunk; the next request has no session.
async fn purge_deletes_everything(base: String) {
    let client = browser_like();
    let big = put(&client, &base, "data", &noise(12 * 1024, 3)).await;
    let names = names_set(&WireCookie::from_headers(big.headers()));
    assert!(names.len() >= 3, "{names:?}");

    let purged = client
        .post(format!("{base}/purge"))
        .send()
        .await
        .expect("POST");
    assert_eq!(purged.status(), StatusCode::OK);
    let written = WireCookie::from_headers(purged.headers());
    assert!(
        written
            .iter()
            .all(|cookie| cookie.is_removal() && cookie.value().is_empty())
    );
    let mut deleted: Vec<String> = written
        .iter()
        .map(|cookie| cookie.name().to_owned())
        .collect();
    deleted.sort();
    let mut expected = names;
    expected.sort();
    assert_eq!(deleted, expected);

    let report = get(&client, &base, "data").await;
    assert_eq!(report["load"], "no-session");
    assert_eq!(report["names"], json!([]));
}

/// A chunk altered in transit gives an empty session with its reason, no 5xx, and a
/// response that deletes nothing: a cookie the server cannot verify is left for one that
/// can (docs/SECURITY.md, "What a response deletes").
async fn tampered_chunk_gives_empty_session(base: String) {
    let client = Client::new();
    let mut jar = Jar::new();
    let response = put(&client, &base, "data", &noise(10 * 1024, 4)).await;
    jar.apply_headers(response.headers());
    let chunk = jar.get_mut("session_1").expect("a second chunk");
    // Flip one character near the end: the piece keeps its generation prefix, so only
    // the signature can notice.
    let at = chunk.len() - 10;
    let flipped = if &chunk[at..=at] == "A" { "B" } else { "A" };
    chunk.replace_range(at..=at, flipped);

    let response = client
        .get(format!("{base}/get/data"))
        .header(COOKIE, jar.header())
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), StatusCode::OK);
    let cleanup = WireCookie::from_headers(response.headers());
    let report: Value = json_of(response).await;
    assert_eq!(report["load"], "bad-signature");
    assert_eq!(report["value"], Value::Null);
    assert_eq!(report["entries"], 0);
    assert!(cleanup.is_empty(), "{} Set-Cookie lines", cleanup.len());
}

/// A request that never touches its session gets no `Set-Cookie` (and no `Vary`), and so
/// does one that only reads it.
async fn untouched_session_writes_nothing(base: String) {
    let client = browser_like();
    let stored = put(&client, &base, "data", "kept").await;
    assert_eq!(stored.status(), StatusCode::OK);

    let untouched = client
        .get(format!("{base}/untouched"))
        .send()
        .await
        .expect("GET");
    assert_eq!(untouched.status(), StatusCode::OK);
    assert!(untouched.headers().get(SET_COOKIE).is_none());
    assert!(untouched.headers().get(VARY).is_none());
    assert!(untouched.headers().get(CACHE_CONTROL).is_none());

    let read = client
        .get(format!("{base}/get/data"))
        .send()
        .await
        .expect("GET");
    assert!(read.headers().get(SET_COOKIE).is_none());
    assert_eq!(read.headers()[VARY], "Cookie");
    let report: Value = json_of(read).await;
    assert_eq!(report["value"], "kept");

    // A fresh client without cookies: nothing to read, nothing to write.
    let fresh = Client::new()
        .get(format!("{base}/untouched"))
        .send()
        .await
        .expect("GET");
    assert!(fresh.headers().get(SET_COOKIE).is_none());
}

/// A change that does not fit answers a plain 500 that says only that the session could not
/// be saved (the sizes go to the log), writes no cookie, and the client's previous session
/// still reads back.
async fn overflow_keeps_previous_cookies(base: String) {
    let client = browser_like();
    let data = noise(20 * 1024, 5);
    assert_eq!(
        put(&client, &base, "data", &data).await.status(),
        StatusCode::OK
    );

    let response = put(&client, &base, "more", &noise(30 * 1024, 6)).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(response.headers().get(SET_COOKIE).is_none());
    let body = response.text().await.expect("text body");
    assert_eq!(body, "the session could not be saved\n");

    let report = get(&client, &base, "data").await;
    assert_eq!(report["load"], "valid");
    assert_eq!(report["value"], data.as_str());
    assert_eq!(report["entries"], 1);
}

/// A handler's 5xx commits nothing; a handler's own Cache-Control is kept.
async fn server_error_writes_nothing_and_cache_control_is_kept(base: String) {
    let client = browser_like();
    let failed = client
        .post(format!("{base}/fail"))
        .send()
        .await
        .expect("POST");
    assert_eq!(failed.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(failed.headers().get(SET_COOKIE).is_none());
    assert_eq!(get(&client, &base, "half-done").await["value"], Value::Null);

    let cached = client
        .post(format!("{base}/cached"))
        .send()
        .await
        .expect("POST");
    assert_eq!(
        names_set(&WireCookie::from_headers(cached.headers())),
        ["session"]
    );
    assert_eq!(cached.headers()[CACHE_CONTROL], "no-cache");
}

/// Over HTTP/2 with prior knowledge every cookie travels in its own `cookie` field, and
/// the adapter reads them all.
async fn http2_cookie_fields(base: String) {
    let client = Client::builder()
        .http2_prior_knowledge()
        .build()
        .expect("an HTTP/2 client");
    let data = noise(10 * 1024, 7);
    let response = put(&client, &base, "data", &data).await;
    assert_eq!(response.version(), Version::HTTP_2);
    let mut jar = Jar::new();
    jar.apply_headers(response.headers());
    assert!(jar.len() >= 3, "{:?}", jar.names());

    let mut request = client.get(format!("{base}/get/data"));
    request = request.header(COOKIE, "unrelated=1");
    for field in jar.fields().iter().rev() {
        request = request.header(COOKIE, HeaderValue::from_str(field).expect("cookie field"));
    }
    let response = request.send().await.expect("GET over HTTP/2");
    assert_eq!(response.version(), Version::HTTP_2);
    assert!(response.headers().get(SET_COOKIE).is_none());
    let report: Value = json_of(response).await;
    assert_eq!(report["fields"], jar.len() + 1, "one field per cookie");
    assert_eq!(report["load"], "valid");
    assert_eq!(report["value"], data.as_str());
}

/// A route the adapter does not wrap answers 500, naming what is missing.
async fn extractor_without_adapter_says_so(base: String) {
    let response = Client::new()
        .get(format!("{base}/outside"))
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = response.text().await.expect("text");
    assert!(body.contains("is not installed"), "{body}");
}

/// An application's own answer to an overflow replaces the default 500, and the client's
/// previous cookies stay as they were.
async fn save_error_hook_answers_instead(base: String) {
    let client = Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a reqwest client");
    let data = noise(2 * 1024, 7);
    let first = client
        .put(format!("{base}/hooked/set/data"))
        .body(data.clone())
        .send()
        .await
        .expect("PUT");
    assert_eq!(first.status(), StatusCode::OK);
    let refused = client
        .put(format!("{base}/hooked/set/more"))
        .body(noise(60 * 1024, 8))
        .send()
        .await
        .expect("PUT");
    assert_eq!(refused.status(), StatusCode::SEE_OTHER);
    assert_eq!(refused.headers()["location"], "/full");
    assert!(refused.headers().get(SET_COOKIE).is_none());
    let report = get(&client, &base, "data").await;
    assert_eq!(report["load"], "valid");
    assert_eq!(report["value"], data.as_str());
}

/// `?` on the session's typed methods answers 500 and leaks no entry.
async fn typed_errors_answer_500(base: String) {
    let client = browser_like();
    assert_eq!(
        put(&client, &base, "word", "many-secret-things")
            .await
            .status(),
        StatusCode::OK
    );
    let read = client
        .get(format!("{base}/count/word"))
        .send()
        .await
        .expect("GET");
    assert_eq!(read.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        read.text().await.expect("text"),
        "the session could not be read\n"
    );
    let missing = client
        .get(format!("{base}/count/nothing"))
        .send()
        .await
        .expect("GET");
    assert_eq!(missing.text().await.expect("text"), "None");
    let write = client
        .put(format!("{base}/bad-insert"))
        .send()
        .await
        .expect("PUT");
    assert_eq!(write.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        write.text().await.expect("text"),
        "the session could not be updated\n"
    );
}

/// `?` on `check()` and `try_insert_value` answers 500, names nothing of the session, and
/// leaves the client's cookies as they were.
async fn save_errors_answer_500(base: String) {
    let client = browser_like();
    let data = noise(1024, 9);
    assert_eq!(
        put(&client, &base, "data", &data).await.status(),
        StatusCode::OK
    );
    for route in ["checked", "try"] {
        let refused = client
            .put(format!("{base}/{route}/big"))
            .body(noise(60 * 1024, 10))
            .send()
            .await
            .expect("PUT");
        assert_eq!(
            refused.status(),
            StatusCode::INTERNAL_SERVER_ERROR,
            "{route}"
        );
        assert!(refused.headers().get(SET_COOKIE).is_none(), "{route}");
        assert_eq!(
            refused.text().await.expect("text"),
            "the session could not be saved\n",
            "{route}"
        );
        let report = get(&client, &base, "data").await;
        assert_eq!(report["load"], "valid");
        assert_eq!(report["value"], data.as_str());
        assert_eq!(
            report["entries"], 1,
            "{route}: nothing of the refused write"
        );
    }
    let fits = client
        .put(format!("{base}/checked/small"))
        .body("small")
        .send()
        .await
        .expect("PUT");
    assert_eq!(fits.status(), StatusCode::OK);
    assert_eq!(fits.text().await.expect("text"), "fits in 1");
    let stored = client
        .put(format!("{base}/try/other"))
        .body("small")
        .send()
        .await
        .expect("PUT");
    assert_eq!(stored.text().await.expect("text"), "stored");
    assert_eq!(get(&client, &base, "other").await["value"], "small");
}

/// A request with the client's own cookies (or the `cookie` header given instead): the
/// status and the body.
async fn call(
    client: &Client,
    method: reqwest::Method,
    url: String,
    cookie: Option<&str>,
) -> (StatusCode, String) {
    let mut request = client.request(method, url);
    if let Some(cookie) = cookie {
        request = request.header(COOKIE, cookie);
    }
    let response = request.send().await.expect("a response");
    (response.status(), response.text().await.expect("a body"))
}

/// Signs a fresh client in as `user`; returns it with the `Cookie` header it then sends.
async fn signed_in(base: &str, user: &str) -> (Client, String) {
    let client = Client::new();
    let response = client
        .post(format!("{base}/login"))
        .body(user.to_owned())
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::OK);
    let mut jar = Jar::new();
    jar.apply_headers(response.headers());
    (client, jar.header())
}

/// The revocation calls a handler awaits, and their errors as the framework's responses:
/// logout, sign-out-everywhere, the device list and signing one device out; without a
/// subject `409`, an id that is not one `400`, another user's id `false`.
async fn revocation_calls_answer_as_responses(base: String) {
    use reqwest::Method;
    let (laptop, laptop_cookie) = signed_in(&base, "ada").await;
    let (phone, phone_cookie) = signed_in(&base, "ada").await;
    let (bob, bob_cookie) = signed_in(&base, "bob").await;
    let id_of = |cookie: &str| {
        let (client, url, cookie) = (Client::new(), format!("{base}/id"), cookie.to_owned());
        async move { call(&client, Method::GET, url, Some(&cookie)).await.1 }
    };
    let (laptop_id, phone_id, bob_id) = (
        id_of(&laptop_cookie).await,
        id_of(&phone_cookie).await,
        id_of(&bob_cookie).await,
    );
    let load = |cookie: &str| {
        let (client, url, cookie) = (Client::new(), format!("{base}/get/x"), cookie.to_owned());
        async move {
            let (_, body) = call(&client, Method::GET, url, Some(&cookie)).await;
            serde_json::from_str::<Value>(&body).expect("JSON")["load"].clone()
        }
    };

    // Ada's devices: her two sessions, not Bob's.
    let (status, listed) = call(
        &laptop,
        Method::GET,
        format!("{base}/devices"),
        Some(&laptop_cookie),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    let mut ids: Vec<&str> = listed.lines().collect();
    ids.sort_unstable();
    let mut want = vec![laptop_id.as_str(), phone_id.as_str()];
    want.sort_unstable();
    assert_eq!(ids, want);

    // Bob's id is not one of Ada's sessions; what is not an id is refused.
    let url = format!("{base}/devices/{bob_id}");
    let answer = call(&laptop, Method::DELETE, url, Some(&laptop_cookie)).await;
    assert_eq!(answer, (StatusCode::OK, "false".to_owned()));
    assert_eq!(load(&bob_cookie).await, "valid");
    let url = format!("{base}/devices/not-an-id");
    let (status, body) = call(&laptop, Method::DELETE, url, Some(&laptop_cookie)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("22 characters"), "{body}");

    // The laptop signs the phone out.
    let url = format!("{base}/devices/{phone_id}");
    let answer = call(&laptop, Method::DELETE, url, Some(&laptop_cookie)).await;
    assert_eq!(answer, (StatusCode::OK, "true".to_owned()));
    assert_eq!(load(&phone_cookie).await, "revoked");
    assert_eq!(load(&laptop_cookie).await, "valid");
    let (_, listed) = call(
        &laptop,
        Method::GET,
        format!("{base}/devices"),
        Some(&laptop_cookie),
    )
    .await;
    assert_eq!(listed.trim(), laptop_id);

    // Bob signs out everywhere: the response deletes his cookies, a copy is refused.
    let response = bob
        .post(format!("{base}/everywhere"))
        .header(COOKIE, &bob_cookie)
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::OK);
    let deleted = WireCookie::from_headers(response.headers());
    assert!(
        !deleted.is_empty() && deleted.iter().all(WireCookie::is_removal),
        "{deleted:?}"
    );
    let epoch: u64 = response
        .text()
        .await
        .expect("text")
        .parse()
        .expect("the epoch, in µs");
    assert!(epoch > 1_700_000_000_000_000, "{epoch}");
    assert_eq!(load(&bob_cookie).await, "revoked");

    // Ada logs out on the laptop: the response deletes the cookies, a copy is refused.
    let response = laptop
        .post(format!("{base}/logout"))
        .header(COOKIE, &laptop_cookie)
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::OK);
    let deleted = WireCookie::from_headers(response.headers());
    assert!(
        !deleted.is_empty() && deleted.iter().all(WireCookie::is_removal),
        "{deleted:?}"
    );
    assert_eq!(load(&laptop_cookie).await, "revoked");

    // Nobody logged in: no subject to list or sign out.
    for (method, path) in [(Method::GET, "/devices"), (Method::POST, "/everywhere")] {
        let (status, body) = call(&phone, method, format!("{base}{path}"), None).await;
        assert_eq!(status, StatusCode::CONFLICT, "{path}: {body}");
        assert!(body.contains("no subject"), "{body}");
    }
}

/// Without a device registry the list answers `404`; without a revocation store at all,
/// a revocation call answers `500` (the application's bug, said in its log).
async fn revocation_calls_without_a_registry_or_a_store(base: String, store: bool) {
    use reqwest::Method;
    let (client, cookie) = signed_in(&base, "ada").await;
    let (status, body) = call(
        &client,
        Method::GET,
        format!("{base}/devices"),
        Some(&cookie),
    )
    .await;
    let (status_out, _) = call(
        &client,
        Method::POST,
        format!("{base}/logout"),
        Some(&cookie),
    )
    .await;
    if store {
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        assert!(body.contains("no device registry"), "{body}");
        assert_eq!(status_out, StatusCode::OK);
    } else {
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
        assert!(body.contains("no revocation store"), "{body}");
        assert_eq!(status_out, StatusCode::INTERNAL_SERVER_ERROR);
    }
}

/// [`engine`] with a revocation store in memory, its device registry on or off.
fn revocable_engine(registry: bool) -> SessionEngine {
    let store = chunked_cookie_session::revocation::MemoryRevocation::builder();
    let store = if registry { store.registry(10) } else { store };
    engine()
        .with_revocation(std::sync::Arc::new(store.build().expect("valid")))
        .expect("lifetimes agree")
}

#[tokio::test]
async fn revocation_calls_on_both_adapters() {
    type Start = fn(SessionEngine) -> SocketAddr;
    let adapters: [(&str, Start); 2] = [
        ("axum", axum_server::start),
        ("actix-web", actix_server::start),
    ];
    for (framework, start) in adapters {
        eprintln!("{framework}");
        let base = |engine| format!("http://{}", start(engine));
        revocation_calls_answer_as_responses(base(revocable_engine(true))).await;
        revocation_calls_without_a_registry_or_a_store(base(revocable_engine(false)), true).await;
        revocation_calls_without_a_registry_or_a_store(base(engine()), false).await;
    }
}

macro_rules! scenarios {
    ($($scenario:ident),* $(,)?) => {
        mod on_axum {
            $(
                #[tokio::test]
                async fn $scenario() {
                    let addr = super::axum_server::start(super::engine());
                    super::$scenario(format!("http://{addr}")).await;
                }
            )*
        }
        mod on_actix {
            $(
                #[tokio::test]
                async fn $scenario() {
                    let addr = super::actix_server::start(super::engine());
                    super::$scenario(format!("http://{addr}")).await;
                }
            )*
        }
    };
}

scenarios!(
    large_session_round_trip,
    shrink_deletes_stale_chunks,
    purge_deletes_everything,
    tampered_chunk_gives_empty_session,
    untouched_session_writes_nothing,
    overflow_keeps_previous_cookies,
    server_error_writes_nothing_and_cache_control_is_kept,
    http2_cookie_fields,
    extractor_without_adapter_says_so,
    save_error_hook_answers_instead,
    typed_errors_answer_500,
    save_errors_answer_500,
);

/// The device registry hears each write of a session bound to a subject with the
/// `User-Agent` the adapter read (cut to 512 bytes), on axum and on actix-web, over real
/// servers.
#[tokio::test]
async fn the_user_agent_reaches_the_device_registry() {
    use std::sync::Arc;

    use axum::routing::post;
    use chunked_cookie_session::revocation::MemoryRevocation;

    async fn login(session: Session, user: String) -> &'static str {
        session.renew();
        session.set_subject(user).expect("a subject");
        "signed in"
    }

    let store = MemoryRevocation::builder()
        .registry(10)
        .build()
        .expect("valid");
    let engine = engine()
        .with_revocation(Arc::new(store))
        .expect("lifetimes agree");
    let axum_addr = test_support::serve::axum(
        axum::Router::new()
            .route(
                "/login",
                post(|session: Session, body: String| login(session, body)),
            )
            .layer(chunked_cookie_session::axum::SessionLayer::new(
                engine.clone(),
            )),
    );
    let actix_engine = engine.clone();
    let actix_addr = test_support::serve::actix(move || {
        actix_web::App::new()
            .wrap(chunked_cookie_session::actix::SessionMiddleware::new(
                actix_engine.clone(),
            ))
            .route(
                "/login",
                actix_web::web::post().to(|session: Session, body: String| login(session, body)),
            )
    });
    let long = format!("Agent/{}", "é".repeat(400));
    for (framework, addr, user, agent) in [
        ("axum", axum_addr, "ada", "Firefox/140.0 (axum)"),
        ("actix-web", actix_addr, "bob", "Safari/18 (actix)"),
        ("axum", axum_addr, "carol", long.as_str()),
        ("actix-web", actix_addr, "dave", long.as_str()),
    ] {
        let client = Client::builder()
            .cookie_store(true)
            .user_agent(agent)
            .build()
            .expect("a reqwest client");
        let response = client
            .post(format!("http://{addr}/login"))
            .body(user)
            .send()
            .await
            .expect("POST");
        assert_eq!(response.status(), StatusCode::OK, "{framework}");
        assert!(response.headers().get(SET_COOKIE).is_some(), "{framework}");
        let devices = engine.devices(user).await.expect("the registry is on");
        assert_eq!(devices.len(), 1, "{framework}: {devices:?}");
        let want = if agent.len() > 512 {
            // Cut at a character boundary at most 512 bytes in ("é" is two bytes).
            let mut end = 512;
            while !agent.is_char_boundary(end) {
                end -= 1;
            }
            &agent[..end]
        } else {
            agent
        };
        assert_eq!(devices[0].user_agent, want, "{framework}");
    }
}

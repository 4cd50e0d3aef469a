//! The playground's JSON API over HTTP, against the real binary on a free loopback port.

use std::collections::BTreeMap;

use reqwest::header::{COOKIE, HeaderMap, SET_COOKIE};
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};

use crate::common::{noise, start_playground};

/// A cookie jar kept by hand, so the tests see every `Set-Cookie` line.
#[derive(Default)]
struct Jar(BTreeMap<String, String>);

impl Jar {
    /// Applies a response's `Set-Cookie` lines; returns how many there were.
    fn take(&mut self, headers: &HeaderMap) -> usize {
        let lines: Vec<&str> = headers
            .get_all(SET_COOKIE)
            .iter()
            .map(|value| value.to_str().expect("ASCII Set-Cookie"))
            .collect();
        for line in &lines {
            let (pair, attributes) = line.split_once(';').unwrap_or((line, ""));
            let (name, value) = pair.split_once('=').expect("name=value");
            assert!(
                !attributes.contains("Secure"),
                "plain HTTP, no Secure: {line}"
            );
            if attributes.split(';').any(|a| a.trim() == "Max-Age=0") {
                self.0.remove(name);
            } else {
                self.0.insert(name.to_owned(), value.to_owned());
            }
        }
        lines.len()
    }

    fn header(&self) -> String {
        self.0
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

async fn send(
    client: &Client,
    method: &str,
    url: String,
    jar: &Jar,
    body: Option<String>,
) -> Response {
    let mut request = client.request(method.parse().expect("a method"), url);
    if !jar.0.is_empty() {
        request = request.header(COOKIE, jar.header());
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body);
    }
    request.send().await.expect("the playground answers")
}

async fn json_of(response: Response) -> Value {
    let text = response.text().await.expect("a body");
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("not JSON ({err}): {text}"))
}

#[tokio::test]
async fn json_api() {
    let (_playground, base) = start_playground(&[]).await;
    let client = Client::new();
    let mut jar = Jar::default();

    // Health never touches the session, not even a broken one.
    jar.0.insert("session".to_owned(), "garbage".to_owned());
    let health = send(&client, "GET", format!("{base}/api/health"), &jar, None).await;
    assert_eq!(health.status(), StatusCode::OK);
    assert!(health.headers().get(SET_COOKIE).is_none());
    assert_eq!(json_of(health).await["status"], "ok");

    // A broken cookie reads as an empty session with its reason, and is deleted.
    let broken = send(&client, "GET", format!("{base}/api/session"), &jar, None).await;
    assert_eq!(broken.status(), StatusCode::OK);
    assert_eq!(jar.take(broken.headers()), 1);
    assert!(jar.0.is_empty());
    let view = json_of(broken).await;
    assert_eq!(view["load"], "malformed");
    assert_eq!(view["entries"], json!({}));
    assert_eq!(view["cookies"], json!([]));

    let fresh = send(&client, "GET", format!("{base}/api/session"), &jar, None).await;
    assert!(fresh.headers().get(SET_COOKIE).is_none());
    assert_eq!(json_of(fresh).await["load"], "no-session");

    // Set an entry: the view lists the cookie the browser will hold.
    let set = send(
        &client,
        "PUT",
        format!("{base}/api/session/user"),
        &jar,
        Some(r#"{"name":"ada"}"#.to_owned()),
    )
    .await;
    assert_eq!(set.status(), StatusCode::OK);
    assert_eq!(jar.take(set.headers()), 1);
    let view = json_of(set).await;
    assert_eq!(view["entries"], json!({"user": {"name": "ada"}}));
    let bytes = "session=".len() + jar.0["session"].len();
    assert_eq!(
        view["cookies"],
        json!([{"name": "session", "bytes": bytes}])
    );

    let read = send(&client, "GET", format!("{base}/api/session"), &jar, None).await;
    assert!(
        read.headers().get(SET_COOKIE).is_none(),
        "reading writes nothing"
    );
    let view = json_of(read).await;
    assert_eq!(view["load"], "valid");
    assert_eq!(
        view["cookies"],
        json!([{"name": "session", "bytes": bytes}])
    );

    // Over budget: 413 naming the sizes, and the client's cookie stays as it was.
    let big = serde_json::to_string(&noise(50 * 1024, 1)).expect("JSON string");
    let refused = send(
        &client,
        "PUT",
        format!("{base}/api/session/blob"),
        &jar,
        Some(big),
    )
    .await;
    assert_eq!(refused.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(refused.headers().get(SET_COOKIE).is_none());
    let error = json_of(refused).await;
    assert_eq!(error["limit"], 40 * 1024);
    assert!(error["needed"].as_u64().expect("needed") > 40 * 1024);
    assert!(error["error"].as_str().expect("message").contains("40960"));
    let after =
        json_of(send(&client, "GET", format!("{base}/api/session"), &jar, None).await).await;
    assert_eq!(after["load"], "valid");
    assert_eq!(after["entries"], json!({"user": {"name": "ada"}}));

    // A body that is not JSON is the client's mistake.
    let bad = send(
        &client,
        "PUT",
        format!("{base}/api/session/x"),
        &jar,
        Some("{nope".to_owned()),
    )
    .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(bad.headers().get(SET_COOKIE).is_none());

    // A session spread over several cookies, then one entry removed, then purged.
    let wide = serde_json::to_string(&noise(12 * 1024, 2)).expect("JSON string");
    let set = send(
        &client,
        "PUT",
        format!("{base}/api/session/blob"),
        &jar,
        Some(wide),
    )
    .await;
    assert_eq!(set.status(), StatusCode::OK);
    jar.take(set.headers());
    let view = json_of(set).await;
    let listed: Vec<&str> = view["cookies"]
        .as_array()
        .expect("cookies")
        .iter()
        .map(|cookie| cookie["name"].as_str().expect("name"))
        .collect();
    assert!(listed.len() >= 3, "{listed:?}");
    assert_eq!(listed, jar.0.keys().map(String::as_str).collect::<Vec<_>>());

    let removed = send(
        &client,
        "DELETE",
        format!("{base}/api/session/blob"),
        &jar,
        None,
    )
    .await;
    assert_eq!(removed.status(), StatusCode::OK);
    jar.take(removed.headers());
    assert_eq!(
        jar.0.keys().collect::<Vec<_>>(),
        ["session"],
        "stale chunks deleted"
    );
    assert_eq!(
        json_of(removed).await["cookies"].as_array().map(Vec::len),
        Some(1)
    );

    let purged = send(&client, "DELETE", format!("{base}/api/session"), &jar, None).await;
    assert_eq!(purged.status(), StatusCode::OK);
    jar.take(purged.headers());
    assert!(jar.0.is_empty());
    let view = json_of(purged).await;
    assert_eq!(
        view["load"], "valid",
        "the reason of the session that was purged"
    );
    assert_eq!(view["entries"], json!({}));
    assert_eq!(view["cookies"], json!([]));
}

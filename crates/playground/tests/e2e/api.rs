//! The playground's JSON API over HTTP, against the real binary on a free loopback port.

use reqwest::header::{COOKIE, HeaderMap, SET_COOKIE};
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use test_support::{Jar, noise};

use crate::common::start_playground;

/// Applies a response to the jar, checking the playground's cookies carry no `Secure`
/// (it speaks plain HTTP); returns how many `Set-Cookie` fields there were.
fn take(jar: &mut Jar, headers: &HeaderMap) -> usize {
    let applied = jar.apply_headers(headers);
    for cookie in &applied {
        assert_ne!(
            cookie.cookie().secure(),
            Some(true),
            "plain HTTP, no Secure: {}",
            cookie.line()
        );
    }
    applied.len()
}

async fn send(
    client: &Client,
    method: &str,
    url: String,
    jar: &Jar,
    body: Option<String>,
) -> Response {
    let mut request = client.request(method.parse().expect("a method"), url);
    if !jar.is_empty() {
        request = request.header(COOKIE, jar.header());
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body);
    }
    request.send().await.expect("the playground answers")
}

/// `PUT /api/session/{key}` with a JSON body.
async fn put(client: &Client, base: &str, jar: &Jar, key: &str, body: &str) -> Response {
    let url = format!("{base}/api/session/{key}");
    send(client, "PUT", url, jar, Some(body.to_owned())).await
}

async fn json_of(response: Response) -> Value {
    let text = response.text().await.expect("a body");
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("not JSON ({err}): {text}"))
}

#[tokio::test]
async fn json_api() {
    let (_playground, base) = start_playground(&[]);
    let client = Client::new();
    let mut jar = Jar::new();

    // Health never touches the session, not even a broken one.
    jar.put("session", "garbage");
    let health = send(&client, "GET", format!("{base}/api/health"), &jar, None).await;
    assert_eq!(health.status(), StatusCode::OK);
    assert!(health.headers().get(SET_COOKIE).is_none());
    assert_eq!(json_of(health).await["status"], "ok");

    // A broken cookie reads as an empty session with its reason; in no format this server
    // reads, it may be another server's, and a response that writes nothing leaves it.
    let broken = send(&client, "GET", format!("{base}/api/session"), &jar, None).await;
    assert_eq!(broken.status(), StatusCode::OK);
    assert_eq!(take(&mut jar, broken.headers()), 0);
    let view = json_of(broken).await;
    assert_eq!(view["load"], "malformed");
    assert_eq!(view["entries"], json!({}));
    // A lone later chunk can never make a session: it is deleted.
    jar.remove("session");
    jar.put("session_1", "crumb");
    let crumb = send(&client, "GET", format!("{base}/api/session"), &jar, None).await;
    assert_eq!(take(&mut jar, crumb.headers()), 1);
    assert!(jar.is_empty());
    let view = json_of(crumb).await;
    assert_eq!(view["load"], "missing-chunk");
    assert_eq!(view["entries"], json!({}));
    assert_eq!(view["cookies"], json!([]));

    let fresh = send(&client, "GET", format!("{base}/api/session"), &jar, None).await;
    assert!(fresh.headers().get(SET_COOKIE).is_none());
    assert_eq!(json_of(fresh).await["load"], "no-session");

    // Set an entry: the view lists the cookie the browser will hold.
    let set = put(&client, &base, &jar, "user", r#"{"name":"ada"}"#).await;
    assert_eq!(set.status(), StatusCode::OK);
    assert_eq!(take(&mut jar, set.headers()), 1);
    let view = json_of(set).await;
    assert_eq!(view["entries"], json!({"user": {"name": "ada"}}));
    let bytes = "session=".len() + jar.get("session").expect("the session cookie").len();
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
    let refused = put(&client, &base, &jar, "blob", &big).await;
    assert_eq!(refused.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // That the refusal sets no cookie at all is `over_budget_change_sets_no_cookie`'s
    // subject; here the client applies whatever came, as a browser would.
    take(&mut jar, refused.headers());
    let error = json_of(refused).await;
    assert_eq!(error["limit"], 40 * 1024);
    assert!(error["needed"].as_u64().expect("needed") > 40 * 1024);
    assert!(error["error"].as_str().expect("message").contains("40960"));
    let after =
        json_of(send(&client, "GET", format!("{base}/api/session"), &jar, None).await).await;
    assert_eq!(after["load"], "valid");
    assert_eq!(after["entries"], json!({"user": {"name": "ada"}}));

    // A body that is not JSON is the client's mistake.
    let bad = put(&client, &base, &jar, "x", "{nope").await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(bad.headers().get(SET_COOKIE).is_none());

    // A session spread over several cookies, then one entry removed, then purged.
    let wide = serde_json::to_string(&noise(12 * 1024, 2)).expect("JSON string");
    let set = put(&client, &base, &jar, "blob", &wide).await;
    assert_eq!(set.status(), StatusCode::OK);
    take(&mut jar, set.headers());
    let view = json_of(set).await;
    let listed: Vec<&str> = view["cookies"]
        .as_array()
        .expect("cookies")
        .iter()
        .map(|cookie| cookie["name"].as_str().expect("name"))
        .collect();
    assert!(listed.len() >= 3, "{listed:?}");
    assert_eq!(listed, jar.names());

    let removed = send(
        &client,
        "DELETE",
        format!("{base}/api/session/blob"),
        &jar,
        None,
    )
    .await;
    assert_eq!(removed.status(), StatusCode::OK);
    take(&mut jar, removed.headers());
    assert_eq!(jar.names(), ["session"], "stale chunks deleted");
    assert_eq!(
        json_of(removed).await["cookies"].as_array().map(Vec::len),
        Some(1)
    );

    let purged = send(&client, "DELETE", format!("{base}/api/session"), &jar, None).await;
    assert_eq!(purged.status(), StatusCode::OK);
    take(&mut jar, purged.headers());
    assert!(jar.is_empty());
    let view = json_of(purged).await;
    assert_eq!(
        view["load"], "valid",
        "the reason of the session that was purged"
    );
    assert_eq!(view["entries"], json!({}));
    assert_eq!(view["cookies"], json!([]));
}

/// A change that does not fit is answered 413 and leaves the client's cookies untouched:
/// the playground offers it with `Session::try_insert_value`, which leaves the session
/// unmodified when it refuses, so the session layer writes nothing. (Before, the
/// playground inserted, checked and took the change back, and the session, still
/// modified, was written again on the 413.)
#[tokio::test]
async fn over_budget_change_sets_no_cookie() {
    let (_playground, base) = start_playground(&[]);
    let client = Client::new();
    let mut jar = Jar::new();
    let set = put(&client, &base, &jar, "user", r#""ada""#).await;
    assert_eq!(set.status(), StatusCode::OK);
    take(&mut jar, set.headers());
    let big = serde_json::to_string(&noise(50 * 1024, 1)).expect("JSON string");
    let refused = put(&client, &base, &jar, "blob", &big).await;
    assert_eq!(refused.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let written: Vec<String> = test_support::WireCookie::from_headers(refused.headers())
        .iter()
        .map(|cookie| cookie.name().to_owned())
        .collect();
    assert!(written.is_empty(), "the refusal wrote {written:?}");
}

/// A value no reader would take back is the client's mistake: 422 with the reason, no
/// cookie written, and the previous session kept. In Flask mode that is an entry Flask
/// cannot read (`{" t": 5}`: before issue 9 it was stored, and every later request failed,
/// in Flask with a 500); in every mode, a value nested past the limit.
#[tokio::test]
async fn unreadable_values_are_refused_with_422_and_the_session_kept() {
    let flask = ["--format", "flask", "--secret", "playground-secret"];
    // 127 arrays: a JSON body serde_json reads, one level too deep as an entry.
    let deep = format!("{}1{}", "[".repeat(127), "]".repeat(127));
    let cases: [(&[&str], &str, &[&str]); 7] = [
        (&flask, r#"{" t": 5}"#, &[r#""x""#, r#"" t""#]),
        (&flask, r#"{" u": "not-a-uuid"}"#, &[r#"" u""#]),
        (&flask, r#"{" d": 5}"#, &[r#"" d""#]),
        (&flask, r#"{" b": 5}"#, &[r#"" b""#]),
        (&flask, r#"{" di": 5}"#, &[r#"" di""#]),
        (&flask, r#"[1, {"a": {" t": 5}}]"#, &[r#"" t""#]),
        (&[], &deep, &["127"]),
    ];
    for (args, body, said) in cases {
        let (_playground, base) = start_playground(args);
        let client = Client::new();
        let mut jar = Jar::new();
        let set = put(&client, &base, &jar, "user", r#""alice""#).await;
        assert_eq!(set.status(), StatusCode::OK);
        take(&mut jar, set.headers());
        let before = jar.clone();

        let refused = put(&client, &base, &jar, "x", body).await;
        assert_eq!(
            refused.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body:.40}"
        );
        assert!(
            refused.headers().get(SET_COOKIE).is_none(),
            "{body:.40}: the refusal wrote a cookie"
        );
        let error = json_of(refused).await;
        let message = error["error"].as_str().expect("a message");
        for needed in said {
            assert!(message.contains(needed), "{body:.40}: {message}");
        }
        assert!(message.contains("Nothing was changed"), "{message}");

        assert_eq!(jar.pairs(), before.pairs());
        let after =
            json_of(send(&client, "GET", format!("{base}/api/session"), &jar, None).await).await;
        assert_eq!(after["load"], "valid", "{body:.40}");
        assert_eq!(after["entries"], json!({"user": "alice"}), "{body:.40}");
    }
}

/// A real `curl -c` cookie jar of the playground's cookies (a session over two cookies,
/// set and then shrunk by curl's own requests): curl sends it back and the playground
/// reads it; the jar reader that `cookie-session --cookie-jar` uses turns the file into
/// the `Cookie` header the playground reads as the same session. (The CLI's own tests run
/// `--cookie-jar` end to end on a jar curl wrote; a test there cannot start this crate's
/// binary.)
///
/// The session stays within 8 KiB of `Cookie` header: curl (since 7.84) sends at most
/// 8190 bytes of cookies, and leaves out the rest.
#[tokio::test]
async fn a_curl_cookie_jar_of_the_playground_reads_back() {
    let (_playground, base) = start_playground(&[]);
    let dir = std::env::temp_dir().join(format!("playground-curl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let jar_file = dir.join("cookies.txt");
    let jar = jar_file.to_str().expect("a UTF-8 path");
    let curl = |method: &str, path: &str, body: Option<String>| -> Value {
        let mut command = std::process::Command::new("curl");
        command
            .args(["--silent", "--show-error", "--fail"])
            .args(["--cookie", jar, "--cookie-jar", jar, "--request", method])
            .arg(format!("{base}{path}"));
        if let Some(body) = body {
            command
                .args(["--header", "content-type: application/json"])
                .args(["--data-binary", &body]);
        }
        let output = command.output().expect("curl runs (Debian package curl)");
        assert!(output.status.success(), "curl {method} {path}");
        serde_json::from_slice(&output.stdout).expect("the playground answers JSON")
    };
    let blob = noise(5 * 1024, 7);
    curl("PUT", "/api/session/user", Some(r#""ada""#.to_owned()));
    curl(
        "PUT",
        "/api/session/blob",
        Some(serde_json::to_string(&blob).expect("JSON")),
    );
    let view = curl("GET", "/api/session", None);
    assert_eq!(view["load"], "valid");
    assert_eq!(view["entries"], json!({"user": "ada", "blob": blob}));

    let read_back = |text: &str| {
        cookie_session_cli::input::cookie_jar(text, Some("127.0.0.1")).expect("a curl jar")
    };
    let text = std::fs::read_to_string(&jar_file).expect("curl wrote the jar");
    assert!(text.contains("#HttpOnly_127.0.0.1\t"), "{text}");
    let header = read_back(&text);
    assert_eq!(header.split("; ").count(), 2, "{text}");
    let client = Client::new();
    // The session the jar's `Cookie` header reads as, checked valid.
    let session_of = async |header: &str| {
        let view = client
            .get(format!("{base}/api/session"))
            .header(COOKIE, header)
            .send()
            .await
            .expect("GET");
        let written = view.headers().get(SET_COOKIE).is_some();
        let view = json_of(view).await;
        assert_eq!(view["load"], "valid", "{header:.60}");
        (written, view["entries"].clone())
    };
    let (written, entries) = session_of(&header).await;
    assert!(!written, "reading writes nothing");
    assert_eq!(entries, json!({"user": "ada", "blob": blob}));

    // A response that shrinks the session to one cookie deletes chunk 1 and sets chunk 0.
    // curl 7.88 keeps a cookie deleted by `Max-Age=0` in its jar file when a later
    // `Set-Cookie` of the same response sets another cookie (deletions come first here),
    // so the jar still holds the old chunk 1: the session reads all the same (the stale
    // chunk is another write's, past the count), and the next response deletes it alone,
    // which curl applies.
    curl("DELETE", "/api/session/blob", None);
    for round in 0..2 {
        let text = std::fs::read_to_string(&jar_file).expect("the jar");
        let (_, entries) = session_of(&read_back(&text)).await;
        assert_eq!(entries, json!({"user": "ada"}), "{round}: {text}");
        let view = curl("GET", "/api/session", None);
        assert_eq!(view["load"], "valid");
    }
    let text = std::fs::read_to_string(&jar_file).expect("the jar");
    assert_eq!(read_back(&text).split("; ").count(), 1, "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

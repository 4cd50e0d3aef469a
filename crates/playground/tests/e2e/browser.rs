//! The playground in a real browser: headless Chromium, driven over WebDriver by
//! chromedriver, against the playground binary on a free loopback port.
//!
//! Needs the Debian packages `chromium` and `chromium-driver`; without them the test fails
//! and says so.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use test_support::{ChildGuard, PATIENCE, free_port, noise};

use crate::common::start_playground;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const INSTALL: &str = "install Debian packages chromium and chromium-driver \
                       (apt-get install -y chromium chromium-driver)";

/// Starts chromedriver and opens a headless Chromium session through it.
async fn start_browser(profile: &Path) -> (ChildGuard, Client) {
    for program in [CHROMIUM, CHROMEDRIVER] {
        assert!(
            Path::new(program).exists(),
            "{program} is missing: {INSTALL}"
        );
    }
    let port = free_port();
    let driver = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|err| panic!("cannot start {CHROMEDRIVER} ({err}): {INSTALL}"));
    let driver = ChildGuard(driver);
    let capabilities = json!({
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=1280,1400",
                format!("--user-data-dir={}", profile.display()),
            ],
        }
    });
    let capabilities = match capabilities {
        Value::Object(map) => map,
        _ => unreachable!("a JSON object literal"),
    };
    // chromedriver takes a moment before it accepts connections.
    tokio::time::timeout(PATIENCE, async {
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("{CHROMEDRIVER} never listened on port {port}: {INSTALL}"));
    let client = ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .unwrap_or_else(|err| panic!("chromedriver could not start Chromium ({err}): {INSTALL}"));
    (driver, client)
}

/// The names of the cookies in the browser's own store for the current page.
async fn cookie_names(client: &Client) -> BTreeSet<String> {
    client
        .get_all_cookies()
        .await
        .expect("WebDriver: get all cookies")
        .iter()
        .map(|cookie| cookie.name().to_owned())
        .collect()
}

/// The session as the browser reads it back through the API, with its own cookies.
async fn fetch_session(client: &Client) -> Value {
    client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch('/api/session').then((r) => r.json()).then(done, (e) => done(String(e)));",
            vec![],
        )
        .await
        .expect("fetch /api/session in the page")
}

/// The page bumps `data-rev` on `#app` after every render; waits for the next one.
async fn revision(client: &Client) -> u64 {
    let app = client.find(Locator::Id("app")).await.expect("#app");
    app.attr("data-rev")
        .await
        .expect("data-rev")
        .and_then(|rev| rev.parse().ok())
        .expect("a numeric data-rev")
}

async fn wait_for_render(client: &Client, after: u64) {
    tokio::time::timeout(PATIENCE, async {
        while revision(client).await <= after {
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    })
    .await
    .expect("the page renders the server's answer");
}

/// The load reason the page shows.
async fn load_reason(client: &Client) -> String {
    client
        .find(Locator::Id("load-reason"))
        .await
        .expect("#load-reason")
        .text()
        .await
        .expect("reason text")
}

async fn click(client: &Client, id: &str) {
    let before = revision(client).await;
    client
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|err| panic!("#{id}: {err}"))
        .click()
        .await
        .unwrap_or_else(|err| panic!("click #{id}: {err}"));
    wait_for_render(client, before).await;
}

/// Sets `key` to `value` through the page's form: the key is typed, the value (up to
/// 30 KB, too long to type key by key in reasonable time) is put into the textarea.
async fn set_through_form(client: &Client, key: &str, value: &str) {
    let key_input = client.find(Locator::Id("set-key")).await.expect("#set-key");
    key_input.clear().await.expect("clear #set-key");
    key_input.send_keys(key).await.expect("type the key");
    let textarea = client
        .find(Locator::Id("set-value"))
        .await
        .expect("#set-value");
    let textarea = serde_json::to_value(&textarea).expect("element reference");
    client
        .execute(
            "arguments[0].value = arguments[1];",
            vec![textarea, Value::String(value.to_owned())],
        )
        .await
        .expect("fill #set-value");
    click(client, "set-submit").await;
}

/// Checks the browser's cookie store holds exactly the chunks of a session of
/// `expected_chunks` cookies (a range, since compression decides the exact count), that the
/// page lists the same ones, and that the data reads back intact.
async fn check_step(
    client: &Client,
    expected: Option<&str>,
    chunks: std::ops::RangeInclusive<usize>,
) {
    let names = cookie_names(client).await;
    let count = names.len();
    assert!(
        chunks.contains(&count),
        "{count} cookies, expected {chunks:?}: {names:?}"
    );
    let want: BTreeSet<String> = (0..count)
        .map(|index| match index {
            0 => "session".to_owned(),
            index => format!("session_{index}"),
        })
        .collect();
    assert_eq!(names, want, "exactly the chunks of one session");

    let session = fetch_session(client).await;
    let listed: BTreeSet<String> = session["cookies"]
        .as_array()
        .expect("cookies array")
        .iter()
        .map(|cookie| cookie["name"].as_str().expect("name").to_owned())
        .collect();
    assert_eq!(listed, names, "the API lists what the browser holds");
    match expected {
        Some(value) => {
            assert_eq!(session["load"], "valid");
            assert_eq!(session["entries"], json!({ "data": value }));
        }
        None => {
            assert_eq!(session["entries"], json!({}));
        }
    }
    // The page's own table agrees.
    let rows = client
        .find_all(Locator::Css("#entries tbody tr"))
        .await
        .expect("entry rows");
    assert_eq!(rows.len(), usize::from(expected.is_some()));
}

#[tokio::test]
async fn playground_in_chromium() {
    let (_playground, base) = start_playground(&["--registry"]);
    let profile = std::env::temp_dir().join(format!("playground-chromium-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&profile);
    std::fs::create_dir_all(&profile).expect("a fresh Chromium profile directory");
    let (_driver, client) = start_browser(&profile).await;

    client
        .goto(&format!("{base}/"))
        .await
        .expect("open the page");
    wait_for_render(&client, 0).await;

    // 0 → 1 KB → 30 KB → 10 KB → 1 KB → 0, through the page's forms.
    check_step(&client, None, 0..=0).await;
    let one = noise(1024, 1);
    set_through_form(&client, "data", &one).await;
    check_step(&client, Some(&one), 1..=1).await;

    // 28 KiB of text that barely compresses: about 30 KB of cookies when compressed, 38 KB
    // when stored as is, within the playground's 40 KiB budget either way.
    let thirty = noise(28 * 1024, 2);
    set_through_form(&client, "data", &thirty).await;
    check_step(&client, Some(&thirty), 7..=10).await;
    let reason = load_reason(&client).await;
    assert_eq!(reason, "valid");
    // Logged in, the session keeps its data under a new id, bound to the user.
    log_in(&client, "ada").await;
    check_step(&client, Some(&thirty), 7..=10).await;
    // Reload so the screenshot shows the session as a fresh visit reads it, with the
    // device list.
    client.refresh().await.expect("reload");
    wait_for_render(&client, 0).await;
    wait_for_devices(&client, 1).await;
    let png = client.screenshot().await.expect("screenshot");
    let docs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs");
    std::fs::create_dir_all(&docs).expect("docs/");
    std::fs::write(docs.join("playground.png"), png).expect("write docs/playground.png");

    let ten = noise(10 * 1024, 3);
    set_through_form(&client, "data", &ten).await;
    check_step(&client, Some(&ten), 2..=4).await;

    let one_again = noise(1024, 4);
    set_through_form(&client, "data", &one_again).await;
    check_step(&client, Some(&one_again), 1..=1).await;

    click(&client, "clear").await;
    check_step(&client, None, 0..=0).await;
    assert_eq!(
        text_of(&client, "subject").await,
        "nobody",
        "a purge unbinds the user"
    );

    // A chunk lost in the browser: the next load is `missing-chunk`, the session is empty,
    // and that response deletes the rest.
    set_through_form(&client, "data", &ten).await;
    let before = cookie_names(&client).await;
    assert!(before.contains("session_1"), "{before:?}");
    client
        .delete_cookie("session_1")
        .await
        .expect("delete a chunk in the browser");
    client.refresh().await.expect("reload");
    wait_for_render(&client, 0).await;
    let reason = load_reason(&client).await;
    assert_eq!(reason, "missing-chunk");
    assert!(
        cookie_names(&client).await.is_empty(),
        "the response to the broken session deletes the debris"
    );
    let session = fetch_session(&client).await;
    assert_eq!(session["load"], "no-session");
    assert_eq!(session["entries"], json!({}));

    // The page's own random data: 2 KB under the key typed in its form.
    let kb = client
        .find(Locator::Id("random-kb"))
        .await
        .expect("#random-kb");
    kb.clear().await.expect("clear #random-kb");
    kb.send_keys("2").await.expect("type the size");
    click(&client, "random-submit").await;
    let session = fetch_session(&client).await;
    let blob = session["entries"]["blob"]
        .as_str()
        .expect("a random string");
    assert_eq!(blob.len(), 2048);
    assert_eq!(
        cookie_names(&client).await,
        BTreeSet::from(["session".to_owned()])
    );

    client.close().await.expect("close the browser");
    let _ = std::fs::remove_dir_all(&profile);
}

/// The text of the element `#id`.
async fn text_of(client: &Client, id: &str) -> String {
    client
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|err| panic!("#{id}: {err}"))
        .text()
        .await
        .unwrap_or_else(|err| panic!("#{id} text: {err}"))
}

/// The page bumps `data-devices-rev` on `#app` once the device list is drawn after a
/// render; waits until it has been drawn with `rows` rows.
async fn wait_for_devices(client: &Client, rows: usize) {
    tokio::time::timeout(PATIENCE, async {
        loop {
            let drawn = client
                .find(Locator::Id("app"))
                .await
                .expect("#app")
                .attr("data-devices-rev")
                .await
                .expect("data-devices-rev")
                .is_some_and(|rev| rev != "0");
            let found = client
                .find_all(Locator::Css("#devices tbody tr"))
                .await
                .expect("device rows")
                .len();
            if drawn && found == rows {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("the device list never showed {rows} row(s)"));
}

/// Logs in as `user` through the page's form.
async fn log_in(client: &Client, user: &str) {
    let input = client
        .find(Locator::Id("login-user"))
        .await
        .expect("#login-user");
    input.clear().await.expect("clear #login-user");
    input.send_keys(user).await.expect("type the user");
    click(client, "login-submit").await;
    assert_eq!(text_of(client, "subject").await, user);
    let id = text_of(client, "session-id").await;
    assert_eq!(id.len(), 22, "a session id: {id}");
}

/// The buttons of revocation, in a real browser: log in, the device list (and signing
/// another device out from it), log out and the copied cookies refused, sign out
/// everywhere; each checked against the browser's own cookie store and the API.
#[tokio::test]
async fn revocation_in_chromium() {
    let key = chunked_cookie_session::generate_secret();
    let (_playground, base) = crate::common::start_with_key(&key, &["--registry"]);
    let profile =
        std::env::temp_dir().join(format!("playground-revocation-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&profile);
    std::fs::create_dir_all(&profile).expect("a fresh Chromium profile directory");
    let (_driver, client) = start_browser(&profile).await;
    client
        .goto(&format!("{base}/"))
        .await
        .expect("open the page");
    wait_for_render(&client, 0).await;
    assert_eq!(text_of(&client, "subject").await, "nobody");
    assert_eq!(text_of(&client, "session-id").await, "none");
    assert!(text_of(&client, "store").await.starts_with("memory"));

    // Log in: the user and the session id on the page, one device: this one.
    log_in(&client, "ada").await;
    let id = text_of(&client, "session-id").await;
    wait_for_devices(&client, 1).await;
    let row = client
        .find(Locator::Css("#devices tbody tr.current"))
        .await
        .expect("this session, marked");
    assert_eq!(
        row.attr("data-id").await.expect("data-id").as_deref(),
        Some(id.as_str())
    );
    assert_eq!(
        cookie_names(&client).await,
        BTreeSet::from(["session".to_owned()])
    );

    // Ada on a phone (another client of the same playground): two devices; the browser
    // signs the phone out from its list, and the phone is refused.
    let mut phone = crate::common::Visitor::new("Safari/18.0 (phone)");
    let phone_id = phone.login(&base, "ada").await["session_id"]
        .as_str()
        .expect("an id")
        .to_owned();
    client.refresh().await.expect("reload");
    wait_for_render(&client, 0).await;
    wait_for_devices(&client, 2).await;
    let before = revision(&client).await;
    client
        .find(Locator::Css(&format!(
            "#devices tr[data-id='{phone_id}'] .revoke-device"
        )))
        .await
        .expect("the phone's row")
        .click()
        .await
        .expect("click Sign out");
    wait_for_render(&client, before).await;
    assert_eq!(phone.copy().load(&base).await, "revoked");
    assert_eq!(load_reason(&client).await, "valid");
    assert!(text_of(&client, "status").await.contains(&phone_id));

    // Log out: the page shows nobody, the browser holds no cookie; the cookies copied
    // before, put back, are refused as revoked, and that response deletes them.
    let copied = client
        .get_all_cookies()
        .await
        .expect("the browser's cookies");
    assert!(!copied.is_empty());
    click(&client, "logout").await;
    assert_eq!(text_of(&client, "subject").await, "nobody");
    assert!(text_of(&client, "status").await.contains("Logged out"));
    assert!(cookie_names(&client).await.is_empty());
    for cookie in copied {
        client
            .add_cookie(cookie)
            .await
            .expect("put a copied cookie back");
    }
    client.refresh().await.expect("reload");
    wait_for_render(&client, 0).await;
    assert_eq!(load_reason(&client).await, "revoked");
    assert_eq!(text_of(&client, "subject").await, "nobody");
    assert!(
        cookie_names(&client).await.is_empty(),
        "the revoked cookies are deleted"
    );

    // Sign out everywhere: logged in again here and on the phone, both end.
    log_in(&client, "ada").await;
    phone.login(&base, "ada").await;
    let phone_copy = phone.copy();
    click(&client, "sign-out-everywhere").await;
    assert_eq!(text_of(&client, "subject").await, "nobody");
    assert!(
        text_of(&client, "status")
            .await
            .contains("Signed out everywhere")
    );
    assert!(cookie_names(&client).await.is_empty());
    assert_eq!(phone_copy.copy().load(&base).await, "revoked");
    let session = fetch_session(&client).await;
    assert_eq!(session["subject"], Value::Null);

    client.close().await.expect("close the browser");
    let _ = std::fs::remove_dir_all(&profile);
}

//! The playground in Flask mode, sharing one cookie jar with a real Flask app (from PyPI,
//! served by werkzeug on 127.0.0.1, test-support's `apps.py`): every Flask type crosses
//! both ways, in both layouts. Python comes from `FLASK_PYTHON` or
//! `<workspace>/.venv/bin/python`.

use reqwest::Client;
use serde_json::{Value, json};
use test_support::flask_app::FlaskApp;
use test_support::noise;

use crate::common::start_playground;

const SECRET: &str = "playground-and-flask";

async fn get(client: &Client, url: String) -> Value {
    let response = client.get(&url).send().await.expect("an answer");
    assert!(
        response.status().is_success(),
        "{url}: {}",
        response.status()
    );
    let text = response.text().await.expect("a body");
    serde_json::from_str(&text).unwrap_or_else(|_| json!(text))
}

async fn put(client: &Client, url: String, body: &Value) -> Value {
    put_text(client, url, &body.to_string()).await
}

/// PUT of a body written in Python's JSON, which serde_json's `Value` cannot always hold.
async fn put_text(client: &Client, url: String, body: &str) -> Value {
    let response = client
        .put(&url)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .expect("an answer");
    assert!(
        response.status().is_success(),
        "{url}: {}",
        response.status()
    );
    let text = response.text().await.expect("a body");
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
}

async fn shared_jar(playground_layout: &str, flask_layout: &str, grows: bool) {
    let flask_app = FlaskApp::start(flask_layout, SECRET, "cookie-session");
    let flask = flask_app.base();
    let (_playground_process, playground) = start_playground(&[
        "--format",
        "flask",
        "--secret",
        SECRET,
        "--layout",
        playground_layout,
    ]);
    let client = Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");

    // Flask's types, as the playground shows them: Flask's tagged JSON, read and verified.
    get(&client, format!("{flask}/set_all")).await;
    let view = get(&client, format!("{playground}/api/session")).await;
    assert_eq!(view["load"], "valid", "{view}");
    assert_eq!(
        view["entries"]["f_tuple"],
        json!({" t": [1, "two", 3.5, {" t": [4, null]}, [true]]})
    );
    assert_eq!(
        view["entries"]["f_tag_like"],
        json!({" di": {" t__": "not a tuple"}})
    );

    // In Flask mode the playground reads a body as Python's JSON with Flask's tags, as a
    // Flask app would store it; Flask reads Python's types from what it writes.
    let rust_values = json!({
        "r_tuple": {" t": [7, "seven", 0.5]},
        "r_bytes": {" b": "/wBydXN0"},
        "r_markup": {" m": "<em>rust</em>"},
        "r_uuid": {" u": "00112233445566778899aabbccddeeff"},
        "r_datetime": {" d": "Fri, 07 Jun 2030 08:09:10 GMT"},
        "r_tag_like": {" di": {" u__": "not a uuid"}},
        "r_text": "\u{1f980} cr\u{e4}b",
    });
    for (key, value) in rust_values.as_object().expect("an object") {
        put(&client, format!("{playground}/api/session/{key}"), value).await;
    }
    // Numbers serde_json cannot hold, as Python's JSON writes them.
    let big = put_text(
        &client,
        format!("{playground}/api/session/r_bigint"),
        "-1267650600228229401496703205376",
    )
    .await;
    assert_eq!(
        big["entries"]["r_bigint"],
        json!({" di": "-1267650600228229401496703205376"}),
        "the playground shows a big int in its marker"
    );
    put_text(
        &client,
        format!("{playground}/api/session/r_float"),
        "-Infinity",
    )
    .await;
    let check = get(&client, format!("{flask}/check?rust=1")).await;
    assert_eq!(check["errors"], json!([]), "{check}");

    if grows {
        // Past one cookie: the playground writes pieces `session:0`, `session:1`, …
        // Random base64url: zlib keeps about three quarters of it, several cookies' worth.
        let noise = noise(12_000, 1);
        let view = put(
            &client,
            format!("{playground}/api/session/noise"),
            &json!(noise),
        )
        .await;
        let names: Vec<&str> = view["cookies"]
            .as_array()
            .expect("cookies")
            .iter()
            .filter_map(|c| c["name"].as_str())
            .collect();
        assert!(names.len() >= 2 && names[1] == "session:1", "{names:?}");
        let check = get(&client, format!("{flask}/check?rust=1")).await;
        assert_eq!(check["errors"], json!([]), "{check}");
        assert!(
            check["keys"]
                .as_array()
                .expect("keys")
                .contains(&json!("noise"))
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn playground_in_flask_mode_shares_the_stock_cookie() {
    shared_jar("stock", "stock", false).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn playground_in_flask_mode_shares_the_chunked_cookies() {
    shared_jar("chunked", "fixed", true).await;
}

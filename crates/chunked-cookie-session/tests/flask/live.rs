//! One cookie jar, two servers: a real Flask app (`apps.py`, in the stock layout, the
//! recipe as published, and the documented chunked interface) and a Rust server on the
//! same engine, every Python type crossing both ways.

use std::collections::BTreeMap;

use chunked_cookie_session::flask::{
    BigInt, Bytes, DateTime, Dict, FlaskLayout, Float, Markup, Tuple, Uuid, to_json,
};
use chunked_cookie_session::{ResponseInfo, SET_COOKIE_LINE_LIMIT, Session, SessionEngine};
use serde_json::{Value, json};
use test_support::WireCookie;
use test_support::flask_app::FlaskApp;

use super::{SALT, SECRET, config, settings};

mod rust_server {
    use axum::Router;
    use axum::body::Body;
    use axum::extract::State;
    use axum::http::{HeaderMap, Response, Uri};

    use super::*;

    /// The Rust side's entries, the mirror of `RUST_VALUES` in apps.py.
    pub(super) fn rust_values(session: &Session) {
        let at = time::OffsetDateTime::from_unix_timestamp(1_907_050_150).expect("2030");
        let id = uuid::Uuid::from_u128(0x0011_2233_4455_6677_8899_aabb_ccdd_eeff);
        session
            .insert("r_tuple", Tuple((7, "seven", 0.5)))
            .expect("tuple");
        session
            .insert("r_bytes", Bytes(b"\xff\x00rust".to_vec()))
            .expect("bytes");
        session
            .insert("r_markup", Markup("<em>rust</em>".into()))
            .expect("markup");
        session.insert("r_uuid", Uuid(id)).expect("uuid");
        session
            .insert("r_datetime", DateTime(at))
            .expect("datetime");
        session
            .insert("r_bigint", BigInt::from(-(1_i128 << 100)))
            .expect("int");
        session
            .insert("r_float", Float(f64::NEG_INFINITY))
            .expect("float");
        session
            .insert("r_tag_like", Dict(BTreeMap::from([(" u", "not a uuid")])))
            .expect("dict");
        session
            .insert("r_text", "\u{1f980} cr\u{e4}b")
            .expect("text");
    }

    /// Reads every value apps.py's `FLASK_VALUES` holds into its Rust type.
    fn check_flask_values(session: &Session) -> Vec<String> {
        let mut errors = Vec::new();
        let mut expect = |key: &str, ok: bool| {
            if !ok {
                errors.push(format!("{key}: {:?}", session.get_value(key)));
            }
        };
        let tuple = session
            .get::<Tuple<(i64, String, f64, Tuple<(i64, Option<i64>)>, Vec<bool>)>>("f_tuple");
        expect(
            "f_tuple",
            tuple.ok().flatten()
                == Some(Tuple((1, "two".into(), 3.5, Tuple((4, None)), vec![true]))),
        );
        expect(
            "f_bytes",
            session.get::<Bytes>("f_bytes").ok().flatten()
                == Some(Bytes(b"\x00\x01\xfebinary\xff".to_vec())),
        );
        expect(
            "f_markup",
            session.get::<Markup>("f_markup").ok().flatten()
                == Some(Markup("<b>hi</b> & bye".into())),
        );
        expect(
            "f_uuid",
            session
                .get::<Uuid>("f_uuid")
                .ok()
                .flatten()
                .map(|u| u.0.to_string())
                == Some("12345678-1234-5678-1234-567812345678".into()),
        );
        expect(
            "f_datetime",
            session
                .get::<DateTime>("f_datetime")
                .ok()
                .flatten()
                .map(|d| d.0.unix_timestamp())
                == Some(1_704_164_645),
        );
        expect(
            "f_bigint",
            session
                .get::<BigInt>("f_bigint")
                .ok()
                .flatten()
                .and_then(|n| i128::try_from(&n).ok())
                == Some(123_456_789_012_345_678_901_234_567_890),
        );
        expect(
            "f_float",
            session.get::<f64>("f_float").ok().flatten() == Some(1e-5),
        );
        expect(
            "f_inf",
            session.get::<Float>("f_inf").ok().flatten() == Some(Float(f64::INFINITY)),
        );
        expect(
            "f_text",
            session.get::<String>("f_text").ok().flatten().as_deref()
                == Some("h\u{e9}llo \u{2603} \u{1f600} \"q\" \\ \u{7f}"),
        );
        expect(
            "f_tag_like",
            session
                .get::<Dict<BTreeMap<String, String>>>("f_tag_like")
                .ok()
                .flatten()
                == Some(Dict(BTreeMap::from([(" t".into(), "not a tuple".into())]))),
        );
        expect(
            "f_nested",
            session.get_value("f_nested")
                == Some(
                    json!({"list": [1, {"b": {" b": "eA=="}}, {" t": [{" m": "<i>"}]}], " di": 1}),
                ),
        );
        errors
    }

    async fn handle(
        State(engine): State<SessionEngine>,
        uri: Uri,
        headers: HeaderMap,
    ) -> Response<Body> {
        let fields = headers
            .get_all("cookie")
            .iter()
            .filter_map(|value| value.to_str().ok());
        let session = engine.load(fields);
        let body = match uri.path() {
            "/check" => json!({
                "errors": check_flask_values(&session),
                "reason": session.load_reason().as_str(),
                "permanent": session.is_persistent(),
            })
            .to_string(),
            "/set" => {
                rust_values(&session);
                "ok".to_owned()
            }
            "/big" => {
                let n: usize = uri
                    .query()
                    .and_then(|q| q.strip_prefix("n="))
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0);
                let seed = u64::try_from(n).expect("a small n");
                session
                    .insert("rust_big", test_support::noise(n, seed))
                    .expect("insert");
                "ok".to_owned()
            }
            "/shrink" => {
                session.remove("rust_big");
                session.remove("big");
                session.remove("big_hex");
                "ok".to_owned()
            }
            "/clear" => {
                session.clear();
                "ok".to_owned()
            }
            "/dump" => to_json(&crate::tagged(&session)),
            _ => "not found".to_owned(),
        };
        let finished = engine.finish(&session, ResponseInfo::new(200));
        let mut response = Response::builder().status(200);
        for (name, value) in finished.headers() {
            response = response.header(name, value);
        }
        response.body(Body::from(body)).expect("a response")
    }

    /// Serves the Rust side on a free loopback port; returns its base URL.
    pub(super) fn start(layout: FlaskLayout, salt: &str) -> String {
        let engine = SessionEngine::flask(config(), settings(SECRET).layout(layout).salt(salt));
        let app = Router::new().fallback(handle).with_state(engine);
        format!("http://{}", test_support::serve::axum(app))
    }
}

struct Visit {
    body: String,
    set_cookie: Vec<WireCookie>,
}

async fn visit(client: &reqwest::Client, base: &str, path: &str) -> Visit {
    let response = client
        .get(format!("{base}{path}"))
        .send()
        .await
        .unwrap_or_else(|err| panic!("GET {path}: {err}"));
    assert!(
        response.status().is_success(),
        "GET {path}: {}",
        response.status()
    );
    let set_cookie = WireCookie::from_headers(response.headers());
    let body = response.text().await.expect("body");
    Visit { body, set_cookie }
}

fn json_body(visit: &Visit) -> Value {
    serde_json::from_str(&visit.body).unwrap_or_else(|_| panic!("not JSON: {}", visit.body))
}

/// One cookie jar, two servers: every type crosses both ways, the session grows past one
/// cookie and shrinks again where the layout allows, and permanence and clearing carry.
async fn live(flask_layout: &str, layout: FlaskLayout, salt: &str, grows: bool) {
    let flask_app = FlaskApp::start(flask_layout, SECRET, salt);
    let flask = flask_app.base();
    let rust = &rust_server::start(layout, salt);
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");

    visit(&client, flask, "/set_all").await;
    let check = json_body(&visit(&client, rust, "/check").await);
    assert_eq!(
        check["errors"],
        json!([]),
        "Rust read Flask's values: {check}"
    );
    assert_eq!(check["reason"], "valid");

    visit(&client, rust, "/set").await;
    let check = json_body(&visit(&client, flask, "/check?rust=1").await);
    assert_eq!(
        check["errors"],
        json!([]),
        "Flask read Rust's values: {check}"
    );

    // Both sides see one session, written the same way.
    let counter = json_body(&visit(&client, flask, "/touch").await);
    assert_eq!(counter["counter"], 1);
    let from_flask = visit(&client, flask, "/dump").await.body;
    let from_rust = visit(&client, rust, "/dump").await.body;
    assert_eq!(from_flask, from_rust);
    assert!(from_rust.contains(r#""counter":1"#));

    if grows {
        // Flask grows it over several cookies, Rust reads them and grows it further.
        visit(&client, flask, "/big?n=4000").await;
        let check = json_body(&visit(&client, rust, "/check").await);
        assert_eq!(check["errors"], json!([]), "{check}");
        let grown = visit(&client, rust, "/big?n=9000").await;
        let pieces = grown.set_cookie.iter().filter(|c| !c.is_removal()).count();
        assert!(pieces >= 3, "{:?}", grown.set_cookie);
        assert!(
            grown
                .set_cookie
                .iter()
                .all(|c| c.line().len() <= SET_COOKIE_LINE_LIMIT)
        );
        let check = json_body(&visit(&client, flask, "/check?rust=1").await);
        assert_eq!(check["errors"], json!([]), "{check}");
        assert!(
            visit(&client, flask, "/dump")
                .await
                .body
                .contains("rust_big")
        );

        // Rust shrinks it back to one cookie and deletes the pieces the jar still holds.
        let shrunk = visit(&client, rust, "/shrink").await;
        let (deleted, set): (Vec<&WireCookie>, Vec<&WireCookie>) =
            shrunk.set_cookie.iter().partition(|c| c.is_removal());
        assert_eq!(set.len(), 1, "{:?}", shrunk.set_cookie);
        assert!(deleted.len() >= 2, "{:?}", shrunk.set_cookie);
        let check = json_body(&visit(&client, flask, "/check?rust=1").await);
        assert_eq!(check["errors"], json!([]), "{check}");
    }

    // A permanent session set by Flask: Rust keeps it permanent, with Flask's `Expires`.
    visit(&client, flask, "/permanent").await;
    let read = visit(&client, rust, "/check").await;
    assert_eq!(json_body(&read)["permanent"], json!(true));
    assert!(
        read.set_cookie
            .iter()
            .any(|c| c.cookie().expires().is_some()),
        "refreshed with Expires: {:?}",
        read.set_cookie
    );
    assert_eq!(
        json_body(&visit(&client, flask, "/check").await)["permanent"],
        json!(true)
    );

    // Rust clears it; Flask sees an empty session.
    visit(&client, rust, "/clear").await;
    let check = json_body(&visit(&client, flask, "/check").await);
    assert_eq!(check["keys"], json!([]), "{check}");
}

#[tokio::test(flavor = "multi_thread")]
async fn live_stock_flask_app_and_rust_share_one_cookie_jar() {
    live("stock", FlaskLayout::Stock, SALT, false).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn live_original_recipe_and_rust_share_one_cookie_jar() {
    // With the salt some deployments of the recipe used.
    live("recipe", FlaskLayout::Chunked, "cookie-session_ha", true).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn live_documented_chunked_interface_and_rust_share_one_cookie_jar() {
    live("fixed", FlaskLayout::Chunked, SALT, true).await;
}

//! `cookie-session --format flask` against real Flask: test-support's oracle answers as
//! Flask's own serializer. Python comes from `FLASK_PYTHON` or
//! `<workspace>/.venv/bin/python`.

use serde_json::{Value, json};
use test_support::oracle::Oracle;
use test_support::{Jar, WireCookie};

use super::run;

const TS: u64 = 1_700_000_000;

/// One request to the oracle.
fn ask(request: &Value) -> Value {
    Oracle::start().call(request)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8")
}

#[test]
fn encode_and_decode_are_byte_identical_to_flask() {
    let answer = ask(&json!({
        "op": "random", "seed": 11, "count": 40, "secret": "cli-secret",
        "salt": "cookie-session", "ts": TS,
    }));
    let now = TS.to_string();
    let flask = [
        "--format",
        "flask",
        "--secret",
        "cli-secret",
        "--now",
        now.as_str(),
    ];
    let mut stock_checked = 0;
    for case in answer["sessions"].as_array().expect("sessions") {
        let cookie = case["cookie"].as_str().expect("cookie");
        let json = case["json"].as_str().expect("json");

        let header = format!("session={cookie}");
        let mut args = vec!["decode"];
        args.extend(flask);
        args.extend(["--max-size", "40960", "--cookie", header.as_str()]);
        let out = run(&args, "");
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_eq!(text(&out.stdout), format!("{json}\n"));

        let mut args = vec!["encode"];
        args.extend(flask);
        let out = run(&args, json);
        if out.status.success() {
            let written = WireCookie::from_text(&text(&out.stdout));
            assert_eq!(written.len(), 1, "one session cookie");
            assert_eq!(written[0].name(), "session");
            assert_eq!(written[0].value(), cookie);
            stock_checked += 1;
        } else {
            // Past one cookie: the per-cookie limit, and the layout that lifts it.
            let message = text(&out.stderr);
            assert!(
                message.contains("4096") && message.contains("--layout chunked"),
                "{message}"
            );
        }

        // The chunked layout: the pieces join into Flask's value and decode the same.
        let mut args = vec!["encode"];
        args.extend(flask);
        args.extend(["--layout", "chunked", "--max-size", "40960"]);
        let out = run(&args, json);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let pieces = WireCookie::from_text(&text(&out.stdout));
        let joined: String = pieces.iter().map(WireCookie::value).collect();
        assert_eq!(joined, cookie);
        for (index, piece) in pieces.iter().enumerate() {
            assert_eq!(piece.name(), format!("session:{index}"));
        }
        let mut jar = Jar::new();
        // The tool wrote at `--now`: a permanent session's Expires is judged by that clock.
        jar.apply_wire_at(&pieces, TS);
        let header = jar.header();
        let mut args = vec!["decode"];
        args.extend(flask);
        args.extend([
            "--layout",
            "chunked",
            "--max-size",
            "40960",
            "--cookie",
            &header,
        ]);
        let out = run(&args, "");
        assert_eq!(text(&out.stdout), format!("{json}\n"));
    }
    assert!(stock_checked > 30, "{stock_checked}");
}

#[test]
fn rejections_exit_1_with_the_reason() {
    let cookie = ask(&json!({
        "op": "dumps", "json": r#"{"user":"alice"}"#, "secret": "old", "salt": "cookie-session",
        "ts": TS,
    }))["cookie"]
        .as_str()
        .expect("a cookie")
        .to_owned();
    let header = format!("session={cookie}");
    let decode = |extra: &[&str]| {
        let mut args = vec!["decode", "--format", "flask", "--cookie", header.as_str()];
        args.extend(extra);
        run(&args, "")
    };
    let at = |now: u64| now.to_string();
    let ok = decode(&[
        "--secret",
        "new",
        "--fallback-secret",
        "old",
        "--now",
        &at(TS),
    ]);
    assert_eq!(text(&ok.stdout), "{\"user\":\"alice\"}\n");
    // Signed by a host whose clock runs a second (or a minute) ahead: within the skew.
    for ahead in [1, 60] {
        let ok = decode(&["--secret", "old", "--now", &at(TS - ahead)]);
        assert!(ok.status.success(), "{ahead}: {}", text(&ok.stderr));
    }
    for (extra, reason) in [
        (vec!["--secret", "new", "--now", &at(TS)], "bad-signature"),
        (vec!["--secret", "old", "--now", &at(TS - 61)], "expired"),
        (
            vec!["--secret", "old", "--max-age", "60", "--now", &at(TS + 61)],
            "expired",
        ),
    ] {
        let out = decode(&extra);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            text(&out.stderr).starts_with(reason),
            "{}",
            text(&out.stderr)
        );
    }
    let ok = decode(&["--secret", "old", "--max-age", "60", "--now", &at(TS + 60)]);
    assert!(ok.status.success());
}

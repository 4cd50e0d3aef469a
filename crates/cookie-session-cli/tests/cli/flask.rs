//! `cookie-session --format flask` against real Flask: the oracle in
//! `crates/chunked-cookie-session/tests/flask/oracle.py` answers as Flask's own serializer.
//! Python comes from `FLASK_PYTHON` or `<workspace>/.venv/bin/python`.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

use super::run;

const TS: u64 = 1_700_000_000;

fn python() -> PathBuf {
    let path = std::env::var_os("FLASK_PYTHON").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python"),
        PathBuf::from,
    );
    let works = Command::new(&path)
        .args(["-c", "import flask"])
        .output()
        .is_ok_and(|out| out.status.success());
    assert!(
        works,
        "these tests run real Flask, and {} cannot import it. In the workspace root run \
         `python3 -m venv .venv && .venv/bin/pip install flask`, or set FLASK_PYTHON",
        path.display()
    );
    path
}

struct Oracle(Child);

impl Drop for Oracle {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One request to a fresh oracle process.
fn ask(request: &Value) -> Value {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../chunked-cookie-session/tests/flask/oracle.py");
    let mut oracle = Oracle(
        Command::new(python())
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start oracle.py"),
    );
    let mut stdin = oracle.0.stdin.take().expect("stdin");
    writeln!(stdin, "{request}").expect("write");
    drop(stdin);
    let mut line = String::new();
    BufReader::new(oracle.0.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("read");
    serde_json::from_str(&line).expect("JSON answer")
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
            let line = text(&out.stdout);
            let value = line
                .strip_prefix("session=")
                .and_then(|rest| rest.split(';').next())
                .expect("one session cookie");
            assert_eq!(value, cookie);
            stock_checked += 1;
        } else {
            assert!(
                text(&out.stderr).contains("max_size"),
                "{}",
                text(&out.stderr)
            );
        }

        // The chunked layout: the pieces join into Flask's value and decode the same.
        let mut args = vec!["encode"];
        args.extend(flask);
        args.extend(["--layout", "chunked", "--max-size", "40960"]);
        let out = run(&args, json);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let pairs: Vec<String> = text(&out.stdout)
            .lines()
            .map(|line| line.split(';').next().expect("pair").to_owned())
            .collect();
        let joined: String = pairs
            .iter()
            .map(|pair| pair.split_once('=').expect("name=value").1)
            .collect();
        assert_eq!(joined, cookie);
        let header = pairs.join("; ");
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
    for (extra, reason) in [
        (vec!["--secret", "new", "--now", &at(TS)], "bad-signature"),
        (vec!["--secret", "old", "--now", &at(TS - 1)], "expired"),
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

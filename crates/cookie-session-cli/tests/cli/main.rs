//! The `cookie-session` binary, run for real: keygen, encode and decode in every format
//! (the Flask format against real Flask, in `flask.rs`), and their failures; what its
//! messages say (`messages.rs`); where it reads cookies from, a real `curl -c` jar among
//! them (`input.rs`); `inspect`, the session's identity, `--idle-timeout` and a closed pipe
//! (`inspect.rs`); `revoke` against a real redis-server and a library engine on it
//! (`revoke.rs`); the client's cookie names and values escaped wherever they are printed
//! (`terminal.rs`).

use std::io::{ErrorKind, Write};
use std::process::{Command, Output, Stdio};

use test_support::forge::{PREFIX_LEN, header_bytes, with_header};
use test_support::{Jar, WireCookie, noise};

const BIN: &str = env!("CARGO_BIN_EXE_cookie-session");
const NOW: &str = "1700000000";

mod flask;
mod input;
mod inspect;
mod messages;
mod revoke;
mod terminal;

/// Runs the binary with `stdin` as its input, with no key from the environment.
fn run(args: &[&str], stdin: &str) -> Output {
    run_with_env(args, stdin, &[])
}

/// Runs the binary with `stdin` as its input and `env` as its only keys from the
/// environment.
fn run_with_env(args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env_remove("SESSION_KEY")
        .env_remove("FLASK_SECRET_KEY")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the cookie-session binary runs");
    let written = child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin.as_bytes());
    // A binary that refuses its arguments exits before reading its input.
    if let Err(err) = written {
        assert_eq!(err.kind(), ErrorKind::BrokenPipe, "writing stdin: {err}");
    }
    child.wait_with_output().expect("the binary finishes")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

fn keygen() -> String {
    let output = run(&["keygen"], "");
    assert!(output.status.success());
    stdout(&output).trim().to_owned()
}

/// A session of `len` characters that deflate cannot shrink much, so it needs chunks.
fn noisy_session(len: usize) -> String {
    serde_json::json!({"user": "ada", "roles": ["admin", "ops"], "blob": noise(len, 1)}).to_string()
}

/// The `Cookie` header a browser sends back after the `Set-Cookie` lines `encode` printed.
fn cookie_header(set_cookie: &str) -> String {
    let mut jar = Jar::new();
    jar.apply_wire_at(
        &WireCookie::from_text(set_cookie),
        NOW.parse().expect("seconds"),
    );
    jar.header()
}

#[test]
fn keygen_prints_a_fresh_256_bit_key() {
    let a = keygen();
    let b = keygen();
    assert_eq!(a.len(), 43);
    assert_ne!(a, b);
    assert!(chunked_cookie_session_key_ok(&a));
}

fn chunked_cookie_session_key_ok(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[test]
fn encode_then_decode_round_trips_over_several_chunks() {
    let key = keygen();
    let session = noisy_session(9_000);
    let encoded = run(
        &["encode", "--key", &key, "--now", NOW, "--max-size", "20000"],
        &session,
    );
    assert!(encoded.status.success(), "{}", stderr(&encoded));
    let lines = stdout(&encoded);
    let cookies = WireCookie::from_text(&lines);
    let names: Vec<&str> = cookies.iter().map(WireCookie::name).collect();
    assert!(
        names.len() >= 3,
        "9,000 noisy characters need several cookies: {names:?}"
    );
    let expected: Vec<String> = (0..names.len())
        .map(|i| {
            if i == 0 {
                "__Host-session".to_owned()
            } else {
                format!("__Host-session_{i}")
            }
        })
        .collect();
    assert_eq!(names, expected);
    for cookie in &cookies {
        assert!(cookie.line().len() <= 4093, "{} bytes", cookie.line().len());
        assert!(!cookie.is_removal());
        let attributes = cookie.cookie();
        assert!(attributes.secure() == Some(true) && attributes.http_only() == Some(true));
    }
    let header = cookie_header(&lines);
    let decode = ["decode", "--key", &key, "--now", "1700000100"];
    let decode = [&decode[..], &["--max-size", "20000"]].concat();
    let decoded = run(&[&decode[..], &["--cookie", &header]].concat(), "");
    assert!(decoded.status.success(), "{}", stderr(&decoded));
    let want: serde_json::Value = serde_json::from_str(&session).expect("valid JSON");
    let got: serde_json::Value =
        serde_json::from_str(&stdout(&decoded)).expect("decode prints JSON");
    assert_eq!(got, want);

    // The header may also come on stdin, one Cookie field per line (HTTP/2 style).
    let per_line = header.replace("; ", "\n");
    let decoded = run(&decode, &per_line);
    assert!(decoded.status.success(), "{}", stderr(&decoded));
}

#[test]
fn decode_failures_name_their_reason() {
    let key = keygen();
    let other = keygen();
    let encoded = run(
        &["encode", "--key", &key, "--now", NOW, "--max-size", "20000"],
        &noisy_session(9_000),
    );
    let mut jar = Jar::new();
    let now = NOW.parse().expect("seconds");
    jar.apply_wire_at(&WireCookie::from_text(&stdout(&encoded)), now);
    let header = jar.header();
    let without_chunk_1 = {
        let mut jar = jar.clone();
        jar.remove("__Host-session_1").expect("several chunks");
        jar.header()
    };
    // One character of chunk 1 changed, well inside it: a character that carries only
    // data bits. (Changing the token's last character was flaky: when the token's length
    // is not a multiple of 4 that character also carries padding bits, and strict base64
    // refuses a set padding bit as `malformed` before the tag is checked.)
    let tampered = {
        let mut jar = jar.clone();
        let value = jar.get_mut("__Host-session_1").expect("several chunks");
        let at = PREFIX_LEN + (value.len() - PREFIX_LEN) / 2;
        assert!(at + 1 < value.len());
        let flipped = if &value[at..=at] == "A" { "B" } else { "A" };
        value.replace_range(at..=at, flipped);
        jar.header()
    };
    // Chunk 0 announcing 200 chunks, re-encoded without the key.
    let lying_count = {
        let mut jar = jar.clone();
        let chunk0 = jar.get_mut("__Host-session").expect("chunk 0");
        let mut forged = header_bytes(chunk0);
        forged[2] = 200;
        *chunk0 = with_header(chunk0, &forged);
        jar.header()
    };
    let cases: [(&str, &str, &str, &str); 7] = [
        ("missing-chunk", &key, "1700000100", &without_chunk_1),
        ("bad-signature", &key, "1700000100", &tampered),
        ("unknown-key", &other, "1700000100", &header),
        ("expired", &key, "1800000000", &header),
        (
            "malformed",
            &key,
            "1700000100",
            "__Host-session=not-a-session",
        ),
        ("too-many-chunks", &key, "1700000100", &lying_count),
        ("no-session", &key, "1700000100", "other=1"),
    ];
    for (reason, key, now, cookie) in cases {
        let args = [
            "decode",
            "--key",
            key,
            "--now",
            now,
            "--max-size",
            "20000",
            "--cookie",
            cookie,
        ];
        let output = run(&args, "");
        assert_eq!(output.status.code(), Some(1), "{reason}");
        let message = stderr(&output);
        assert!(
            message.starts_with(&format!("{reason}: ")),
            "want {reason}, got {message}"
        );
    }
}

#[test]
fn old_keys_still_decode() {
    let old = keygen();
    let new = keygen();
    let encoded = run(&["encode", "--key", &old, "--now", NOW], r#"{"a":1}"#);
    let header = cookie_header(&stdout(&encoded));
    let decoded = run(
        &[
            "decode",
            "--key",
            &new,
            "--old-key",
            &old,
            "--now",
            NOW,
            "--cookie",
            &header,
        ],
        "",
    );
    assert!(decoded.status.success(), "{}", stderr(&decoded));
    assert_eq!(stdout(&decoded).trim(), r#"{"a":1}"#);
}

#[test]
fn over_budget_exits_1_with_the_sizes() {
    let key = keygen();
    let output = run(
        &["encode", "--key", &key, "--now", NOW],
        &noisy_session(20_000),
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).is_empty(),
        "nothing is written when over budget"
    );
    let message = stderr(&output);
    assert!(
        message.contains("7168") && message.contains("--max-size"),
        "{message}"
    );
}

#[test]
fn bad_input_is_explained() {
    let output = run(&["encode", "--now", NOW], "{}");
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("keygen"));
    let output = run(&["encode", "--key", "c2hvcnQ", "--now", NOW], "{}");
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("at least 32 random bytes") && message.contains("this one holds 5"),
        "{message}"
    );
    let output = run(&["encode", "--key", &keygen(), "--now", NOW], "[1, 2]");
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("JSON object"));
}

#[test]
fn private_format_hides_the_session_and_reads_old_keys() {
    let old = keygen();
    let new = keygen();
    let marker = "private-marker-7Qz9-do-not-reveal";
    let mut session: serde_json::Value =
        serde_json::from_str(&noisy_session(9_000)).expect("valid JSON");
    session["secret"] = serde_json::Value::from(marker);
    let session = session.to_string();
    let sized = ["--now", NOW, "--max-size", "20000"];

    let encoded = run(
        &[
            &["encode", "--format", "private", "--key", &old][..],
            &sized,
        ]
        .concat(),
        &session,
    );
    assert!(encoded.status.success(), "{}", stderr(&encoded));
    let lines = stdout(&encoded);
    assert!(WireCookie::from_text(&lines).len() >= 3, "{lines}");
    assert!(!lines.contains(marker));
    let header = cookie_header(&lines);

    let decoded = run(
        &[
            &[
                "decode",
                "--format",
                "private",
                "--key",
                &new,
                "--old-key",
                &old,
            ][..],
            &sized,
            &["--cookie", &header],
        ]
        .concat(),
        "",
    );
    assert!(decoded.status.success(), "{}", stderr(&decoded));
    let want: serde_json::Value = serde_json::from_str(&session).expect("valid JSON");
    let got: serde_json::Value =
        serde_json::from_str(&stdout(&decoded)).expect("decode prints JSON");
    assert_eq!(got, want);

    // Without the old key the session cannot be opened; the signed format refuses it.
    let cases: [(&str, &[&str]); 2] = [
        ("unknown-key", &["--format", "private", "--key", &new]),
        ("malformed", &["--key", &old]),
    ];
    for (reason, keys) in cases {
        let output = run(
            &[&["decode"][..], keys, &sized, &["--cookie", &header]].concat(),
            "",
        );
        assert_eq!(output.status.code(), Some(1), "{reason}");
        let message = stderr(&output);
        assert!(
            message.starts_with(&format!("{reason}: ")),
            "want {reason}, got {message}"
        );
    }
}

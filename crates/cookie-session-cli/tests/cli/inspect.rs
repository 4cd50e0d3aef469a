//! `inspect` (what a session's cookies show from the outside, and with a key the load
//! reason and the session's identity), `--idle-timeout`, and a reader that closes the pipe
//! early.

use std::io::Read;
use std::process::{Command, Stdio};

use chunked_cookie_session::revocation::MemoryRevocation;
use chunked_cookie_session::{EngineOptions, Key, WireFormat};
use serde_json::Value;
use test_support::Jar;

use super::{BIN, NOW, cookie_header, keygen, noisy_session, run, run_with_env, stderr, stdout};

const NOW_SECS: u64 = 1_700_000_000;
/// The library's default lifetime: 14 days.
const LIFETIME: u64 = 14 * 24 * 3600;

/// A signed session of two cookies (within 8 KiB), written at `NOW`, and its `Cookie`
/// header.
fn session_of_two(key: &str) -> String {
    let encoded = run(
        &["encode", "--key", key, "--now", NOW],
        &noisy_session(5_000),
    );
    assert!(encoded.status.success(), "{}", stderr(&encoded));
    cookie_header(&stdout(&encoded))
}

fn pairs(header: &str) -> Vec<(String, usize)> {
    header
        .split("; ")
        .map(|pair| {
            let name = pair.split('=').next().expect("a name");
            (name.to_owned(), pair.len())
        })
        .collect()
}

/// Without a key: the layout, each cookie's bytes against the 4096-byte browser limit,
/// the `Cookie` line against 8 and 16 KiB, and the header (version, key id, flags,
/// issued and expiry times); and a reminder that nothing was verified.
#[test]
fn inspect_without_a_key_shows_the_outside() {
    let key = keygen();
    let header = session_of_two(&key);
    let cookies = pairs(&header);
    assert_eq!(cookies.len(), 2);
    let with_other = format!("theme=dark; {header}");
    let output = run(&["inspect", "--cookie", &with_other], "");
    assert!(output.status.success(), "{}", stderr(&output));
    let table = stdout(&output);
    let line = |label: &str| {
        table
            .lines()
            .find(|line| line.starts_with(label))
            .unwrap_or_else(|| panic!("no {label:?} line in\n{table}"))
            .to_owned()
    };
    assert!(line("layout").contains("native"), "{table}");
    assert!(line("looks like").contains("signed"), "{table}");
    assert!(
        line("cookies").contains("2 of") && line("cookies").contains("4096"),
        "{table}"
    );
    for (name, bytes) in &cookies {
        let row = table
            .lines()
            .find(|row| row.trim_start().starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no row for {name} in\n{table}"));
        assert!(row.contains(&format!("{bytes} bytes")), "{row}");
        assert!(!row.contains("OVER"), "{row}");
    }
    assert!(line("other").contains("theme"), "{table}");
    let cookie_line = "Cookie: ".len() + with_other.len();
    let sizes = line("cookie line");
    assert!(
        sizes.contains(&format!("{cookie_line} bytes"))
            && sizes.contains("fits 8192")
            && sizes.contains("fits 16384"),
        "{sizes}"
    );
    let key_id = Key::from_base64(&key).expect("a key").id().to_string();
    let header_line = line("header");
    assert!(
        header_line.contains("version 2") && header_line.contains("signed"),
        "{header_line}"
    );
    assert!(table.contains(&format!("key id {key_id}")), "{table}");
    assert!(table.contains("announces 2 chunk(s)"), "{table}");
    assert!(line("issued").contains(&format!("({NOW_SECS})")), "{table}");
    assert!(
        line("expires").contains(&format!("({})", NOW_SECS + LIFETIME)),
        "{table}"
    );
    assert!(line("load").contains("not verified"), "{table}");

    // A Cookie line over 8 KiB is flagged against nginx's and Apache's limit.
    let big = run(
        &["encode", "--key", &key, "--now", NOW, "--max-size", "40000"],
        &noisy_session(12_000),
    );
    let big = cookie_header(&stdout(&big));
    let table = stdout(&run(&["inspect", "--cookie", &big], ""));
    assert!(
        table.contains("OVER 8192") && table.contains("fits 16384"),
        "{table}"
    );
}

/// With a key: the load reason as well, the same as `decode` would give.
#[test]
fn inspect_with_a_key_says_the_load_reason() {
    let key = keygen();
    let header = session_of_two(&key);
    let other = keygen();
    for (key, now, reason) in [
        (&key, NOW, "valid"),
        (&other, NOW, "unknown-key"),
        (&key, "1800000000", "expired"),
    ] {
        let all = ["inspect", "--key", key, "--now", now, "--cookie", &header];
        let output = run(&all, "");
        assert!(output.status.success(), "{}", stderr(&output));
        let table = stdout(&output);
        let load = table
            .lines()
            .find(|line| line.starts_with("load"))
            .expect("a load line");
        assert!(load.contains(&format!("load         {reason}: ")), "{load}");
    }
}

/// `--json` for scripts: every figure of the table, as numbers and strings.
#[test]
fn inspect_json_holds_every_figure() {
    let key = keygen();
    let header = session_of_two(&key);
    let cookies = pairs(&header);
    let json = |args: &[&str]| -> Value {
        let output = run(
            &[&["inspect", "--json", "--cookie", &header][..], args].concat(),
            "",
        );
        assert!(output.status.success(), "{}", stderr(&output));
        serde_json::from_str(&stdout(&output)).expect("inspect --json prints JSON")
    };
    let outside = json(&[]);
    assert_eq!(outside["name"], "__Host-session");
    assert_eq!(outside["looks_like"], "signed");
    assert_eq!(outside["load"], Value::Null);
    let chunks = outside["chunks"].as_array().expect("chunks");
    assert_eq!(chunks.len(), cookies.len());
    for (index, (chunk, (name, bytes))) in chunks.iter().zip(&cookies).enumerate() {
        assert_eq!(chunk["index"], index);
        assert_eq!(chunk["name"], name.as_str());
        assert_eq!(chunk["bytes"], *bytes);
        assert_eq!(chunk["over_browser_limit"], false);
        assert_eq!(chunk["copies"], 1);
        assert_eq!(chunk["same_write"], true);
    }
    assert_eq!(outside["cookie_line"], "Cookie: ".len() + header.len());
    let limits: Vec<(u64, bool)> = outside["header_limits"]
        .as_array()
        .expect("limits")
        .iter()
        .map(|l| (l["limit"].as_u64().expect("a limit"), l["fits"] == true))
        .collect();
    assert_eq!(limits, [(8192, true), (16384, true)]);
    let token = &outside["token"];
    assert_eq!(token["kind"], "native");
    assert_eq!(token["version"], 2);
    assert_eq!(token["encrypted"], false);
    assert_eq!(token["persistent"], false);
    assert_eq!(token["chunk_count"], 2);
    assert_eq!(token["issued_at"], NOW_SECS);
    assert_eq!(token["expires_at"], NOW_SECS + LIFETIME);
    let key_id = Key::from_base64(&key).expect("a key").id().to_string();
    assert_eq!(token["key_id"], key_id.as_str());
    assert_eq!(token["generation"].as_str().map(str::len), Some(12));
    assert_eq!(json(&["--key", &key, "--now", NOW])["load"], "valid");

    // A Flask cookie, read from the outside in the chunked layout.
    let flask = run(
        &[
            "encode", "--format", "flask", "--secret", "s", "--now", NOW, "--layout", "chunked",
        ],
        &noisy_session(6_000),
    );
    let flask_header = cookie_header(&stdout(&flask));
    let output = run(
        &[
            "inspect",
            "--json",
            "--format",
            "flask",
            "--layout",
            "chunked",
            "--cookie",
            &flask_header,
        ],
        "",
    );
    let inspected: Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(inspected["looks_like"], "flask");
    assert_eq!(inspected["token"]["kind"], "flask");
    assert_eq!(inspected["token"]["signed_at"], NOW_SECS);
    assert_eq!(inspected["chunks"][0]["name"], "session:0");
}

/// `--idle-timeout SECS` refuses a session idle longer than that (plus the 60-second
/// clock-skew allowance a server applies too), as `idle-expired`.
#[test]
fn idle_timeout_refuses_an_idle_session() {
    let key = keygen();
    let encoded = run(&["encode", "--key", &key, "--now", NOW], r#"{"a":1}"#);
    let header = cookie_header(&stdout(&encoded));
    let decode = |now: u64, idle: &str| {
        let now = now.to_string();
        run(
            &[
                "decode",
                "--key",
                &key,
                "--now",
                &now,
                "--idle-timeout",
                idle,
                "--cookie",
                &header,
            ],
            "",
        )
    };
    let fresh = decode(NOW_SECS + 600, "600");
    assert!(fresh.status.success(), "{}", stderr(&fresh));
    let within_skew = decode(NOW_SECS + 660, "600");
    assert!(within_skew.status.success(), "{}", stderr(&within_skew));
    let idle = decode(NOW_SECS + 661, "600");
    assert_eq!(idle.status.code(), Some(1));
    assert!(
        stderr(&idle).starts_with("idle-expired: "),
        "{}",
        stderr(&idle)
    );
    // Without the flag, the same session is valid: only the absolute lifetime applies.
    let output = run(
        &[
            "decode",
            "--key",
            &key,
            "--now",
            "1700000661",
            "--cookie",
            &header,
        ],
        "",
    );
    assert!(output.status.success());
    // inspect applies it too.
    let output = run(
        &[
            "inspect",
            "--json",
            "--key",
            &key,
            "--now",
            "1700000661",
            "--idle-timeout",
            "600",
            "--cookie",
            &header,
        ],
        "",
    );
    let inspected: Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(inspected["load"], "idle-expired");
}

/// `decode | head -c 100`: the reader takes 100 bytes and goes away; the tool stops
/// quietly, with status 0 and nothing on stderr (before: a panic and exit status 101).
#[test]
fn a_closed_pipe_ends_decode_quietly() {
    let key = keygen();
    // Half a megabyte of JSON, far more than a pipe buffers, in a few compressed cookies.
    let session = serde_json::json!({ "blob": "ab".repeat(250_000) }).to_string();
    let encoded = run(&["encode", "--key", &key, "--now", NOW], &session);
    assert!(encoded.status.success(), "{}", stderr(&encoded));
    let mut jar = Jar::new();
    jar.apply_wire_at(
        &test_support::WireCookie::from_text(&stdout(&encoded)),
        NOW_SECS,
    );
    let header = jar.header();
    for extra in [&[][..], &["--pretty"][..]] {
        let mut child = Command::new(BIN)
            .args(["decode", "--key", &key, "--now", NOW, "--cookie", &header])
            .args(extra)
            .env_remove("SESSION_KEY")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        let mut stdout = child.stdout.take().expect("piped");
        let mut head = [0u8; 100];
        stdout.read_exact(&mut head).expect("100 bytes");
        assert!(head.starts_with(b"{"));
        drop(stdout);
        let output = child.wait_with_output().expect("it ends");
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert!(output.stderr.is_empty(), "{}", stderr(&output));
    }
    // The same through a shell pipeline, as a user runs it.
    let script = format!(
        "{BIN} decode --key {key} --now {NOW} --cookie '{header}' 2>err | head -c 100 >/dev/null; \
         echo \"${{PIPESTATUS[0]}}\"; cat err"
    );
    let dir = super::messages::TempDir::new("pipe");
    let output = Command::new("bash")
        .args(["-c", &script])
        .current_dir(dir.path(""))
        .output()
        .expect("bash runs");
    assert_eq!(String::from_utf8_lossy(&output.stdout), "0\n");
}

/// A session bound to `subject`, sealed by the library in `format` under `key`, and its
/// `Cookie` header; with its id and creation time.
fn bound_session(format: WireFormat, key: &str, subject: &str) -> (String, String, u64) {
    let mut options = EngineOptions::new(format);
    options.key = Some(key.into());
    let engine = options.build().expect("an engine");
    let session = engine.load(std::iter::empty());
    session.set_subject(subject).expect("a subject");
    session.insert("cart", 3).expect("insert");
    let identity = session.identity().expect("an identity");
    let header = engine.save(&session).expect("saved").cookie_header();
    (
        header,
        identity.session_id().to_string(),
        identity.created(),
    )
}

/// With the key, `inspect` shows the session's id, subject and creation time (inside the
/// signed payload, or the encrypted one); without it, it says they are read with the key;
/// for a refused session, that there is none.
#[test]
fn inspect_shows_the_identity_with_the_key() {
    let key = keygen();
    for (format, name) in [
        (WireFormat::Signed, "signed"),
        (WireFormat::Private, "private"),
    ] {
        let (header, id, created) = bound_session(format, &key, "ada@example.com");
        let with_key = [
            "inspect", "--format", name, "--key", &key, "--cookie", &header,
        ];
        let table = stdout(&run(&with_key, ""));
        let line = |label: &str| {
            table
                .lines()
                .find(|line| line.starts_with(label))
                .unwrap_or_else(|| panic!("no {label:?} line in\n{table}"))
                .to_owned()
        };
        assert_eq!(line("session id"), format!("session id   {id}"), "{name}");
        assert!(
            line("created").contains(&format!("({created} µs)")),
            "{table}"
        );
        assert!(
            line("created").contains('T') && line("created").contains('Z'),
            "{table}"
        );
        assert_eq!(line("subject"), "subject      \"ada@example.com\"");

        let json: Value =
            serde_json::from_str(&stdout(&run(&[&with_key[..], &["--json"]].concat(), "")))
                .expect("JSON");
        assert_eq!(json["identity"]["session_id"], id.as_str());
        assert_eq!(json["identity"]["created"], created);
        assert_eq!(json["identity"]["subject"], "ada@example.com");
        assert_eq!(json["identity"]["derived"], false);

        let outside = stdout(&run(
            &["inspect", "--format", name, "--cookie", &header],
            "",
        ));
        assert!(
            outside.contains(
                "session id   not shown: the id, subject and creation time are read with the key"
            ),
            "{outside}"
        );
        assert!(
            !outside.contains(&id) && !outside.contains("ada@"),
            "{outside}"
        );
        let wrong = keygen();
        let refused = [
            "inspect", "--format", name, "--key", &wrong, "--json", "--cookie", &header,
        ];
        let json: Value = serde_json::from_str(&stdout(&run(&refused, ""))).expect("JSON");
        assert_eq!(json["load"], "unknown-key");
        assert_eq!(json["identity"], Value::Null);
    }
}

/// Flask's format carries the identity in reserved entries (written when the server has
/// a revocation store); `inspect` reads them with the secret.
#[test]
fn inspect_reads_the_identity_of_a_flask_session() {
    let secret = "a Flask secret key for the identity";
    let mut options = EngineOptions::new(WireFormat::Flask);
    options.secret_key = Some(zeroize::Zeroizing::new(secret.as_bytes().to_vec()));
    let store = MemoryRevocation::builder()
        .lifetime(options.session_lifetime())
        .build()
        .expect("a store");
    options.revocation = Some(std::sync::Arc::new(store));
    let engine = options.build().expect("an engine");
    let session = engine.load(std::iter::empty());
    session.set_subject("ada").expect("a subject");
    let id = session.id().expect("an id").to_string();
    let header = engine.save(&session).expect("saved").cookie_header();
    let table = stdout(&run_with_env(
        &["inspect", "--format", "flask", "--cookie", &header],
        "",
        &[("FLASK_SECRET_KEY", secret)],
    ));
    assert!(table.contains(&format!("session id   {id}")), "{table}");
    assert!(table.contains("subject      \"ada\""), "{table}");
}

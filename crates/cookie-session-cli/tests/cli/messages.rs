//! What the tool says when it cannot do what was asked: the sizes and the flag to change
//! (never a Rust builder method), the limits of each layout, the names it saw, the format
//! the cookies look like, and keys as people make them.

use std::process::Output;

use test_support::noise;

use super::{NOW, cookie_header, keygen, noisy_session, run, run_with_env, stderr, stdout};

fn fails_saying(output: &Output, what: &str) -> String {
    assert_eq!(output.status.code(), Some(1), "{what}: {}", stdout(output));
    assert!(stdout(output).is_empty(), "{what}: nothing on stdout");
    let message = stderr(output);
    for builder in [
        "max_size",
        "max_chunks",
        "SessionConfigBuilder",
        "DEFAULT_MAX_SIZE",
    ] {
        assert!(
            !message.contains(builder),
            "{what}: names the builder's {builder}: {message}"
        );
    }
    message
}

/// `decode` reads whatever fits the hard read limits (64 cookies), whatever budget the
/// writer had: a session made with `encode --max-size 65536` decodes without repeating the
/// flag. `decode --max-size` still lowers the cap, and says so when it refuses.
#[test]
fn decode_reads_any_session_within_the_hard_limits_by_default() {
    let key = keygen();
    let session = noisy_session(40_000);
    let encoded = run(
        &["encode", "--key", &key, "--now", NOW, "--max-size", "65536"],
        &session,
    );
    assert!(encoded.status.success(), "{}", stderr(&encoded));
    let header = cookie_header(&stdout(&encoded));
    assert!(header.len() > 40_000, "{}", header.len());

    let decoded = run(
        &["decode", "--key", &key, "--now", NOW, "--cookie", &header],
        "",
    );
    assert!(decoded.status.success(), "{}", stderr(&decoded));
    let got: serde_json::Value = serde_json::from_str(&stdout(&decoded)).expect("JSON");
    let want: serde_json::Value = serde_json::from_str(&session).expect("JSON");
    assert_eq!(got, want);

    let lowered = run(
        &[
            "decode",
            "--key",
            &key,
            "--now",
            NOW,
            "--max-size",
            "7168",
            "--cookie",
            &header,
        ],
        "",
    );
    let message = fails_saying(&lowered, "--max-size 7168");
    assert!(message.starts_with("too-large: "), "{message}");
    assert!(message.contains("--max-size"), "{message}");
}

/// Size messages name the sizes and the flag: over the budget, the bytes needed and the
/// budget, and `--max-size`; past the cookies a layout holds, that count (raising the
/// budget cannot help); a `--max-size` out of range, its range.
#[test]
fn size_messages_name_the_sizes_and_the_flag() {
    let key = keygen();
    let over = run(
        &["encode", "--key", &key, "--now", NOW],
        &noisy_session(9_000),
    );
    let message = fails_saying(&over, "over the default budget");
    assert!(
        message.contains("7168") && message.contains("--max-size") && message.contains("cookies"),
        "{message}"
    );
    let needed = message
        .split_whitespace()
        .skip_while(|word| *word != "needs")
        .nth(1)
        .and_then(|n| n.parse::<usize>().ok())
        .expect("the bytes needed");
    assert!(needed > 7168, "{message}");

    // Past the 16 cookies a session may take, however large the budget.
    let past = run(
        &["encode", "--key", &key, "--now", NOW, "--max-size", "65568"],
        &noisy_session(80_000),
    );
    let message = fails_saying(&past, "past 16 cookies");
    assert!(
        message.contains("16 cookies") && message.contains("store less"),
        "{message}"
    );
    assert!(!message.contains("raise --max-size"), "{message}");

    for (args, range) in [
        (vec!["encode", "--max-size", "100"], "65568"),
        (vec!["encode", "--max-size", "70000"], "65568"),
        (
            vec!["decode", "--max-size", "300000", "--cookie", "a=b"],
            "262272",
        ),
    ] {
        let mut args = args;
        args.extend(["--key", &key, "--now", NOW]);
        let output = run(&args, "{}");
        let message = fails_saying(&output, &args.join(" "));
        assert!(
            message.contains("--max-size") && message.contains("512") && message.contains(range),
            "{message}"
        );
    }
}

/// Flask's stock layout is one cookie: a session over 4096 bytes of name and value is
/// refused naming that limit, and `--layout chunked` is suggested (not the 7 KiB budget
/// and "2 cookies" of before). The chunked layout's default budget is the recipe's ten
/// cookies, and past ten cookies nothing helps but storing less.
#[test]
fn flask_layouts_have_their_own_limits() {
    let flask = ["--format", "flask", "--secret", "s", "--now", NOW];
    let session = serde_json::json!({ "notes": noise(5_000, 2) }).to_string();
    let stock = run(&[&["encode"][..], &flask].concat(), &session);
    let message = fails_saying(&stock, "Flask stock over 4096");
    assert!(
        message.contains("4096") && message.contains("--layout chunked"),
        "{message}"
    );
    assert!(!message.contains("7168"), "{message}");

    // Ten cookies' worth fits by default...
    let chunked = [&["encode"][..], &flask, &["--layout", "chunked"]].concat();
    let ten = serde_json::json!({ "notes": noise(38_000, 3) }).to_string();
    let output = run(&chunked, &ten);
    assert!(output.status.success(), "{}", stderr(&output));
    let lines = stdout(&output);
    let names: Vec<&str> = lines
        .lines()
        .map(|line| line.split('=').next().expect("a name"))
        .collect();
    assert!(names.len() >= 9, "{names:?}");
    assert_eq!(names[0], "session:0");
    assert_eq!(
        names.last().copied(),
        Some(format!("session:{}", names.len() - 1).as_str())
    );
    // ...eleven do not, whatever the budget.
    let eleven = serde_json::json!({ "notes": noise(45_000, 4) }).to_string();
    let message = fails_saying(&run(&chunked, &eleven), "eleven cookies");
    assert!(
        message.contains("10 cookies") && message.contains("store less"),
        "{message}"
    );
}

/// `no-session` lists the cookie names the request carried and suggests `--name`.
#[test]
fn no_session_lists_the_names_seen_and_suggests_name() {
    let key = keygen();
    let output = run(
        &[
            "decode",
            "--key",
            &key,
            "--now",
            NOW,
            "--cookie",
            "theme=dark; sid=abc",
            "--cookie",
            "csrftoken=x",
        ],
        "",
    );
    let message = fails_saying(&output, "no session");
    assert!(message.starts_with("no-session: "), "{message}");
    for needed in ["theme", "sid", "csrftoken", "--name"] {
        assert!(message.contains(needed), "{message}");
    }
    // The session under another name: `--name` finds it.
    let encoded = run(
        &["encode", "--key", &key, "--now", NOW, "--name", "sid"],
        r#"{"a":1}"#,
    );
    let header = cookie_header(&stdout(&encoded));
    let found = run(
        &[
            "decode", "--key", &key, "--now", NOW, "--name", "sid", "--cookie", &header,
        ],
        "",
    );
    assert_eq!(stdout(&found).trim(), r#"{"a":1}"#, "{}", stderr(&found));
    // No cookie at all: said so.
    let output = run(&["decode", "--key", &key, "--cookie", ""], "");
    let message = fails_saying(&output, "no cookie");
    assert!(message.contains("no cookie at all"), "{message}");
}

/// Without `--name` the tool reads and writes the name the library gives an unnamed
/// cookie: `__Host-session` in the native formats (what an application on the library's
/// defaults sends), `session` in Flask's. A cookie still named `session` is found with
/// `--name session`, and the refusal without it names both.
#[test]
fn the_default_name_is_the_librarys() {
    let key = keygen();
    let encode = |args: &[&str]| {
        let output = run(
            &[&["encode", "--now", NOW][..], args].concat(),
            r#"{"a":1}"#,
        );
        assert!(output.status.success(), "{}", stderr(&output));
        cookie_header(&stdout(&output))
    };
    let native = encode(&["--key", &key]);
    assert!(native.starts_with("__Host-session="), "{native}");
    assert!(encode(&["--format", "flask", "--secret", "s"]).starts_with("session="));
    let named = encode(&["--key", &key, "--name", "session"]);
    assert!(named.starts_with("session="), "{named}");

    let decode = |cookie: &str, name: &[&str]| {
        let args = ["decode", "--key", &key, "--now", NOW, "--cookie", cookie];
        run(&[&args[..], name].concat(), "")
    };
    assert_eq!(stdout(&decode(&native, &[])).trim(), r#"{"a":1}"#);
    let message = fails_saying(&decode(&named, &[]), "no session of the default name");
    assert!(
        message.starts_with("no-session: ")
            && message.contains(r#"no cookie named "__Host-session", but these: session"#)
            && message.contains("--name"),
        "{message}"
    );
    let found = decode(&named, &["--name", "session"]);
    assert_eq!(stdout(&found).trim(), r#"{"a":1}"#, "{}", stderr(&found));

    // Two different sessions under the name: neither is printed, and the hint says why.
    let other = encode(&["--key", &key]);
    let message = fails_saying(&decode(&format!("{native}; {other}"), &[]), "two sessions");
    assert!(
        message.starts_with("ambiguous: ") && message.contains("`inspect` shows them"),
        "{message}"
    );
}

/// Cookies of one format read as another are named for what they are, with the flag to
/// read them: a private token read as signed and the reverse, a Flask cookie read as a
/// native one and the reverse.
#[test]
fn a_token_of_another_format_says_which_and_suggests_format() {
    let key = keygen();
    let encode = |format: &[&str]| {
        let output = run(
            &[&["encode", "--now", NOW][..], format].concat(),
            r#"{"user":"ada"}"#,
        );
        assert!(output.status.success(), "{}", stderr(&output));
        cookie_header(&stdout(&output))
    };
    let signed = encode(&["--key", &key]);
    let private = encode(&["--format", "private", "--key", &key]);
    let flask = encode(&["--format", "flask", "--secret", "s"]);
    let cases: [(&str, &[&str], &str); 4] = [
        (&private, &["--key", &key], "private"),
        (&signed, &["--format", "private", "--key", &key], "signed"),
        (&flask, &["--key", &key], "flask"),
        (&signed, &["--format", "flask", "--secret", "s"], "signed"),
    ];
    for (cookie, as_format, actual) in cases {
        let output = run(
            &[&["decode", "--now", NOW, "--cookie", cookie][..], as_format].concat(),
            "",
        );
        let message = fails_saying(&output, actual);
        assert!(
            message.contains(&format!("look like the {actual} format"))
                && message.contains(&format!("--format {actual}")),
            "{message}"
        );
    }
}

/// Keys the way people make them: `openssl rand -base64 32` (standard base64, padded, a
/// newline) in `SESSION_KEY` or a `--key-file`, and openssl's wrapped lines for a longer
/// secret; every refusal says what a key is and how to make one.
#[test]
fn keys_as_openssl_prints_them() {
    let dir = TempDir::new("keys");
    let openssl = |bytes: &str| {
        let output = std::process::Command::new("openssl")
            .args(["rand", "-base64", bytes])
            .output()
            .expect("openssl runs (Debian package openssl)");
        assert!(output.status.success());
        String::from_utf8(output.stdout).expect("base64")
    };
    for bytes in ["32", "64"] {
        let text = openssl(bytes);
        assert!(text.ends_with('\n'));
        let file = dir.write(&format!("key-{bytes}"), &text);
        // Encoded with the key from the environment, as a shell's `$(...)` leaves it (the
        // last newline dropped, the wrapped lines kept), decoded with the file.
        let encoded = run_with_env(
            &["encode", "--now", NOW],
            r#"{"user":"ada"}"#,
            &[("SESSION_KEY", text.trim_end_matches('\n'))],
        );
        assert!(encoded.status.success(), "{bytes}: {}", stderr(&encoded));
        let header = cookie_header(&stdout(&encoded));
        let decoded = run(
            &[
                "decode",
                "--key-file",
                &file,
                "--now",
                NOW,
                "--cookie",
                &header,
            ],
            "",
        );
        assert!(decoded.status.success(), "{bytes}: {}", stderr(&decoded));
        assert_eq!(stdout(&decoded).trim(), r#"{"user":"ada"}"#);
        // And the environment's value with its newline, as a file would give it.
        let decoded = run_with_env(
            &["decode", "--now", NOW, "--cookie", &header],
            "",
            &[("SESSION_KEY", &text)],
        );
        assert!(decoded.status.success(), "{bytes}: {}", stderr(&decoded));
    }

    let short = dir.write("short", "q6/+Vm2AuEIT2mB0ERGv0A==\n");
    let key = keygen();
    for (args, env, expected) in [
        (vec!["--key", "not base64!"], vec![], "base64"),
        (
            vec!["--old-key", "c2hvcnQ="],
            vec![("SESSION_KEY", key.as_str())],
            "--old-key",
        ),
        (
            vec![],
            vec![("SESSION_KEY", "q6/+Vm2AuEIT2mB0ERGv0A==\n")],
            "32",
        ),
        (vec!["--key-file", short.as_str()], vec![], "32"),
    ] {
        let output = run_with_env(&[&["encode", "--now", NOW][..], &args].concat(), "{}", &env);
        let message = fails_saying(&output, expected);
        for advice in ["cookie-session keygen", "openssl rand -base64 32"] {
            // Said once: the library's message holds no advice of its own.
            assert_eq!(message.matches(advice).count(), 1, "{advice}: {message}");
        }
    }
    let missing = run(
        &["encode", "--now", NOW, "--key-file", "/nonexistent/key"],
        "{}",
    );
    let message = fails_saying(&missing, "no such file");
    assert!(message.contains("/nonexistent/key"), "{message}");
}

/// A directory of its own under the system's temporary directory, removed when dropped.
pub struct TempDir(std::path::PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let path = std::env::temp_dir().join(format!(
            "cookie-session-cli-{tag}-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("after 1970")
                .as_nanos()
        ));
        std::fs::create_dir_all(&path).expect("a temporary directory");
        TempDir(path)
    }

    pub fn path(&self, name: &str) -> String {
        self.0.join(name).to_str().expect("a UTF-8 path").to_owned()
    }

    pub fn write(&self, name: &str, text: &str) -> String {
        let path = self.path(name);
        std::fs::write(&path, text).expect("write a temporary file");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

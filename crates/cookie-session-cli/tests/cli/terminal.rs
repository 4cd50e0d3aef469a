//! What the client sent never reaches the terminal raw: cookie names in `decode`'s hints
//! and in `inspect`'s table and JSON, and the session `decode` prints, have their control
//! characters escaped, so a cookie named `\x1b[2J` cannot clear or recolour the screen.
//! What is escaped still means the same: the JSON parses back to the very names and values.

use serde_json::{Value, json};

use super::{NOW, cookie_header, keygen, run, stderr, stdout};

/// Names that would drive a terminal: ANSI sequences (clear, red), a bell, a C1 CSI (what
/// some terminals read as ESC `[`), a DEL, a backspace over the previous character.
const HOSTILE: [&str; 6] = [
    "\x1b[2J\x1b[31mx",
    "bell\x07",
    "c1\u{9b}31m",
    "del\x7f",
    "back\x08space",
    "tab\there",
];

/// Panics when `text` holds a control character other than the line ends and indentation
/// the tool writes itself.
fn assert_printable(text: &str, what: &str) {
    let raw: Vec<char> = text
        .chars()
        .filter(|&c| c.is_control() && !matches!(c, '\n' | ' '))
        .collect();
    assert!(raw.is_empty(), "{what} printed raw {raw:?}: {text:?}");
}

/// A `Cookie` header carrying every hostile name, and no session.
fn hostile_header() -> String {
    HOSTILE
        .iter()
        .enumerate()
        .map(|(i, name)| format!("{name}={i}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The issue's own reproduction: `printf 'Cookie: \033[2J\033[31mx=1\n' | cookie-session
/// decode`, and the same names from `Set-Cookie` lines and `--cookie`.
#[test]
fn decode_hints_escape_cookie_names() {
    let key = keygen();
    let decode = |args: &[&str], stdin: &str| {
        let output = run(&[&["decode", "--key", &key][..], args].concat(), stdin);
        assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
        let message = stderr(&output);
        assert!(message.starts_with("no-session: "), "{message}");
        assert_printable(&message, "decode's hint");
        message
    };
    let message = decode(&[], "Cookie: \x1b[2J\x1b[31mx=1\n");
    assert!(message.contains(r"\u{1b}[2J\u{1b}[31mx"), "{message}");

    let set_cookie: String = HOSTILE
        .iter()
        .map(|name| format!("Set-Cookie: {name}=1; Path=/\n"))
        .collect();
    for message in [
        decode(&[], &set_cookie),
        decode(&["--cookie", &hostile_header()], ""),
    ] {
        for escaped in [r"\u{7}", r"\u{9b}31m", r"del\u{7f}", r"back\u{8}space"] {
            assert!(message.contains(escaped), "{escaped}: {message}");
        }
    }
    // A backslash is doubled, so no name can pass for an escaped one.
    let message = decode(&["--cookie", r"a\u{1b}=1"], "");
    assert!(message.contains(r"a\\u{1b}"), "{message}");
}

/// `inspect` names the other cookies escaped in its table, and writes them in its JSON as
/// JSON escapes that parse back to the very names.
#[test]
fn inspect_escapes_cookie_names_in_the_table_and_the_json() {
    let key = keygen();
    let encoded = run(&["encode", "--key", &key, "--now", NOW], r#"{"a":1}"#);
    let header = format!("{}; {}", hostile_header(), cookie_header(&stdout(&encoded)));

    let table = run(&["inspect", "--cookie", &header], "");
    assert!(table.status.success(), "{}", stderr(&table));
    let table = stdout(&table);
    assert_printable(&table, "inspect's table");
    let other = table
        .lines()
        .find(|line| line.starts_with("other"))
        .unwrap_or_else(|| panic!("no other line: {table}"));
    assert!(
        other.contains(r"\u{1b}[2J\u{1b}[31mx") && other.contains(r"c1\u{9b}31m"),
        "{other}"
    );

    let output = run(&["inspect", "--json", "--cookie", &header], "");
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert_printable(&text, "inspect --json");
    let body: Value = serde_json::from_str(&text).expect("inspect prints JSON");
    assert_eq!(body["others"], json!(HOSTILE));
}

/// A session holding control characters decodes to JSON without a raw one, in the native
/// and the Flask format, compact and pretty, and the JSON parses back to the same values.
#[test]
fn decoded_sessions_escape_control_characters() {
    let key = keygen();
    let session = json!({ "x": HOSTILE.join(""), HOSTILE[0]: HOSTILE[2] });
    let formats: [&[&str]; 2] = [
        &["--key", &key],
        &["--format", "flask", "--secret", "terminal"],
    ];
    for format in formats {
        let encoded = run(
            &[&["encode", "--now", NOW][..], format].concat(),
            &session.to_string(),
        );
        assert!(encoded.status.success(), "{}", stderr(&encoded));
        let header = cookie_header(&stdout(&encoded));
        for pretty in [&[][..], &["--pretty"]] {
            let args = [
                &["decode", "--now", NOW, "--cookie", &header][..],
                format,
                pretty,
            ];
            let output = run(&args.concat(), "");
            assert!(output.status.success(), "{}", stderr(&output));
            let text = stdout(&output);
            assert_printable(&text, "decode");
            let decoded: Value = serde_json::from_str(&text).expect("decode prints JSON");
            assert_eq!(decoded, session, "{format:?} {pretty:?}");
        }
    }
}

/// A request of many cookies is named in part: the first twenty names and a count.
#[test]
fn long_name_lists_are_cut_with_a_count() {
    let key = keygen();
    let header: Vec<String> = (0..100).map(|i| format!("c{i}=1")).collect();
    let output = run(
        &["decode", "--key", &key, "--cookie", &header.join("; ")],
        "",
    );
    let message = stderr(&output);
    assert!(
        message.contains("c0, c1,") && message.contains("c19 and 80 more"),
        "{message}"
    );
    assert!(!message.contains("c20"), "{message}");
}

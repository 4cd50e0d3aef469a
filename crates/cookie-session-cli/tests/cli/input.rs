//! Where `decode` reads cookies from: a `Cookie` header, whole `Set-Cookie` lines (one or
//! several, as a response carries them), and the cookie-jar file a real `curl -c` writes.

use std::process::Command;

use axum::http::header::SET_COOKIE;
use axum::response::AppendHeaders;

use super::messages::TempDir;
use super::{NOW, keygen, noisy_session, run, stderr, stdout};

/// A session spread over several cookies, and the `Set-Cookie` lines that carry it.
fn several_cookies(key: &str) -> (serde_json::Value, String) {
    let session = noisy_session(9_000);
    let encoded = run(
        &["encode", "--key", key, "--now", NOW, "--max-size", "20000"],
        &session,
    );
    assert!(encoded.status.success(), "{}", stderr(&encoded));
    let lines = stdout(&encoded);
    assert!(lines.lines().count() >= 3, "{lines}");
    (serde_json::from_str(&session).expect("JSON"), lines)
}

fn decoded(output: &std::process::Output) -> serde_json::Value {
    assert!(output.status.success(), "{}", stderr(output));
    serde_json::from_str(&stdout(output)).expect("decode prints JSON")
}

/// `--cookie` takes what a response carried: the `Set-Cookie` lines as `encode` printed
/// them (all in one argument, or one argument each, with or without the header name), and
/// a later line that deletes a cookie removes it, as a browser would.
#[test]
fn set_cookie_lines_are_read_as_a_browser_keeps_them() {
    let key = keygen();
    let (want, lines) = several_cookies(&key);
    let decode = |cookies: &[String]| {
        let mut args = vec!["decode", "--key", &key, "--now", NOW];
        for cookie in cookies {
            args.extend(["--cookie", cookie.as_str()]);
        }
        run(&args, "")
    };
    let each: Vec<String> = lines.lines().map(str::to_owned).collect();
    let prefixed: Vec<String> = each.iter().map(|l| format!("Set-Cookie: {l}")).collect();
    for cookies in [
        vec![lines.clone()],
        each.clone(),
        prefixed,
        vec![prefixed_text(&lines)],
    ] {
        assert_eq!(decoded(&decode(&cookies)), want);
    }
    // The same lines on standard input.
    assert_eq!(
        decoded(&run(&["decode", "--key", &key, "--now", NOW], &lines)),
        want
    );

    // A later line deleting chunk 1: the session is missing a chunk.
    let deleted = format!("{lines}__Host-session_1=; Path=/; Secure; Max-Age=0\n");
    let output = decode(&[deleted]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).starts_with("missing-chunk: "),
        "{}",
        stderr(&output)
    );
    // A Set-Cookie line beside an ordinary Cookie header of other cookies.
    let mixed = vec![each.join("\n"), "theme=dark; lang=en".to_owned()];
    assert_eq!(decoded(&decode(&mixed)), want);
}

/// 100,000 `Set-Cookie` lines, as a long capture holds them: sets, deletions in both
/// spellings, cookies set again (which move to the end, as a browser's jar orders them
/// by creation), and the session's own lines last, replacing a garbage `session`. The
/// field `cookie_fields` makes holds exactly the cookies left, and `decode` reads the
/// session out of them. (Reading them used to take a pass over every cookie held per
/// line; the time is not asserted here, a test is no benchmark.)
#[test]
fn a_hundred_thousand_set_cookie_lines_are_read_right() {
    const LINES: usize = 100_000;
    const SETS: usize = 50_000;
    let key = keygen();
    let (want, session_lines) = several_cookies(&key);
    let session_lines: Vec<&str> = session_lines.lines().collect();

    let mut lines = vec!["Set-Cookie: __Host-session=garbage; Path=/; Secure".to_owned()];
    lines.extend((0..SETS).map(|i| format!("Set-Cookie: c{i}=a{i}; Path=/; HttpOnly")));
    lines.extend((0..SETS).step_by(2).map(|i| match i % 4 {
        0 => format!("Set-Cookie: c{i}=; Path=/"),
        _ => format!("c{i}=gone; Path=/; Max-Age=0"),
    }));
    lines.extend(
        (1..SETS)
            .step_by(4)
            .map(|i| format!("Set-Cookie: c{i}=b{i}; Secure")),
    );
    let repeats = LINES - lines.len() - session_lines.len();
    lines.extend((0..repeats).map(|j| format!("set-cookie: t={j}")));
    lines.extend(
        session_lines
            .iter()
            .map(|line| format!("Set-Cookie: {line}")),
    );
    assert_eq!(lines.len(), LINES);
    let text = lines.join("\n");

    let mut expected: Vec<String> = (3..SETS).step_by(4).map(|i| format!("c{i}=a{i}")).collect();
    expected.extend((1..SETS).step_by(4).map(|i| format!("c{i}=b{i}")));
    expected.push(format!("t={}", repeats - 1));
    expected.extend(session_lines.iter().map(|line| {
        let pair = line.split(';').next().expect("name=value first");
        pair.to_owned()
    }));
    let fields = cookie_session_cli::input::cookie_fields(&text);
    assert_eq!(fields.len(), 1, "Set-Cookie lines make one field");
    let got: Vec<&str> = fields[0].split("; ").collect();
    assert_eq!(got.len(), expected.len());
    assert!(got == expected, "the cookies left differ from the jar's");

    assert_eq!(
        decoded(&run(&["decode", "--key", &key, "--now", NOW], &text)),
        want
    );
}

fn prefixed_text(lines: &str) -> String {
    lines
        .lines()
        .map(|line| format!("Set-Cookie: {line}\r\n"))
        .collect()
}

/// Serves one response carrying `set_cookie` lines to every request, on a free loopback
/// port, until the test ends.
fn serve(set_cookie: Vec<String>) -> u16 {
    let app = axum::Router::new().fallback(move || {
        let lines = set_cookie
            .clone()
            .into_iter()
            .map(|line| (SET_COOKIE, line));
        async move { (AppendHeaders(lines), "ok") }
    });
    test_support::serve::axum(app).port()
}

/// `--cookie-jar` reads the file a real `curl -c` wrote after a response that set a
/// session of several cookies (`Secure`, `HttpOnly`: curl marks those `#HttpOnly_`), and
/// after a second response that deleted one of them and set another cookie.
///
/// The server is a bare axum router (test-support's `serve`) rather than the playground: a
/// test of this crate cannot start the playground's binary (Cargo gives a test only its
/// own crate's binaries), and what matters here is what curl writes for the `Set-Cookie`
/// lines this tool prints. The playground's own e2e tests read a `curl -c` jar of the
/// playground's cookies with the same parser.
#[test]
fn a_cookie_jar_written_by_curl_is_read() {
    let key = keygen();
    let (want, lines) = several_cookies(&key);
    let cookies: Vec<String> = lines.lines().map(str::to_owned).collect();
    let dir = TempDir::new("jar");
    let jar = dir.path("cookies.txt");
    let curl = |port: u16| {
        let status = Command::new("curl")
            .args(["--silent", "--show-error", "--output", "/dev/null"])
            .args(["--cookie", &jar, "--cookie-jar", &jar])
            .arg(format!("http://127.0.0.1:{port}/"))
            .status()
            .expect("curl runs (Debian package curl)");
        assert!(status.success());
    };
    curl(serve(cookies.clone()));
    let text = std::fs::read_to_string(&jar).expect("curl wrote the jar");
    assert!(text.contains("#HttpOnly_127.0.0.1\t"), "{text}");
    let output = run(
        &["decode", "--key", &key, "--now", NOW, "--cookie-jar", &jar],
        "",
    );
    assert_eq!(decoded(&output), want);

    // A second response: another cookie set, and chunk 1 deleted.
    curl(serve(vec![
        "theme=dark; Path=/".to_owned(),
        "__Host-session_1=; Path=/; Secure; Max-Age=0".to_owned(),
    ]));
    let text = std::fs::read_to_string(&jar).expect("the jar");
    assert!(
        text.contains("\ttheme\tdark") && !text.contains("\t__Host-session_1\t"),
        "{text}"
    );
    let output = run(
        &["decode", "--key", &key, "--now", NOW, "--cookie-jar", &jar],
        "",
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).starts_with("missing-chunk: "),
        "{}",
        stderr(&output)
    );

    // A file that is not a cookie jar is refused with the line at fault.
    let bogus = dir.write(
        "bogus.txt",
        "# Netscape HTTP Cookie File\nnot a cookie line\n",
    );
    let output = run(&["decode", "--key", &key, "--cookie-jar", &bogus], "");
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("line 2") && message.contains("curl -c"),
        "{message}"
    );
}

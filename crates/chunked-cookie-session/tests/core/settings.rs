//! Settings made the way people make them: keys from `openssl rand -base64 32` (standard
//! base64, padded, with a newline), and cookie attributes that browsers can match (ASCII
//! Path and Domain, refused at build time otherwise). Every refusal says what was expected
//! and how to get it right.

use chunked_cookie_session::{ConfigError, Key, KeyError, LoadReason, SessionConfig, Setting};
use serde_json::json;

use super::fixture::Fixture;
use super::support::*;

every_format!(internationalized_path_and_domain_are_refused_until_ascii);

/// The 32 bytes of every spelling below.
const SECRET: [u8; 32] = [
    0xab, 0xaf, 0xfe, 0x56, 0x6d, 0x80, 0xb8, 0x42, 0x13, 0xda, 0x60, 0x74, 0x11, 0x11, 0xaf, 0xd0,
    0xa2, 0xde, 0x50, 0xd5, 0xb7, 0x7a, 0x45, 0xac, 0x6d, 0x3b, 0x19, 0xab, 0x44, 0x9f, 0xce, 0x7f,
];

/// What `openssl rand -base64 32` prints for those bytes: standard alphabet (`+`, `/`),
/// padded, and a newline.
const OPENSSL: &str = "q6/+Vm2AuEIT2mB0ERGv0KLeUNW3ekWsbTsZq0Sfzn8=\n";

#[test]
fn keys_in_every_base64_spelling_are_accepted() {
    let want = Key::from_secret(&SECRET).expect("32 bytes");
    let spellings = [
        OPENSSL,
        // `SESSION_KEY=$(openssl rand -base64 32)`: the shell drops the newline.
        OPENSSL.trim_end(),
        // From a file written on Windows, or indented in a config file.
        "q6/+Vm2AuEIT2mB0ERGv0KLeUNW3ekWsbTsZq0Sfzn8=\r\n",
        "  q6/+Vm2AuEIT2mB0ERGv0KLeUNW3ekWsbTsZq0Sfzn8=  ",
        // Standard alphabet without padding.
        "q6/+Vm2AuEIT2mB0ERGv0KLeUNW3ekWsbTsZq0Sfzn8",
        // base64url, as `cookie-session keygen` prints it, and padded.
        "q6_-Vm2AuEIT2mB0ERGv0KLeUNW3ekWsbTsZq0Sfzn8",
        "q6_-Vm2AuEIT2mB0ERGv0KLeUNW3ekWsbTsZq0Sfzn8=",
    ];
    for text in spellings {
        let key = Key::from_base64(text).unwrap_or_else(|err| panic!("{text:?}: {err}"));
        assert_eq!(key.id(), want.id(), "{text:?}");
        assert_eq!(key, want, "{text:?}");
    }
    // Longer secrets too, such as `openssl rand -base64 48`.
    let long = "q6/+Vm2AuEIT2mB0ERGv0KLeUNW3ekWsbTsZq0Sfzn+rr/5WbYC4QhPaYHQREa/Q\n";
    assert!(Key::from_base64(long).is_ok());
}

/// `openssl rand -base64 N` wraps its output every 64 characters, so a secret of more than
/// 48 bytes comes as several lines (in a file, or in `$(...)` in a shell).
#[test]
fn wrapped_openssl_output_is_accepted() {
    let wrapped = "q6/+Vm2AuEIT2mB0ERGv0KLeUNW3ekWsbTsZq0Sfzn+rr/5WbYC4QhPaYHQREa/Q\n\
                   ot5Q1bd6RaxtOxmrRJ/Ofw==\n";
    let key = Key::from_base64(wrapped).unwrap_or_else(|err| panic!("{err}"));
    let one_line: String = wrapped.split_whitespace().collect();
    assert_eq!(key, Key::from_base64(&one_line).expect("one line"));
}

#[test]
fn every_key_error_says_what_was_expected_and_leaves_the_advice_to_the_front_end() {
    let cases: [(&str, KeyError, &str); 6] = [
        ("not base64!", KeyError::NotBase64, "base64"),
        // Both alphabets at once: neither.
        (
            "q6/+Vm2AuEIT2mB0ERGv0KLeUNW3ekWsbTsZq0Sfz_-",
            KeyError::NotBase64,
            "base64",
        ),
        ("", KeyError::TooShort(0), "32"),
        ("   \n", KeyError::TooShort(0), "32"),
        // `openssl rand -base64 16`: too short.
        ("q6/+Vm2AuEIT2mB0ERGv0A==\n", KeyError::TooShort(16), "32"),
        (&"A".repeat(1400), KeyError::TooLong(1050), "1024"),
    ];
    for (text, want, expected) in cases {
        let err = Key::from_base64(text).expect_err("refused");
        assert_eq!(err, want, "{text:.40?}");
        let message = err.to_string();
        for needed in [expected, "bytes"] {
            assert!(message.contains(needed), "{text:.40?}: {message}");
        }
        // How to make a key is the front end's to say (the CLI's `cookie-session keygen`,
        // the Python package's `python -m chunked_cookie_session keygen`), once.
        for advice in ["keygen", "openssl", "make one"] {
            assert!(!message.contains(advice), "{text:.40?}: {message}");
        }
    }
    let err = Key::from_secret(b"short").expect_err("refused");
    assert!(err.to_string().contains("at least 32"), "{err}");
    assert!(!err.to_string().contains("keygen"), "{err}");
}

/// Browsers match `Path` and `Domain` against the ASCII form of the URL, so a cookie with
/// either in UTF-8 is stored and never sent back: the configuration is refused when built,
/// naming the attribute and saying how to write it (percent-encoding, punycode). Their
/// ASCII forms are accepted, and written as given.
fn internationalized_path_and_domain_are_refused_until_ascii(f: &Fixture) {
    let refused = [
        (SessionConfig::builder().path("/caf\u{e9}"), Setting::Path),
        (SessionConfig::builder().path("/\u{1f36a}/"), Setting::Path),
        (
            SessionConfig::builder().domain("b\u{fc}cher.example"),
            Setting::Domain,
        ),
        (
            SessionConfig::builder().domain("xn--bcher-kva.\u{4f8b}\u{3048}"),
            Setting::Domain,
        ),
    ];
    for (builder, attribute) in refused {
        let err = builder.build().expect_err("refused");
        assert_eq!(err, ConfigError::NonAscii(attribute));
        let message = err.to_string();
        for needed in [attribute.code(), "ASCII", "punycode", "percent-encode"] {
            assert!(message.contains(needed), "{message}");
        }
    }

    let config = SessionConfig::builder()
        .path("/caf%C3%A9/")
        .domain("xn--bcher-kva.example")
        .build()
        .expect("ASCII forms are accepted");
    let engine = f.engine(config.clone());
    let config = engine.config().clone();
    let map = json!({"user": "ada"})
        .as_object()
        .expect("an object")
        .clone();
    let outcome = engine
        .save_at(&session_with(&engine, &map), NOW)
        .expect("fits");
    let sets = check_outcome(f, &config, &outcome);
    let line = sets[0].line();
    assert!(
        line.contains("; Path=/caf%C3%A9/") && line.contains("; Domain=xn--bcher-kva.example"),
        "{line}"
    );
    let back = engine.load_at([outcome.cookie_header().as_str()], NOW + 1);
    assert_eq!(back.load_reason(), LoadReason::Valid);
}

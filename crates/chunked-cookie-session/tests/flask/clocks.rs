//! Flask clocks: a cookie real Flask signed on a host whose clock runs ahead reads within
//! the configured skew (60 s by default), as the native formats' cookies do; past it, it
//! is expired, and a response that only read it leaves it in the browser, where it may be
//! the Flask app's live session.
//!
//! Before issue 9 a Flask cookie from a host one second ahead read as `expired`, and a
//! request that only read it deleted it.

use chunked_cookie_session::LoadReason;
use chunked_cookie_session::flask::FlaskLayout;
use serde_json::json;
use test_support::oracle::Oracle;

use super::{SALT, SECRET, TS, engine};

#[test]
fn a_flask_cookie_from_a_host_ahead_reads_within_the_skew() {
    let mut oracle = Oracle::start();
    let engine = engine(FlaskLayout::Stock);
    for (ahead, want) in [
        (1, LoadReason::Valid),
        (59, LoadReason::Valid),
        (60, LoadReason::Valid),
        (61, LoadReason::Expired),
        (86_400, LoadReason::Expired),
    ] {
        // Signed by Flask at TS + ahead; read here at TS.
        let cookie = oracle.call(&json!({
            "op": "dumps", "json": r#"{"user":"alice"}"#, "secret": SECRET, "salt": SALT,
            "ts": TS + ahead,
        }))["cookie"]
            .as_str()
            .expect("a cookie")
            .to_owned();
        let header = format!("theme=dark; session={cookie}");
        let session = engine.load_at([header.as_str()], TS);
        assert_eq!(session.load_reason(), want, "{ahead} s ahead");
        if want == LoadReason::Valid {
            assert_eq!(session.get_value("user"), Some(json!("alice")));
        }
        // A response that only read it writes nothing: refused, the Flask app's cookie
        // stays as it was; valid and not permanent, there is nothing to refresh.
        let outcome = engine.save_at(&session, TS).expect("save");
        assert!(outcome.cookies.is_empty(), "{ahead} s ahead: {outcome:?}");
        // A narrower allowance, set by the application, is honoured.
        let strict = super::SessionEngine::flask(
            chunked_cookie_session::SessionConfig::flask_defaults()
                .clock_skew(std::time::Duration::from_secs(0))
                .build()
                .expect("valid"),
            super::settings(SECRET),
        );
        let strict_reason = strict.load_at([header.as_str()], TS).load_reason();
        assert_eq!(
            strict_reason,
            LoadReason::Expired,
            "{ahead} s ahead, no skew"
        );
    }
}

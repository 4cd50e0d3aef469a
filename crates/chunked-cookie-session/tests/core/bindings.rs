//! What a binding to a framework that reads every request's session up front (the Python
//! package's Flask extension) relies on: access reported by the framework, and rewrites it
//! can foresee.

use chunked_cookie_session::{ResponseInfo, SessionConfig};
use serde_json::json;

use super::fixture::Fixture;
use super::support::*;

every_format!(access_reported_by_the_framework_decides_vary);

/// Reading a session does not make the response vary on its cookies when the framework
/// says the handler never touched it; a response that writes cookies always varies.
fn access_reported_by_the_framework_decides_vary(f: &Fixture) {
    let config = SessionConfig::builder().build().expect("valid");
    let engine = f.engine(config);
    let mut entries = serde_json::Map::new();
    entries.insert("user".into(), json!("ada"));
    let jar = write(f, &engine, &entries);

    let read = load_jar(&engine, &jar, NOW + 1);
    assert!(read.contains("user"));
    read.set_accessed(false);
    let outcome = engine.finish_at(&read, ResponseInfo::new(200), NOW + 1);
    assert!(outcome.cookies.is_empty() && !outcome.vary_cookie);
    read.set_accessed(true);
    assert!(
        engine
            .finish_at(&read, ResponseInfo::new(200), NOW + 1)
            .vary_cookie
    );

    let changed = load_jar(&engine, &jar, NOW + 1);
    changed.insert("user", "grace").expect("insert");
    changed.set_accessed(false);
    let outcome = engine.finish_at(&changed, ResponseInfo::new(200), NOW + 1);
    assert!(!outcome.cookies.is_empty() && outcome.vary_cookie);
    assert!(!changed.rewrite_due());
}

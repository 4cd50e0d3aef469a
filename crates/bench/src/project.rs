//! Every call the harness makes into chunked-cookie-session, in one place, so a change of
//! the library's API is adapted here and nowhere else.

use std::sync::Arc;

#[cfg(feature = "flask")]
use chunked_cookie_session::flask::FlaskLayout;
use chunked_cookie_session::revocation::Revocation;
use chunked_cookie_session::{
    BROWSER_NAME_VALUE_LIMIT, Compression, EngineOptions, LoadReason, Outcome, ResponseInfo,
    SameSite, Session, SessionEngine, WireFormat,
};
use serde_json::{Map, Value};

/// The clock of every encode, in Unix seconds; decodes run a second later.
const NOW: u64 = 1_700_000_000;

/// The project's wire formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Native, HMAC-SHA256.
    Signed,
    /// Native, XChaCha20-Poly1305.
    Private,
    /// Flask's format in the chunked recipe's layout (the harness's feature `flask`, on by
    /// default).
    #[cfg(feature = "flask")]
    Flask,
}

impl Format {
    /// Every format.
    pub const ALL: &[Format] = &[
        Format::Signed,
        Format::Private,
        #[cfg(feature = "flask")]
        Format::Flask,
    ];

    /// The row label in tables.
    pub fn label(self) -> &'static str {
        match self {
            Format::Signed => "project signed",
            Format::Private => "project private",
            #[cfg(feature = "flask")]
            Format::Flask => "project flask",
        }
    }
}

/// An engine for `format` with room for a 40 KiB session (16 cookies; Flask's layout stops
/// at ten). `per_request` uses the default budget instead, as an application would.
pub fn engine(format: Format, per_request: bool) -> SessionEngine {
    build(format, per_request, Compression::Auto)
}

/// [`engine`] for the codec tables with compression off: the difference between the two
/// on data that is not compressed is what the compression decision costs.
pub fn engine_without_compression(format: Format) -> SessionEngine {
    build(format, false, Compression::Off)
}

fn build(format: Format, per_request: bool, compression: Compression) -> SessionEngine {
    let mut options = EngineOptions::new(match format {
        Format::Signed => WireFormat::Signed,
        Format::Private => WireFormat::Private,
        #[cfg(feature = "flask")]
        Format::Flask => WireFormat::Flask,
    });
    // The same cookie name and attributes for every format, Flask's included, so the
    // formats are compared on the same lines.
    options.name = Some("session".to_owned());
    options.secure = !per_request;
    options.same_site = Some(SameSite::Lax);
    if !per_request {
        options.max_chunks = Some(16);
        options.max_size = 16 * (BROWSER_NAME_VALUE_LIMIT + 2);
    }
    options.compression = compression;
    options.key = Some(vec![7; 32].into());
    #[cfg(feature = "flask")]
    {
        options.secret_key = Some(b"bench-secret".to_vec().into());
        options.layout = FlaskLayout::Chunked;
    }
    options.build().expect("valid options")
}

/// A fresh session with every entry of `map` inserted: what [`encode`] saves.
pub fn fresh(engine: &SessionEngine, map: &Map<String, Value>) -> Session {
    let session = engine.load_at(std::iter::empty(), NOW);
    fill(&session, map);
    session
}

/// Encode: saves a session made by [`fresh`]. Returns what the response carries, or `None`
/// when the session does not fit the format.
pub fn encode(engine: &SessionEngine, session: &Session) -> Option<Outcome> {
    engine.save_at(session, NOW).ok()
}

/// Decode: the session loaded from a `Cookie` header and decoded at once; true if valid.
pub fn decode(engine: &SessionEngine, cookie_header: &str) -> bool {
    let session = engine.load_at([cookie_header], NOW + 1);
    session.load_reason() == LoadReason::Valid
}

/// What an adapter does for a handler that never touches the session: load it, then finish
/// the response (which writes nothing). Returns how many `Set-Cookie` values were decided.
pub fn untouched(engine: &SessionEngine, cookie_header: &str) -> usize {
    let session = engine.load([cookie_header]);
    engine
        .finish(&session, ResponseInfo::new(200))
        .cookies
        .len()
}

/// The `Cookie` header a browser sends back after `outcome`.
pub fn cookie_header(outcome: &Outcome) -> String {
    outcome.cookie_header()
}

/// Bytes of name and value of the cookies `outcome` sets: the wire size.
pub fn wire_bytes(outcome: &Outcome) -> usize {
    outcome
        .cookies
        .iter()
        .filter(|cookie| !cookie.is_removal())
        .map(|cookie| cookie.name().len() + cookie.value().len())
        .sum()
}

/// Inserts every entry of `map` into a session.
pub fn fill(session: &Session, map: &Map<String, Value>) {
    for (key, value) in map {
        session.insert_value(key, value.clone());
    }
}

/// Reads one string entry (what a "read one key" handler does).
pub fn read(session: &Session, key: &str) -> String {
    session
        .get::<String>(key)
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// Writes one entry (what a "write one key" handler does).
pub fn write(session: &Session, key: &str, value: u64) {
    session.insert(key, value).expect("a number is JSON");
}

/// The per-request engine of `format`, checking every session it loads against `store`.
pub fn revocable(format: Format, store: Arc<dyn Revocation>) -> SessionEngine {
    engine(format, true)
        .with_revocation(store)
        .expect("the store keeps revocations as long as sessions live")
}

/// Binds a session to a subject (what a login does), so a revocation check looks it up.
pub fn bind(session: &Session, subject: &str) {
    session.set_subject(subject).expect("a valid subject");
}

/// The `Cookie` header of a new session holding `map`, bound to `subject`, as a response of
/// `engine` sets it.
pub fn seeded_cookie(engine: &SessionEngine, map: &Map<String, Value>, subject: &str) -> String {
    let session = engine.load(std::iter::empty());
    fill(&session, map);
    bind(&session, subject);
    engine
        .finish(&session, ResponseInfo::new(200))
        .cookie_header()
}

/// What an adapter does around a handler that reads one key, without the framework: load
/// the session (handing it the user agent, as the adapters do when the revocation store
/// keeps a device registry), read, finish the response. Returns what was read and how many cookies were decided.
pub fn read_cycle(
    engine: &SessionEngine,
    cookie_header: &str,
    user_agent: &str,
    key: &str,
) -> (String, usize) {
    let session = engine.load([cookie_header]);
    if engine
        .revocation()
        .is_some_and(|store| store.registry_enabled())
    {
        session.set_user_agent(user_agent);
    }
    let value = read(&session, key);
    let decided = engine
        .finish(&session, ResponseInfo::new(200))
        .cookies
        .len();
    (value, decided)
}

/// The project's actix-web middleware for `format`.
pub fn actix_middleware(format: Format) -> chunked_cookie_session::actix::SessionMiddleware {
    actix_middleware_of(engine(format, true))
}

/// The project's actix-web middleware over `engine`.
pub fn actix_middleware_of(
    engine: SessionEngine,
) -> chunked_cookie_session::actix::SessionMiddleware {
    chunked_cookie_session::actix::SessionMiddleware::new(engine)
}

/// The project's axum layer for `format`.
pub fn axum_layer(format: Format) -> chunked_cookie_session::axum::SessionLayer {
    axum_layer_of(engine(format, true))
}

/// The project's axum layer over `engine`.
pub fn axum_layer_of(engine: SessionEngine) -> chunked_cookie_session::axum::SessionLayer {
    chunked_cookie_session::axum::SessionLayer::new(engine)
}

/// The session handle handlers extract, on both frameworks.
pub type ProjectSession = Session;

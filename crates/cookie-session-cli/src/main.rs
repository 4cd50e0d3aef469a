//! `cookie-session`: mint, decode and inspect session cookies from the command line.
//!
//! Every decision (sizes, chunking, verification, expiry) is the library's; this binary
//! only turns arguments and standard input into engine calls.

use std::io::{self, Read, Write};
use std::process::ExitCode;
use std::time::Duration;

use chunked_cookie_session::flask::{FlaskLayout, FlaskSettings};
use chunked_cookie_session::{Key, KeyRing, LoadReason, SessionConfig, SessionEngine};
use clap::{Args, Parser, Subcommand, ValueEnum};
use serde_json::{Map, Value};

/// Mint, decode and inspect chunked-cookie-session cookies.
#[derive(Debug, Parser)]
#[command(name = "cookie-session", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print a new random 256-bit key (base64url), for `--key` or `SESSION_KEY`.
    Keygen,
    /// Read a session (a JSON object) on stdin; print each Set-Cookie value on its own line.
    Encode(EncodeArgs),
    /// Read a Cookie header (from --cookie or stdin); print the session as a JSON object.
    Decode(DecodeArgs),
}

/// The wire formats the CLI speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// The native v1 format, signed with HMAC-SHA256.
    Signed,
    /// The native v1 format, encrypted with XChaCha20-Poly1305.
    Private,
    /// Flask's session cookie (itsdangerous, tagged JSON), stock or chunked; sessions are
    /// read and printed as Flask's tagged JSON, and Set-Cookie lines carry Flask's
    /// default attributes (HttpOnly, Path=/).
    Flask,
}

/// Flask cookie layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Layout {
    /// One cookie, as Flask writes it.
    Stock,
    /// `session:0`, `session:1`, …, as the chunked recipe writes it.
    Chunked,
}

/// Options shared by `encode` and `decode`: which format, which keys, which cookie.
#[derive(Debug, Args)]
struct EngineArgs {
    /// Wire format.
    #[arg(long, value_enum, default_value_t = Format::Signed)]
    format: Format,
    /// The current key (base64url, 32 bytes or more), as printed by `keygen`.
    #[arg(
        long,
        env = "SESSION_KEY",
        hide_env_values = true,
        allow_hyphen_values = true
    )]
    key: Option<String>,
    /// An older key still accepted for reading; repeat for several.
    #[arg(long = "old-key", allow_hyphen_values = true)]
    old_keys: Vec<String>,
    /// Name of the first cookie; later chunks append `_1`, `_2`, ….
    #[arg(long, default_value = "session")]
    name: String,
    /// The clock, in Unix seconds (default: now).
    #[arg(long)]
    now: Option<u64>,
    /// Absolute lifetime of a new session, in seconds.
    #[arg(long)]
    lifetime: Option<u64>,
    /// Budget for all session cookies, in bytes of the Cookie header.
    #[arg(long = "max-size")]
    max_size: Option<usize>,
    /// Flask: the app's SECRET_KEY.
    #[arg(
        long,
        env = "FLASK_SECRET_KEY",
        hide_env_values = true,
        allow_hyphen_values = true
    )]
    secret: Option<String>,
    /// Flask: an entry of SECRET_KEY_FALLBACKS, accepted for reading; repeat for several.
    #[arg(long = "fallback-secret", allow_hyphen_values = true)]
    fallback_secrets: Vec<String>,
    /// Flask: the signing salt.
    #[arg(long, default_value = "cookie-session")]
    salt: String,
    /// Flask: PERMANENT_SESSION_LIFETIME in seconds, the oldest signature accepted
    /// (default 31 days).
    #[arg(long = "max-age")]
    max_age: Option<u64>,
    /// Flask: the cookie layout.
    #[arg(long, value_enum, default_value_t = Layout::Stock)]
    layout: Layout,
}

#[derive(Debug, Args)]
struct EncodeArgs {
    #[command(flatten)]
    engine: EngineArgs,
    /// Write a persistent cookie (`Max-Age`) instead of a browser-session cookie.
    #[arg(long)]
    persistent: bool,
}

#[derive(Debug, Args)]
struct DecodeArgs {
    #[command(flatten)]
    engine: EngineArgs,
    /// The Cookie header value, e.g. 'a=b; session=…; session_1=…' (default: read stdin).
    #[arg(long)]
    cookie: Option<String>,
    /// Pretty-print the JSON.
    #[arg(long)]
    pretty: bool,
}

/// A failure to report on stderr before exiting with status 1.
#[derive(Debug)]
struct Failure(String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(err: E) -> Failure {
        Failure(err.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Keygen => keygen(),
        Command::Encode(args) => encode(&args),
        Command::Decode(args) => decode(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message)) => {
            eprintln!("{message}");
            ExitCode::from(1)
        }
    }
}

fn keygen() -> Result<(), Failure> {
    println!("{}", chunked_cookie_session::generate_secret());
    Ok(())
}

/// Builds the engine the options describe; every format gets its arm here.
fn build_engine(args: &EngineArgs) -> Result<SessionEngine, Failure> {
    let mut builder = SessionConfig::builder().name(args.name.clone());
    if let Some(seconds) = args.lifetime {
        builder = builder.lifetime(Duration::from_secs(seconds));
    }
    if let Some(bytes) = args.max_size {
        builder = builder.max_size(bytes);
    }
    if args.format == Format::Flask {
        // Flask's own defaults: no Secure, no SameSite.
        builder = builder.secure(false).same_site(None);
    }
    let config = builder.build()?;
    match args.format {
        Format::Signed => Ok(SessionEngine::signed(config, key_ring(args)?)),
        Format::Private => Ok(SessionEngine::private(config, key_ring(args)?)),
        Format::Flask => Ok(SessionEngine::flask(config, flask_settings(args)?)),
    }
}

/// Flask's settings from `--secret` (or `FLASK_SECRET_KEY`) and its companions.
fn flask_settings(args: &EngineArgs) -> Result<FlaskSettings, Failure> {
    let secret = args.secret.as_deref().ok_or_else(|| {
        Failure("--secret (or FLASK_SECRET_KEY) is required: the Flask app's SECRET_KEY".to_owned())
    })?;
    let mut settings = FlaskSettings::new(secret)?
        .salt(&args.salt)
        .layout(match args.layout {
            Layout::Stock => FlaskLayout::Stock,
            Layout::Chunked => FlaskLayout::Chunked,
        });
    for fallback in &args.fallback_secrets {
        settings = settings.fallback(fallback);
    }
    if let Some(seconds) = args.max_age {
        settings = settings.max_age(Duration::from_secs(seconds));
    }
    Ok(settings)
}

/// The key ring from `--key` (or `SESSION_KEY`) and every `--old-key`.
fn key_ring(args: &EngineArgs) -> Result<KeyRing, Failure> {
    let current = args.key.as_deref().ok_or_else(|| {
        Failure(
            "--key (or SESSION_KEY) is required; make one with `cookie-session keygen`".to_owned(),
        )
    })?;
    let mut ring =
        KeyRing::new(Key::from_base64url(current).map_err(|err| Failure(format!("--key: {err}")))?);
    for old in &args.old_keys {
        ring = ring.with_old_key(
            Key::from_base64url(old).map_err(|err| Failure(format!("--old-key: {err}")))?,
        );
    }
    Ok(ring)
}

fn now(args: &EngineArgs) -> u64 {
    args.now.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs())
    })
}

fn read_stdin() -> Result<String, Failure> {
    let mut text = String::new();
    io::stdin()
        .read_to_string(&mut text)
        .map_err(|err| Failure(format!("cannot read standard input: {err}")))?;
    Ok(text)
}

fn encode(args: &EncodeArgs) -> Result<(), Failure> {
    let engine = build_engine(&args.engine)?;
    let input = read_stdin()?;
    let entries: Map<String, Value> = if args.engine.format == Format::Flask {
        // Python's JSON, with Flask's tags: NaN, Infinity and big ints included.
        chunked_cookie_session::flask::from_json(&input).map_err(|_| {
            Failure("standard input is not a session in Flask's tagged JSON".to_owned())
        })?
    } else {
        serde_json::from_str(&input)
            .map_err(|err| Failure(format!("standard input is not a JSON object: {err}")))?
    };
    let now = now(&args.engine);
    let session = engine.load_at(std::iter::empty(), now);
    for (key, value) in entries {
        session.insert_value(&key, value);
    }
    if args.persistent {
        session.set_persistent(true);
    }
    let lines = engine.save_at(&session, now)?;
    let mut out = io::stdout().lock();
    for line in lines {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

fn decode(args: &DecodeArgs) -> Result<(), Failure> {
    let engine = build_engine(&args.engine)?;
    let header = match &args.cookie {
        Some(header) => header.clone(),
        None => read_stdin()?,
    };
    // Each line of the input is one Cookie header field, as HTTP/2 would send them.
    let session = engine.load_at(header.lines(), now(&args.engine));
    let reason = session.load_reason();
    if reason != LoadReason::Valid {
        return Err(Failure(format!("{reason}: {}", reason.describe())));
    }
    if args.engine.format == Format::Flask && !args.pretty {
        let entries = session.entries();
        println!("{}", chunked_cookie_session::flask::to_json(&entries));
        return Ok(());
    }
    let entries = Value::Object(session.entries());
    let text = if args.pretty {
        serde_json::to_string_pretty(&entries)?
    } else {
        serde_json::to_string(&entries)?
    };
    println!("{text}");
    Ok(())
}

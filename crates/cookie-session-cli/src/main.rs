//! `cookie-session`: mint, decode and inspect session cookies from the command line.
//!
//! Every decision (sizes, chunking, verification, expiry) is the library's; this binary
//! only turns arguments and input into engine calls, and the library's answers into
//! messages that say what to do.

mod report;
mod revoke;

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use chunked_cookie_session::flask::MAX_CHUNKS as FLASK_MAX_CHUNKS;
use chunked_cookie_session::revocation::{Identity, MemoryRevocation};
use chunked_cookie_session::{
    BROWSER_NAME_VALUE_LIMIT, EngineOptions, Inspection, LoadReason, MAX_CHUNKS_CEILING,
    SessionEngine,
};
use clap::{Args, Parser, Subcommand};
use cookie_session_cli::input::{cookie_fields, cookie_jar};
use cookie_session_cli::options::{Format, FormatArgs, Layout, MissingKey};
use serde_json::{Map, Value};

/// Mint, decode and inspect chunked-cookie-session (and Flask) session cookies.
#[derive(Debug, Parser)]
#[command(name = "cookie-session", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print a new random 256-bit key (base64url), for SESSION_KEY or --key-file.
    Keygen,
    /// Read a session (a JSON object) on stdin; print each Set-Cookie value on its own line.
    Encode(EncodeArgs),
    /// Read a request's cookies; print the session as a JSON object, or why it was refused.
    Decode(DecodeArgs),
    /// Show what a request's session cookies hold from the outside (format, cookies and
    /// their sizes, the header); with a key, also verify them and say the load reason and
    /// the session's id, subject and creation time.
    Inspect(InspectArgs),
    /// End sessions in a fleet's Redis revocation store: one session by id, every session
    /// of a subject, or every session created before a time; print what was revoked and
    /// the epoch used. Every server following that Redis refuses them within moments.
    Revoke(revoke::RevokeArgs),
}

/// Which cookie, and which clock.
#[derive(Debug, Args)]
struct SessionArgs {
    #[command(flatten)]
    format: FormatArgs,
    /// Name of the first cookie; later chunks append `_1`, `_2`, … (`:0`, `:1`, … in
    /// Flask's chunked layout). Default: the library's, `__Host-session` in the native
    /// formats and `session` in Flask's.
    #[arg(long)]
    name: Option<String>,
    /// The clock, in Unix seconds (default: now).
    #[arg(long)]
    now: Option<u64>,
}

impl SessionArgs {
    /// The first cookie's name: `--name`, or the name the library gives an unnamed cookie
    /// in the chosen format (the tool sets no cookie attribute that would change it).
    fn name(&self) -> String {
        self.name.clone().unwrap_or_else(|| {
            EngineOptions::new(self.format.format.into())
                .config()
                .map(|config| config.name().to_owned())
                .unwrap_or_default()
        })
    }
}

/// Where the cookies to read come from (default: standard input, as with --cookie).
#[derive(Debug, Args)]
struct CookieInput {
    /// A Cookie header value ('a=b; session=…'), or one or more Set-Cookie lines as a
    /// response carries them; repeat for several header fields.
    #[arg(long)]
    cookie: Vec<String>,
    /// A cookie-jar file as `curl -c FILE` writes it.
    #[arg(long = "cookie-jar", value_name = "FILE", conflicts_with = "cookie")]
    cookie_jar: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct EncodeArgs {
    #[command(flatten)]
    session: SessionArgs,
    /// Absolute lifetime of the new session, in seconds.
    #[arg(long)]
    lifetime: Option<u64>,
    /// Budget for all session cookies, in bytes of the Cookie header (default: the
    /// library's 7 KiB, or the recipe's ten cookies in Flask's chunked layout).
    #[arg(long = "max-size")]
    max_size: Option<usize>,
    /// The most cookies the session may take (at most 64).
    #[arg(long = "max-chunks", default_value_t = 16)]
    max_chunks: usize,
    /// Write a persistent cookie (`Max-Age`) instead of a browser-session cookie.
    #[arg(long)]
    persistent: bool,
}

#[derive(Debug, Args)]
struct DecodeArgs {
    #[command(flatten)]
    session: SessionArgs,
    #[command(flatten)]
    input: CookieInput,
    /// Refuse sessions whose cookies take more than this many bytes (default: read
    /// whatever fits the hard limits, 64 cookies).
    #[arg(long = "max-size")]
    max_size: Option<usize>,
    /// Refuse sessions idle longer than this many seconds, as a server with this idle
    /// timeout would.
    #[arg(long = "idle-timeout", value_name = "SECS")]
    idle_timeout: Option<u64>,
    /// Pretty-print the JSON.
    #[arg(long)]
    pretty: bool,
}

#[derive(Debug, Args)]
struct InspectArgs {
    #[command(flatten)]
    session: SessionArgs,
    #[command(flatten)]
    input: CookieInput,
    /// With a key: refuse sessions idle longer than this many seconds.
    #[arg(long = "idle-timeout", value_name = "SECS")]
    idle_timeout: Option<u64>,
    /// Print JSON instead of a table, for scripts.
    #[arg(long)]
    json: bool,
}

/// How the program ends when it cannot do what was asked.
#[derive(Debug)]
enum Failure {
    /// A message for stderr, then exit status 1.
    Message(String),
    /// Standard output was closed early (`| head`): stop, quietly.
    ClosedPipe,
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure::Message(message)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Keygen => emit(&format!("{}\n", chunked_cookie_session::generate_secret())),
        Command::Encode(args) => encode(&args),
        Command::Decode(args) => decode(&args),
        Command::Inspect(args) => inspect(&args),
        Command::Revoke(args) => revoke::revoke(&args)
            .map_err(Failure::Message)
            .and_then(|line| emit(&line)),
    };
    match result {
        Ok(()) | Err(Failure::ClosedPipe) => ExitCode::SUCCESS,
        Err(Failure::Message(message)) => {
            eprintln!("{message}");
            ExitCode::from(1)
        }
    }
}

/// Writes to standard output; a reader that went away ends the program quietly.
fn emit(text: &str) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Err(Failure::ClosedPipe),
        Err(err) => Err(Failure::Message(format!("cannot write the output: {err}"))),
    }
}

fn read_stdin() -> Result<String, Failure> {
    let mut text = String::new();
    io::stdin()
        .read_to_string(&mut text)
        .map_err(|err| format!("cannot read standard input: {err}"))?;
    Ok(text)
}

fn now(args: &SessionArgs) -> u64 {
    args.now.unwrap_or_else(chunked_cookie_session::unix_now)
}

/// The bytes of Cookie header that ten recipe cookies hold at most.
const RECIPE_BUDGET: usize = FLASK_MAX_CHUNKS * (BROWSER_NAME_VALUE_LIMIT + 2);

/// What a reader accepts at most: every cookie the layouts allow, full.
const READ_LIMIT: usize = MAX_CHUNKS_CEILING * (BROWSER_NAME_VALUE_LIMIT + 2);

fn encode(args: &EncodeArgs) -> Result<(), Failure> {
    let format = &args.session.format;
    let mut options = format.options(MissingKey::Refuse)?;
    options.name.clone_from(&args.session.name);
    if let Some(seconds) = args.lifetime {
        options.lifetime = Some(Duration::from_secs(seconds));
    }
    let chunked_flask = format.format == Format::Flask && format.layout == Layout::Chunked;
    match args.max_size {
        Some(bytes) => options.max_size = bytes,
        None if chunked_flask => options.max_size = RECIPE_BUDGET,
        None => {}
    }
    options.max_chunks = Some(args.max_chunks);
    let engine = options.build().map_err(|err| format.config_message(&err))?;
    let input = read_stdin()?;
    let now = now(&args.session);
    let session = engine.load_at(std::iter::empty(), now);
    if format.format == Format::Flask {
        // Python's JSON, with Flask's tags: NaN, Infinity and big ints included, each tag
        // the Python value Flask reads from it.
        let entries = chunked_cookie_session::flask::python_from_json(&input).map_err(|_| {
            "standard input is not a session in Flask's tagged JSON (a JSON object)".to_owned()
        })?;
        session.set_python_entries(entries);
    } else {
        // Plain JSON: an object is an object whoever reads it, Python included.
        let entries: Map<String, Value> = serde_json::from_str(&input)
            .map_err(|err| format!("standard input is not a JSON object: {err}"))?;
        for (key, value) in entries {
            session.insert_value(&key, value);
        }
    }
    if args.persistent {
        session.set_persistent(true);
    }
    let outcome = engine
        .save_at(&session, now)
        .map_err(|err| err.message(|setting| format.flag(setting)))?;
    let lines: String = outcome
        .cookies
        .iter()
        .map(|cookie| format!("{}\n", cookie.line()))
        .collect();
    emit(&lines)
}

/// The engine that reads: every cookie the layout allows, unless `--max-size` lowers it.
fn reading_engine(
    session: &SessionArgs,
    max_size: Option<usize>,
    idle_timeout: Option<u64>,
) -> Result<SessionEngine, Failure> {
    let mut options = session.format.options(MissingKey::Refuse)?;
    options.name.clone_from(&session.name);
    options.max_chunks = Some(MAX_CHUNKS_CEILING);
    options.max_size = max_size.unwrap_or(READ_LIMIT);
    options.idle_timeout = idle_timeout.map(Duration::from_secs);
    Ok(options
        .build()
        .map_err(|err| session.format.config_message(&err))?)
}

/// The request's `Cookie` header fields, from `--cookie`, `--cookie-jar` or stdin.
fn cookie_input(input: &CookieInput) -> Result<Vec<String>, Failure> {
    if let Some(path) = &input.cookie_jar {
        let text = std::fs::read_to_string(path)
            .map_err(|err| format!("cannot read {}: {err}", path.display()))?;
        return Ok(vec![cookie_jar(&text, None)?]);
    }
    let text = if input.cookie.is_empty() {
        read_stdin()?
    } else {
        input.cookie.join("\n")
    };
    Ok(cookie_fields(&text))
}

fn decode(args: &DecodeArgs) -> Result<(), Failure> {
    let engine = reading_engine(&args.session, args.max_size, args.idle_timeout)?;
    let fields = cookie_input(&args.input)?;
    let session = engine.load_at(fields.iter().map(String::as_str), now(&args.session));
    let reason = session.load_reason();
    if reason != LoadReason::Valid {
        let inspection = engine
            .inspector()
            .inspect(fields.iter().map(String::as_str));
        let hint = report::hint(
            reason,
            &inspection,
            &fields,
            &args.session,
            args.max_size.is_some(),
        );
        return Err(Failure::Message(format!(
            "{reason}: {}{hint}",
            reason.describe()
        )));
    }
    let flask = args.session.format.format == Format::Flask;
    // A Flask session is shown as Flask's tagged JSON (its tags are Python's types); a
    // native one as the plain JSON the Rust API reads.
    let entries: Map<String, Value> = if flask {
        let python = session.python_entries().map_err(|err| err.to_string())?;
        python
            .into_iter()
            .map(|(key, value)| (key, value.into_tagged()))
            .collect()
    } else {
        session.entries()
    };
    let text = if flask && !args.pretty {
        chunked_cookie_session::flask::to_json(&entries)
    } else if args.pretty {
        serde_json::to_string_pretty(&Value::Object(entries)).map_err(|err| err.to_string())?
    } else {
        serde_json::to_string(&Value::Object(entries)).map_err(|err| err.to_string())?
    };
    emit(&format!("{}\n", report::json_text(&text)))
}

fn inspect(args: &InspectArgs) -> Result<(), Failure> {
    let fields = cookie_input(&args.input)?;
    let fields = || fields.iter().map(String::as_str);
    let (inspection, reason, identity): (Inspection, Option<LoadReason>, Option<Identity>) =
        if args.session.format.has_key() {
            let engine = identity_reading(reading_engine(&args.session, None, args.idle_timeout)?)?;
            let session = engine.load_at(fields(), now(&args.session));
            let reason = session.load_reason();
            // Only a session that loaded has an identity of its own (asking another for one
            // would draw a fresh id).
            let identity = (reason == LoadReason::Valid)
                .then(|| session.identity().ok())
                .flatten();
            (engine.inspector().inspect(fields()), Some(reason), identity)
        } else {
            let format = &args.session.format;
            let mut options = format.options(MissingKey::Refuse)?;
            options.name.clone_from(&args.session.name);
            options.max_chunks = Some(MAX_CHUNKS_CEILING);
            let config = options
                .config()
                .map_err(|err| format.config_message(&err))?;
            (
                report::keyless_inspector(&config, &args.session.format).inspect(fields()),
                None,
                None,
            )
        };
    let text = if args.json {
        report::json(&inspection, reason, identity.as_ref(), &args.session)
    } else {
        report::table(&inspection, reason, identity.as_ref(), &args.session)
    };
    emit(&text)
}

/// The engine with a revocation store that refuses nothing: Flask's format reads a
/// session's identity from its reserved entries only when the engine has a store (the
/// native formats always carry it).
fn identity_reading(engine: SessionEngine) -> Result<SessionEngine, Failure> {
    let store = MemoryRevocation::builder()
        .lifetime(engine.config().lifetime())
        .build()
        .map_err(|err| err.to_string())?;
    Ok(engine
        .with_revocation(Arc::new(store))
        .map_err(|err| err.to_string())?)
}

//! `cookie-session`: mint, decode and inspect session cookies from the command line.
//!
//! Every decision (sizes, chunking, verification, expiry) is the library's; this binary
//! only turns arguments and standard input into engine calls.

use std::io::{self, Read, Write};
use std::process::ExitCode;
use std::time::Duration;

use chunked_cookie_session::{LoadReason, SessionEngine};
use clap::{Args, Parser, Subcommand};
use cookie_session_cli::options::{Format, FormatArgs, MissingKey};
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

/// Options shared by `encode` and `decode`: which format, which keys, which cookie.
#[derive(Debug, Args)]
struct EngineArgs {
    #[command(flatten)]
    format: FormatArgs,
    /// Name of the first cookie; later chunks append `_1`, `_2`, … (`:0`, `:1`, … in
    /// Flask's chunked layout).
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

/// Builds the engine the options describe.
fn build_engine(args: &EngineArgs) -> Result<SessionEngine, Failure> {
    let mut builder = args.format.config_builder().name(args.name.clone());
    if let Some(seconds) = args.lifetime {
        builder = builder.lifetime(Duration::from_secs(seconds));
    }
    if let Some(bytes) = args.max_size {
        builder = builder.max_size(bytes);
    }
    Ok(args.format.engine(builder.build()?, MissingKey::Refuse)?)
}

fn now(args: &EngineArgs) -> u64 {
    args.now.unwrap_or_else(chunked_cookie_session::unix_now)
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
    let entries: Map<String, Value> = if args.engine.format.format == Format::Flask {
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
    let outcome = engine.save_at(&session, now)?;
    let mut out = io::stdout().lock();
    for cookie in &outcome.cookies {
        writeln!(out, "{}", cookie.line())?;
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
    if args.engine.format.format == Format::Flask && !args.pretty {
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

//! `playground`: a local web page and JSON API to watch chunked cookie sessions grow,
//! shrink and break, and to log in, log out and see copied cookies refused. Run it with
//! `cargo run --release -p playground` and open <http://127.0.0.1:3000>.

mod app;
mod setup;

use std::process::ExitCode;

use clap::Parser;
use cookie_session_cli::options::Format;

fn main() -> ExitCode {
    let args = setup::Args::parse();
    let (engine, revocations) = match setup::build_engine(&args) {
        Ok(built) => built,
        Err(message) => {
            eprintln!("playground: {message}");
            return ExitCode::from(2);
        }
    };
    // A Flask app stores what Python's JSON reads; the native formats, what serde_json reads.
    let body = match args.format.format {
        Format::Flask => app::BodyJson::Python,
        Format::Signed | Format::Private => app::BodyJson::Plain,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("playground: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let served = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.addr).await?;
        let addr = listener.local_addr()?;
        // Scripts (the browser test among them) read this line to find the port.
        println!("playground listening on http://{addr}/");
        axum::serve(listener, app::router(engine, body, revocations)).await
    });
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("playground: cannot serve on {}: {err}", args.addr);
            ExitCode::FAILURE
        }
    }
}

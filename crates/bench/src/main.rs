//! The comparison harness of chunked-cookie-session: one interleaved run measuring the
//! floor, the project's formats and adapters, and their peers, printed as tables of medians
//! and ratios.
//!
//! Run from the workspace root:
//!
//! ```text
//! cargo run --release -p bench                     # everything, under a minute once built
//! cargo run --release -p bench -- --quick          # fewer, shorter rounds
//! cargo run --release -p bench -- --only codec     # codec | request | primitives | shapes
//! cargo run --release -p bench --features heap -- --only revocation   # its own redis-server
//! ```
//!
//! Python Flask's own rows need Flask in `$FLASK_PYTHON` or the workspace's `.venv` (made by
//! `scripts/test-all.sh`); without it they are left out.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use bench::measure::{self, Contender, Plan};
use bench::report::Results;
use bench::request::{self, Scenario};
use bench::{codec, data, machine, primitives, python, revocation, shapes};

/// The command line.
#[derive(Debug)]
struct Options {
    plan: Plan,
    parts: Vec<String>,
}

const PARTS: [&str; 4] = ["codec", "request", "primitives", "shapes"];
/// Parts run only when named: `revocation` starts a redis-server and fills it.
const ON_REQUEST: [&str; 1] = ["revocation"];

fn options() -> Result<Options, String> {
    let mut plan = Plan {
        batch: Duration::from_millis(1),
        rounds: 51,
    };
    let mut parts: Vec<String> = PARTS.iter().map(|part| (*part).to_owned()).collect();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--quick" => {
                plan = Plan {
                    batch: Duration::from_micros(500),
                    rounds: 9,
                };
            }
            "--rounds" => plan.rounds = value()?.parse().map_err(|e| format!("--rounds: {e}"))?,
            "--batch-ms" => {
                plan.batch = Duration::from_millis(
                    value()?.parse().map_err(|e| format!("--batch-ms: {e}"))?,
                );
            }
            "--only" => {
                parts = value()?.split(',').map(str::to_owned).collect();
                let known = |part: &String| {
                    PARTS.contains(&part.as_str()) || ON_REQUEST.contains(&part.as_str())
                };
                if let Some(bad) = parts.iter().find(|part| !known(part)) {
                    return Err(format!(
                        "unknown part {bad}: one of {}, {}",
                        PARTS.join(", "),
                        ON_REQUEST.join(", ")
                    ));
                }
            }
            "--help" | "-h" => {
                return Err(
                    "usage: bench [--quick] [--rounds N] [--batch-ms N] [--only codec,request,primitives,shapes,revocation]"
                        .to_owned(),
                );
            }
            other => return Err(format!("unknown argument {other}; try --help")),
        }
    }
    Ok(Options { plan, parts })
}

fn main() {
    let options = match options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let part = |name: &str| options.parts.iter().any(|part| part == name);
    println!("{}", machine::describe());
    if part("revocation") {
        println!("{}", revocation::report(options.plan));
        if options.parts.len() == 1 {
            return;
        }
    }

    let mut contenders: Vec<Contender> = Vec::new();
    let mut sizes = codec::Sizes::default();
    let mut wires = Vec::new();
    if part("codec") {
        let flask = match python::Flask::start() {
            Ok(flask) => {
                println!("python: {}", flask.versions);
                Some(Rc::new(RefCell::new(flask)))
            }
            Err(why) => {
                println!("python: Flask not available, its rows are left out ({why})");
                None
            }
        };
        contenders.extend(codec::contenders(flask.as_ref(), &mut sizes));
    }
    // The revocation rows' stores; the Redis store's server lives until the report is out.
    let stores = part("request").then(request::revocation::stores);
    if let Some(stores) = &stores {
        contenders.extend(request::contenders(&mut wires, stores));
    }
    if part("primitives") {
        contenders.extend(primitives::contenders());
    }
    if !contenders.is_empty() {
        println!(
            "{} contenders, {} interleaved rounds of about {:?} each; medians over the rounds\n",
            contenders.len(),
            options.plan.rounds,
            options.plan.batch
        );
        measure::run(&mut contenders, options.plan);
    }
    let results = Results::collect(&contenders);

    if part("codec") {
        for table in codec::tables(&results) {
            println!("{table}");
        }
        println!("{}", sizes.table());
    }
    if part("request") {
        for scenario in Scenario::ALL {
            println!("{}", request::table(&results, scenario));
        }
        println!("{}", request::wire_table(&wires));
        if let Some(stores) = &stores {
            println!("{}", request::revocation::table(&results, stores));
        }
    }
    if part("primitives") {
        println!(
            "{}",
            results.grid(primitives::BASE64, |row| primitives::reference(
                primitives::BASE64,
                row
            ))
        );
        for kind in data::Kind::ALL {
            let table = primitives::deflate_table(kind);
            println!(
                "{}",
                results.grid(&table, |row| primitives::reference(&table, row))
            );
        }
    }
    if part("shapes") {
        println!("{}", shapes::table());
    }
    let unsteady = results.unsteady(0.2);
    if !unsteady.is_empty() {
        println!(
            "unsteady figures (the middle half of the rounds spread over more than ±10% of the \
             median; other work on the machine?), worth a re-run before quoting:"
        );
        for line in unsteady {
            println!("  {line}");
        }
    }
}

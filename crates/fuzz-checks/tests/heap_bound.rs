//! The heap bound of the load targets (`fuzz_checks::load::heap_bound`) against the
//! sessions that cost the most heap per byte, which random bytes seldom reach: JSON as
//! dense as it gets, up to the largest size a reader inflates, in every format and budget.
//!
//! One `#[test]`, as the heap counters are process-wide.

use chunked_cookie_session::{Compression, Map, Value};
use fuzz_checks::engines::{Budget, Format, NOW, build, engine};
use fuzz_checks::load::measured_load;

/// JSON as dense in values as it gets.
#[derive(Debug, Clone, Copy)]
enum Shape {
    /// `[0,0,…]`: two bytes per value.
    Zeros,
    /// `[[],[],…]`
    EmptyArrays,
    /// `[{},{},…]`
    EmptyObjects,
    /// `{"0":0,"1":0,…}`: an object of many short keys.
    Keys,
}

/// Entries whose JSON takes about `bytes`, in `shape`.
fn dense(shape: Shape, bytes: usize) -> Map<String, Value> {
    let repeat = |item: Value, per_item: usize| Value::Array(vec![item; bytes / per_item]);
    let value = match shape {
        Shape::Zeros => repeat(Value::from(0), 2),
        Shape::EmptyArrays => repeat(Value::Array(Vec::new()), 3),
        Shape::EmptyObjects => repeat(Value::Object(Map::new()), 3),
        Shape::Keys => {
            let mut keys = Map::new();
            let mut used = 0;
            while used < bytes {
                let key = format!("{:x}", keys.len());
                used += key.len() + 5;
                keys.insert(key, Value::from(0));
            }
            Value::Object(keys)
        }
    };
    Map::from_iter([("a".to_owned(), value)])
}

fn worst_load() -> Vec<String> {
    let mut report = Vec::new();
    for budget in Budget::ALL {
        let limits = budget.limits();
        for format in [
            Format::Signed,
            Format::Private,
            Format::FlaskStock,
            Format::FlaskChunked,
        ] {
            // Written by an engine that compresses every format, read by the engine the
            // fuzz targets read with.
            let mut options = budget.options(format);
            options.compression = Compression::On;
            let writer = build(&options);
            let reader = engine(format, budget);
            for shape in [
                Shape::Zeros,
                Shape::EmptyArrays,
                Shape::EmptyObjects,
                Shape::Keys,
            ] {
                // The largest JSON the writer accepts, a little under the reader's limit.
                let mut bytes = limits.max_decoded_size;
                let outcome = loop {
                    let session = writer.load_at(std::iter::empty(), NOW);
                    for (key, value) in dense(shape, bytes) {
                        session.insert_value(&key, value);
                    }
                    match writer.save_at(&session, NOW) {
                        Ok(outcome) => break outcome,
                        Err(_) => bytes = bytes * 15 / 16,
                    }
                };
                let fields = [outcome.cookie_header()];
                let (session, per_mille) = measured_load(reader, limits, &fields);
                assert_eq!(session.load_reason().to_string(), "valid");
                report.push(format!(
                    "{budget:?} {format:?} {shape:?}: {bytes} bytes of JSON, {per_mille}‰"
                ));
            }
        }
    }
    // The most cookies the reader keeps, each a single character: the index at its largest.
    for budget in Budget::ALL {
        let limits = budget.limits();
        let crumbs = vec!["session_1=a"; 3 * (limits.max_size + 4096) + 1].join("; ");
        let reader = engine(Format::Signed, budget);
        let (_, per_mille) = measured_load(reader, limits, &[crumbs]);
        report.push(format!("{budget:?} single-character crumbs: {per_mille}‰"));
    }
    report
}

#[test]
fn the_densest_sessions_stay_within_the_heap_bound() {
    let report = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(worst_load)
        .expect("a thread")
        .join()
        .expect("within the bound");
    eprintln!("{}", report.join("\n"));
}

//! Runs one operation of the project in a loop, for a profiler or an instruction counter:
//!
//! ```text
//! cargo build --release -p bench --example profile
//! valgrind --tool=callgrind target/release/examples/profile encode signed random 1024 2000
//! callgrind_annotate --inclusive=yes callgrind.out.<pid> | head -60
//! ```
//!
//! Arguments: `encode|decode|untouched`, `signed|private|flask`, `random|cart`, the session
//! size in bytes of JSON, and how many times (default 1000). `untouched` is what an adapter
//! does for a handler that never touches the session: load it from the `Cookie` header and
//! finish the response.

use std::hint::black_box;

use bench::data::Kind;
use bench::project::{self, Format};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |index: usize, default: &str| args.get(index).cloned().unwrap_or(default.to_owned());
    let format = match arg(1, "signed").as_str() {
        "private" => Format::Private,
        #[cfg(feature = "flask")]
        "flask" => Format::Flask,
        _ => Format::Signed,
    };
    let kind = match arg(2, "random").as_str() {
        "cart" => Kind::Cart,
        _ => Kind::Random,
    };
    let size: usize = arg(3, "1024").parse().expect("a size");
    let times: usize = arg(4, "1000").parse().expect("a count");
    let engine = project::engine(format, false);
    let map = kind.session(size);
    let lines = project::encode(&engine, &project::fresh(&engine, &map)).expect("it fits");
    let header = project::cookie_header(&lines);
    match arg(0, "encode").as_str() {
        "untouched" => {
            for _ in 0..times {
                black_box(project::untouched(&engine, black_box(&header)));
            }
        }
        "decode" => {
            for _ in 0..times {
                black_box(project::decode(&engine, black_box(&header)));
            }
        }
        _ => {
            let sessions: Vec<_> = (0..times).map(|_| project::fresh(&engine, &map)).collect();
            for session in &sessions {
                black_box(project::encode(&engine, session));
            }
        }
    }
}

//! Codec cost: encode (a fresh session, every entry inserted, saved; the clock runs over the
//! save only) and decode (loaded and decoded at once) of each format at every size and kind of session, beside the floor
//! and the peers that seal the same JSON.

use std::hint::black_box;
use std::time::Instant;

use crate::data::{Kind, SIZES, kib};
use crate::jar::{self, Jar};
use crate::measure::{Contender, Slot};
use crate::project::{self, Format};
use crate::report::{Results, layout};
use crate::{floor, python};

/// The floor's row.
pub const FLOOR: &str = "floor";
/// The floor with deflate (zlib-rs, level 6) before signing: what a compressing format
/// cannot go below.
pub const FLOOR_DEFLATE: &str = "floor + deflate";
/// The floor with inflate after verifying.
pub const FLOOR_INFLATE: &str = "floor + inflate";
/// Python Flask's row (its version is printed at the top of the report).
pub const PYTHON: &str = "Flask (Python)";

/// The title of a codec table.
pub fn table(encode: bool, kind: Kind) -> String {
    format!(
        "{}, {}",
        if encode { "encode" } else { "decode" },
        kind.label()
    )
}

/// The row each row of a codec table is divided by.
pub fn reference(table: &str, row: &str) -> Option<String> {
    let compressing = row == Format::Signed.label() || row == "project flask" || row == PYTHON;
    let base = if table.starts_with("encode") && table.ends_with("cart") && compressing {
        FLOOR_DEFLATE
    } else {
        FLOOR
    };
    Some(base.to_owned())
}

/// Bytes on the wire for one session: the `Cookie` header a browser sends back.
#[derive(Debug, Default)]
pub struct Sizes {
    cells: Vec<(String, String, usize)>,
}

impl Sizes {
    fn push(&mut self, row: &str, kind: Kind, size: usize, bytes: usize) {
        self.cells.push((
            row.to_owned(),
            format!("{} {}", kind_short(kind), kib(size)),
            bytes,
        ));
    }

    /// The table of sizes.
    pub fn table(&self) -> String {
        let mut columns: Vec<&str> = Vec::new();
        let mut rows: Vec<&str> = Vec::new();
        for (row, column, _) in &self.cells {
            if !columns.contains(&column.as_str()) {
                columns.push(column);
            }
            if !rows.contains(&row.as_str()) {
                rows.push(row);
            }
        }
        let mut lines = vec![
            std::iter::once(String::new())
                .chain(columns.iter().map(|c| (*c).to_owned()))
                .collect::<Vec<_>>(),
        ];
        for row in rows {
            let mut line = vec![row.to_owned()];
            for column in &columns {
                let cell = self
                    .cells
                    .iter()
                    .find(|(r, c, _)| r == row && c == column)
                    .map_or_else(|| "-".to_owned(), |(_, _, bytes)| bytes.to_string());
                line.push(cell);
            }
            lines.push(line);
        }
        format!(
            "wire size per session (bytes of cookie name=value pairs; floor: token only)\n{}",
            layout(&lines)
        )
    }
}

fn kind_short(kind: Kind) -> &'static str {
    match kind {
        Kind::Random => "random",
        Kind::Cart => "cart",
    }
}

/// Every codec contender, with the wire sizes seen while preparing them.
pub fn contenders(flask: Option<&python::Shared>, sizes: &mut Sizes) -> Vec<Contender> {
    let mut out = Vec::new();
    let engines: Vec<_> = Format::ALL
        .iter()
        .copied()
        .map(|format| (format, project::engine(format, false)))
        .collect();
    let jar_key = jar::key();
    for kind in Kind::ALL {
        for size in SIZES {
            let map = kind.session(size);
            assert_eq!(crate::data::json_len(&map), size, "{kind:?} {size}");
            let value = floor::value(&map);
            let column = kib(size);
            let slot = |encode: bool, row: &str| Slot::new(table(encode, kind), row, &column);

            // The floor, and with deflate for the compressible kind.
            let floors: &[(bool, &str)] = match kind {
                Kind::Random => &[(false, FLOOR)],
                Kind::Cart => &[(false, FLOOR), (true, FLOOR_DEFLATE)],
            };
            for &(deflate, row) in floors {
                let token = floor::encode(&value, deflate);
                sizes.push(row, kind, size, token.len());
                let v = value.clone();
                out.push(Contender::timed(slot(true, row), move || {
                    black_box(floor::encode(&v, deflate));
                }));
                let decode_row = if deflate { FLOOR_INFLATE } else { FLOOR };
                out.push(Contender::timed(slot(false, decode_row), move || {
                    black_box(floor::decode(&token, deflate));
                }));
            }

            for (format, engine) in &engines {
                let Some(outcome) = project::encode(engine, &project::fresh(engine, &map)) else {
                    eprintln!("{} {kind:?} {size}: does not fit, skipped", format.label());
                    continue;
                };
                let header = project::cookie_header(&outcome);
                sizes.push(format.label(), kind, size, project::wire_bytes(&outcome));
                assert!(project::decode(engine, &header), "{format:?} round trip");
                let (e, m) = (engine.clone(), map.clone());
                // The sessions are made (and their entries cloned in) before the clock
                // starts: an application moves its values in, the harness has to clone.
                out.push(Contender::self_timed(
                    slot(true, format.label()),
                    Box::new(move |iterations| {
                        let sessions: Vec<_> =
                            (0..iterations).map(|_| project::fresh(&e, &m)).collect();
                        let start = Instant::now();
                        for session in &sessions {
                            black_box(project::encode(&e, session));
                        }
                        start.elapsed()
                    }),
                ));
                let e = engine.clone();
                out.push(Contender::timed(slot(false, format.label()), move || {
                    black_box(project::decode(&e, &header));
                }));
            }

            for jar in Jar::ALL {
                let cookie = jar::encode(jar, &jar_key, &value);
                sizes.push(jar.label(), kind, size, cookie.len() - 1);
                let (k, v) = (jar_key.clone(), value.clone());
                out.push(Contender::timed(slot(true, jar.label()), move || {
                    black_box(jar::encode(jar, &k, &v));
                }));
                let k = jar_key.clone();
                out.push(Contender::timed(slot(false, jar.label()), move || {
                    black_box(jar::decode(jar, &k, &cookie));
                }));
            }

            if let Some(flask) = flask {
                let (index, len) = flask.borrow_mut().add_case(&value);
                sizes.push(PYTHON, kind, size, len + "session=".len() - 1);
                out.push(Contender::self_timed(
                    slot(true, PYTHON),
                    python::runner(flask, "dumps", index),
                ));
                out.push(Contender::self_timed(
                    slot(false, PYTHON),
                    python::runner(flask, "loads", index),
                ));
            }
        }
    }
    out
}

/// The four codec tables.
pub fn tables(results: &Results) -> Vec<String> {
    let mut tables = Vec::new();
    for kind in Kind::ALL {
        for encode in [true, false] {
            let title = table(encode, kind);
            tables.push(results.grid(&title, |row| reference(&title, row)));
        }
    }
    tables
}

//! The wire size of sessions shaped like real ones (carts, form drafts, tokens, profiles,
//! sign-in tokens, flash messages) in each of the project's formats, beside what the same
//! JSON would take deflated at level 6: a table of sizes, no timing.

use chunked_cookie_session::Outcome;
use serde_json::{Map, Value};
use test_support::shapes::{Shape, json_len, level6_wire};

use crate::project::{self, Format};
use crate::report::layout;

/// The JSON sizes picked from each shape's corpus (the nearest session to each).
const TARGETS: [usize; 5] = [1024, 3 * 1024, 6 * 1024, 12 * 1024, 24 * 1024];

/// Cookies and bytes of `Cookie` header a response's sets take.
fn wire(outcome: &Outcome) -> (usize, usize) {
    let sets: Vec<_> = outcome.cookies.iter().filter(|c| !c.is_removal()).collect();
    let line = sets
        .iter()
        .map(|c| c.name().len() + 1 + c.value().len())
        .sum::<usize>()
        + 2 * sets.len().saturating_sub(1);
    (sets.len(), line)
}

fn cell((cookies, bytes): (usize, usize)) -> String {
    format!("{bytes} in {cookies}")
}

/// The sessions of the table: for each shape, the corpus entry nearest each target size.
pub fn sessions() -> Vec<(Shape, usize, Map<String, Value>)> {
    let mut picked = Vec::new();
    for shape in Shape::ALL {
        let corpus = shape.corpus(TARGETS[TARGETS.len() - 1] * 9 / 8);
        let mut last = None;
        for target in TARGETS {
            let nearest = corpus
                .iter()
                .min_by_key(|(_, session)| json_len(session).abs_diff(target));
            if let Some((n, session)) = nearest
                && last != Some(*n)
            {
                last = Some(*n);
                picked.push((shape, *n, session.clone()));
            }
        }
    }
    picked
}

/// The table: each session's JSON, what level-6 deflate would make of it in the signed
/// format, and what each format writes (bytes of `Cookie` header in so many cookies). A
/// `!` marks a signed session that takes more cookies than level 6 would, or spans several
/// cookies and is more than 10 % larger.
pub fn table() -> String {
    let formats = Format::ALL;
    let engines: Vec<_> = formats.iter().map(|&f| project::engine(f, false)).collect();
    let mut lines = vec![
        ["session", "items", "JSON", "level 6"]
            .into_iter()
            .map(str::to_owned)
            .chain(formats.iter().map(|f| f.label().to_owned()))
            .collect::<Vec<_>>(),
    ];
    for (shape, n, session) in sessions() {
        let json = serde_json::to_vec(&session).expect("a session is JSON");
        let mut line = vec![
            shape.label().to_owned(),
            n.to_string(),
            json.len().to_string(),
        ];
        let mut reference = None;
        let mut cells = Vec::new();
        for (format, engine) in formats.iter().zip(&engines) {
            let Some(outcome) = project::encode(engine, &project::fresh(engine, &session)) else {
                cells.push("-".to_owned());
                continue;
            };
            let written = wire(&outcome);
            if *format == Format::Signed {
                let first = &outcome.cookies[0];
                let attributes = first.line().len() - first.name().len() - 1 - first.value().len();
                let level6 = level6_wire(&json, first.name(), attributes);
                let worse =
                    written.0 > level6.0 || (written.0 > 1 && written.1 * 10 > level6.1 * 11);
                reference = Some(level6);
                cells.push(format!(
                    "{}{}",
                    cell(written),
                    if worse { " !" } else { "" }
                ));
            } else {
                cells.push(cell(written));
            }
        }
        line.push(reference.map_or_else(|| "-".to_owned(), cell));
        line.extend(cells);
        lines.push(line);
    }
    format!(
        "wire size of realistic sessions (bytes of Cookie header in so many cookies; level 6: \
         the signed format with the JSON always deflated at level 6; ! marks a signed session \
         that takes more cookies than that, or spans several and is over 10 % larger)\n{}",
        layout(&lines)
    )
}

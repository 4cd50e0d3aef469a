//! The interleaved runner: every contender runs once per round, rounds alternate between
//! contenders, and each contender's figure is its median over the rounds.
//!
//! Interleaving spreads whatever else the machine does (another build, frequency changes)
//! over every contender alike, so the ratios of one run hold even when the absolute times
//! drift. A contender times itself: a Rust closure is timed around its loop, Python reports
//! the time of its own `timeit`-style loop.

use std::time::{Duration, Instant};

/// Runs `iterations` operations and returns how long they took.
pub type Runner = Box<dyn FnMut(u64) -> Duration>;

/// Where a contender's figure goes in the report: a table, a row and a column.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slot {
    /// The table's title.
    pub table: String,
    /// The row label.
    pub row: String,
    /// The column label.
    pub column: String,
}

impl Slot {
    /// A slot from anything string-like.
    pub fn new(
        table: impl Into<String>,
        row: impl Into<String>,
        column: impl Into<String>,
    ) -> Slot {
        Slot {
            table: table.into(),
            row: row.into(),
            column: column.into(),
        }
    }
}

/// One thing measured.
pub struct Contender {
    /// Where its figure is reported.
    pub slot: Slot,
    run: Runner,
    iterations: u64,
    samples: Vec<f64>,
}

impl std::fmt::Debug for Contender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Contender")
            .field("slot", &self.slot)
            .field("iterations", &self.iterations)
            .field("samples", &self.samples.len())
            .finish_non_exhaustive()
    }
}

impl Contender {
    /// A contender that runs `op` once per iteration, timed around the loop.
    pub fn timed(slot: Slot, mut op: impl FnMut() + 'static) -> Contender {
        Contender::self_timed(
            slot,
            Box::new(move |iterations| {
                let start = Instant::now();
                for _ in 0..iterations {
                    op();
                }
                start.elapsed()
            }),
        )
    }

    /// A contender that times itself (an async loop, another process).
    pub fn self_timed(slot: Slot, run: Runner) -> Contender {
        Contender {
            slot,
            run,
            iterations: 1,
            samples: Vec::new(),
        }
    }

    /// The median nanoseconds per operation over the rounds run so far.
    pub fn median_ns(&self) -> Option<f64> {
        median(&self.samples)
    }

    /// The interquartile range of the rounds as a share of the median: how steady the
    /// figure was (a burst of other work on the machine shows here).
    pub fn spread(&self) -> Option<f64> {
        let mut sorted = self.samples.clone();
        sorted.sort_by(f64::total_cmp);
        let quartile = |q: usize| sorted.get((sorted.len() - 1) * q / 4).copied();
        Some((quartile(3)? - quartile(1)?) / self.median_ns()?)
    }
}

/// How long and how often to measure.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// The time one contender's batch should take in a round.
    pub batch: Duration,
    /// How many rounds.
    pub rounds: usize,
}

/// Calibrates every contender's batch, then runs the rounds, printing progress to stderr.
pub fn run(contenders: &mut [Contender], plan: Plan) {
    for contender in contenders.iter_mut() {
        contender.iterations = calibrate(&mut contender.run, plan.batch);
    }
    let count = contenders.len();
    for round in 0..plan.rounds {
        eprint!("\rround {}/{}", round + 1, plan.rounds);
        // Each round starts at another contender, so none always runs first.
        for offset in 0..count {
            let contender = &mut contenders[(round * 7 + offset) % count];
            let elapsed = (contender.run)(contender.iterations);
            contender
                .samples
                .push(elapsed.as_nanos() as f64 / contender.iterations as f64);
        }
    }
    eprintln!();
}

/// The iteration count whose batch takes about `target`, after a warm-up run.
fn calibrate(run: &mut Runner, target: Duration) -> u64 {
    let mut iterations = 1u64;
    run(1);
    loop {
        let elapsed = run(iterations);
        if elapsed >= target / 2 || iterations >= 1 << 30 {
            let scaled = target.as_nanos() as f64 / elapsed.as_nanos().max(1) as f64;
            return ((iterations as f64 * scaled).round() as u64).max(1);
        }
        iterations *= 2;
    }
}

/// The median of `values`, `None` when empty.
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    Some(if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    })
}

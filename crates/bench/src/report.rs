//! Plain-text tables: the measured medians, laid out as rows and columns with ratios.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::measure::{Contender, Slot};

/// The medians of a run, by slot, in nanoseconds per operation.
#[derive(Debug, Default)]
pub struct Results {
    medians: HashMap<Slot, f64>,
    spreads: HashMap<Slot, f64>,
    /// Every table title, row and column in the order the contenders were made.
    order: Vec<Slot>,
}

impl Results {
    /// Collects the medians of the contenders.
    pub fn collect(contenders: &[Contender]) -> Results {
        let mut results = Results::default();
        for contender in contenders {
            if let Some(median) = contender.median_ns() {
                results.medians.insert(contender.slot.clone(), median);
                if let Some(spread) = contender.spread() {
                    results.spreads.insert(contender.slot.clone(), spread);
                }
                results.order.push(contender.slot.clone());
            }
        }
        results
    }

    /// The figures whose rounds spread over more than `share` of their median (interquartile
    /// range), worst first: the ones to re-measure before quoting.
    pub fn unsteady(&self, share: f64) -> Vec<String> {
        let mut found: Vec<(&Slot, f64)> = self
            .order
            .iter()
            .filter_map(|slot| Some((slot, *self.spreads.get(slot)?)))
            .filter(|(_, spread)| *spread > share)
            .collect();
        found.sort_by(|a, b| b.1.total_cmp(&a.1));
        found
            .into_iter()
            .map(|(slot, spread)| {
                format!(
                    "{} / {} / {}: ±{:.0}%",
                    slot.table,
                    slot.row,
                    slot.column,
                    spread * 50.0
                )
            })
            .collect()
    }

    /// The median of one slot, in nanoseconds.
    pub fn get(&self, table: &str, row: &str, column: &str) -> Option<f64> {
        self.medians.get(&Slot::new(table, row, column)).copied()
    }

    /// The rows of a table, in the order they were first measured.
    pub fn rows(&self, table: &str) -> Vec<String> {
        let mut rows: Vec<String> = Vec::new();
        for slot in self.order.iter().filter(|slot| slot.table == table) {
            if !rows.contains(&slot.row) {
                rows.push(slot.row.clone());
            }
        }
        rows
    }

    /// The columns of a table, in the order they were first measured.
    pub fn columns(&self, table: &str) -> Vec<String> {
        let mut columns: Vec<String> = Vec::new();
        for slot in self.order.iter().filter(|slot| slot.table == table) {
            if !columns.contains(&slot.column) {
                columns.push(slot.column.clone());
            }
        }
        columns
    }

    /// A grid of medians in µs, each cell followed by its ratio to the same column of the
    /// row `reference(row)` names (`None`: no ratio).
    pub fn grid(&self, table: &str, reference: impl Fn(&str) -> Option<String>) -> String {
        let columns = self.columns(table);
        let mut header = vec![String::new()];
        header.extend(columns.iter().cloned());
        let mut lines = vec![header];
        for row in self.rows(table) {
            let mut line = vec![match reference(&row) {
                Some(base) if base != row => format!("{row}  [÷ {base}]"),
                _ => row.clone(),
            }];
            for column in &columns {
                let cell = match self.get(table, &row, column) {
                    None => "-".to_owned(),
                    Some(ns) => {
                        let base = reference(&row)
                            .filter(|base| *base != row)
                            .and_then(|base| self.get(table, &base, column));
                        match base {
                            Some(base) => format!("{} {:>5.2}×", micros(ns), ns / base),
                            None => micros(ns),
                        }
                    }
                };
                line.push(cell);
            }
            lines.push(line);
        }
        format!("{table} (median µs per operation)\n{}", layout(&lines))
    }
}

/// Nanoseconds as microseconds with a sensible number of decimals.
pub fn micros(ns: f64) -> String {
    let us = ns / 1000.0;
    if us >= 100.0 {
        format!("{us:.0}")
    } else if us >= 10.0 {
        format!("{us:.1}")
    } else {
        format!("{us:.2}")
    }
}

/// Aligns cells in columns: the first left-aligned, the others right-aligned.
pub fn layout(lines: &[Vec<String>]) -> String {
    let width = |column: usize| {
        lines
            .iter()
            .filter_map(|line| line.get(column))
            .map(|cell| cell.chars().count())
            .max()
            .unwrap_or(0)
    };
    let columns = lines.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns).map(width).collect();
    let mut out = String::new();
    for line in lines {
        for (column, cell) in line.iter().enumerate() {
            let pad = widths[column] - cell.chars().count();
            if column == 0 {
                let _ = write!(out, "  {cell}{}", " ".repeat(pad));
            } else {
                let _ = write!(out, "  {}{cell}", " ".repeat(pad));
            }
        }
        out.push('\n');
    }
    out
}

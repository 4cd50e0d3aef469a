//! Peak heap of one call, through a counting global allocator from a crate
//! (`peakmem-alloc`): no hand-written `unsafe` here.
//!
//! The counters are process-wide, so measure on one thread at a time: a fuzz target runs
//! one input at a time, and the replay test is a single `#[test]`.

use std::alloc::System;

use peakmem_alloc::{INSTRUMENTED_SYSTEM, PeakMemAlloc, PeakMemAllocTrait};

/// Every binary that links this crate (the fuzz targets, the replay test) counts its
/// allocations here.
#[global_allocator]
static GLOBAL: &PeakMemAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Runs `f` and returns its result with the most bytes it held on the heap at once,
/// beyond what was allocated before it started.
pub fn peak<R>(f: impl FnOnce() -> R) -> (R, usize) {
    GLOBAL.reset_peak_memory();
    let result = f();
    (result, GLOBAL.get_peak_memory())
}

#[cfg(test)]
mod tests {
    #[test]
    fn measures_the_peak_of_one_call() {
        let ((), peak) = super::peak(|| {
            let big = vec![0u8; 1 << 20];
            std::hint::black_box(&big);
            drop(big);
            let small = vec![0u8; 1000];
            std::hint::black_box(&small);
        });
        assert!((1 << 20..(1 << 20) + 4096).contains(&peak), "{peak}");
    }
}

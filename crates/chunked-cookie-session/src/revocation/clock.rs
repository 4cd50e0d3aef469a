//! The revocation clock: microseconds since the Unix epoch, strictly increasing within a
//! process, so two events never share a value and their order is exact.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The last value [`now_micros`] handed out in this process.
static LAST: AtomicU64 = AtomicU64::new(0);

/// The current time in microseconds since the Unix epoch, strictly greater than every value
/// this function returned before in this process.
///
/// Session creation times and revocation epochs come from here, so "sign out everywhere at
/// T" revokes a session created a microsecond before T and spares one created after it,
/// even within the same second. Two calls in the same microsecond get consecutive values;
/// if the system clock steps back, the values keep increasing (by one per call) until it
/// catches up. Across processes on one machine the order follows the shared system clock.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::revocation::now_micros;
///
/// let first = now_micros();
/// let second = now_micros();
/// assert!(second > first);
/// assert!(first / 1_000_000 > 1_700_000_000);
/// ```
pub fn now_micros() -> u64 {
    let system = system_micros();
    let previous = LAST
        .fetch_update(Ordering::AcqRel, Ordering::Acquire, |last| {
            Some(system.max(last.saturating_add(1)))
        })
        // The closure always returns `Some`, so this arm is never taken.
        .unwrap_or_else(|last| last);
    system.max(previous.saturating_add(1))
}

/// The system clock in microseconds since the Unix epoch; 0 before 1970.
fn system_micros() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX)
        })
}

/// The current time in whole Unix seconds, read from the same clock.
pub(crate) fn now_secs() -> u64 {
    system_micros() / 1_000_000
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn values_strictly_increase_on_one_thread() {
        let mut last = now_micros();
        for _ in 0..100_000 {
            let next = now_micros();
            assert!(next > last, "{next} after {last}");
            last = next;
        }
    }

    #[test]
    fn threads_never_share_a_value() {
        let handles: Vec<_> = (0..4)
            .map(|_| std::thread::spawn(|| (0..20_000).map(|_| now_micros()).collect::<Vec<_>>()))
            .collect();
        let mut seen = HashSet::new();
        for handle in handles {
            let values = handle.join().expect("a clock thread");
            assert!(values.windows(2).all(|pair| pair[1] > pair[0]));
            for value in values {
                assert!(seen.insert(value), "{value} handed out twice");
            }
        }
        assert_eq!(seen.len(), 80_000);
    }

    #[test]
    fn follows_the_system_clock() {
        let before = system_micros();
        let value = now_micros();
        let after = system_micros();
        assert!(value >= before);
        // Ahead of the system clock only by the calls made within one microsecond.
        assert!(value <= after + 1_000_000, "{value} vs {after}");
        let secs = now_secs();
        assert!((before / 1_000_000..=system_micros() / 1_000_000).contains(&secs));
    }
}

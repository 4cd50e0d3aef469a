//! What the library logs, read back: every event a closure emits on this thread, as
//! tracing-subscriber's plain formatter writes it (level, message, fields), and the log
//! lines the suite checks.

use std::io;
use std::sync::{Arc, Mutex, PoisonError};

/// The bytes the formatter wrote.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl io::Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Runs `run` with every event down to `DEBUG` written as text, and returns its result and
/// the text.
pub fn captured<T>(run: impl FnOnce() -> T) -> (T, String) {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::DEBUG)
        .without_time()
        .finish();
    let result = tracing::subscriber::with_default(subscriber, run);
    let bytes = buffer
        .0
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    (
        result,
        String::from_utf8(bytes).expect("the formatter writes UTF-8"),
    )
}

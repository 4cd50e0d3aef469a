//! What the library logs, read back: every event a closure emits on this thread, as
//! tracing-subscriber's plain formatter writes it (level, message, fields), and the log
//! lines the suite checks.

use std::cell::RefCell;
use std::io;
use std::sync::Once;

thread_local! {
    /// The text written on this thread while a capture runs; `None` outside one.
    static CAPTURE: RefCell<Option<Vec<u8>>> = const { RefCell::new(None) };
}

/// Where the formatter writes: the running thread's capture, or nowhere.
struct ThreadSink;

impl io::Write for ThreadSink {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        CAPTURE.with_borrow_mut(|capture| {
            if let Some(text) = capture {
                text.extend_from_slice(bytes);
            }
        });
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Installs, once per test binary, one process-wide subscriber that writes every event down
/// to `DEBUG` to the emitting thread's capture. A subscriber scoped to one thread
/// (`with_default`) is not enough when tests run in parallel: tracing caches each call
/// site's interest process-wide, and a site first reached on a thread with no subscriber
/// can stay silenced for a capture on another thread.
fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_writer(|| ThreadSink)
            .with_max_level(tracing::Level::DEBUG)
            .without_time()
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other subscriber is installed in the test binaries");
    });
}

/// Runs `run` with every event down to `DEBUG` that it emits on this thread written as
/// text, and returns its result and the text.
pub fn captured<T>(run: impl FnOnce() -> T) -> (T, String) {
    install();
    CAPTURE.with_borrow_mut(|capture| *capture = Some(Vec::new()));
    let result = run();
    let bytes = CAPTURE
        .with_borrow_mut(Option::take)
        .expect("the capture this call started");
    (
        result,
        String::from_utf8(bytes).expect("the formatter writes UTF-8"),
    )
}

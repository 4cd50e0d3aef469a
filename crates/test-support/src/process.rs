//! Child processes the tests drive: killed when the test ends, however it ends, and
//! listened to for the line on which they announce where they serve.

use std::io::{BufRead, BufReader, Read};
use std::process::Child;
use std::sync::mpsc;
use std::time::Duration;

/// Upper bound on every wait for a child process or a page; only ever reached on a failure.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// A child process that is killed and reaped when the guard drops.
#[derive(Debug)]
pub struct ChildGuard(pub Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        // It may have exited already; either way nothing is left behind.
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits (at most [`PATIENCE`]) for the line of the child's piped stdout that starts with
/// `prefix`, and returns the rest of it, trimmed: processes that pick their own port
/// announce it this way. The child's stdout (and its stderr, when piped) keep being read
/// in the background afterwards, so the child never blocks on a full pipe. If the child
/// quits first, the panic quotes its stderr when that is piped.
pub fn announced(child: &mut Child, prefix: &str) -> String {
    let stdout = child.stdout.take().expect("the child's stdout is piped");
    let stderr = child.stderr.take().map(drain_to_string);
    let (found, wait) = mpsc::channel();
    let prefix_owned = prefix.to_owned();
    std::thread::spawn(move || {
        let mut found = Some(found);
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(rest) = line.strip_prefix(&prefix_owned)
                && let Some(sender) = found.take()
            {
                let _ = sender.send(rest.trim().to_owned());
            }
        }
        // Dropping the sender unannounced tells the test the child quit first.
    });
    match wait.recv_timeout(PATIENCE) {
        Ok(rest) => rest,
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            let said = stderr.map(|said| said.recv_timeout(PATIENCE).unwrap_or_default());
            panic!(
                "the process exited before printing {prefix:?}; its stderr:\n{}",
                said.unwrap_or_else(|| "(not captured)".to_owned())
            );
        }
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("no {prefix:?} line within {PATIENCE:?}")
        }
    }
}

/// Reads a pipe to its end in the background; the text arrives when the writer is gone.
fn drain_to_string(mut pipe: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        let _ = sender.send(String::from_utf8_lossy(&bytes).into_owned());
    });
    receiver
}

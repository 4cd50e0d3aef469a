//! What more than one module needs: starting the playground binary, child processes that
//! die with the test, free ports and incompressible test data.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};

/// Upper bound on every wait for a page or a process; only ever reached on a failure.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// A child process that is killed when the test ends, however it ends.
pub struct Guard(pub Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.start_kill();
    }
}

/// Starts the playground on a free port with `args` after `--addr`, and returns its base
/// URL (no trailing slash) once it listens.
pub async fn start_playground(args: &[&str]) -> (Guard, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_playground"))
        .args(["--addr", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::piped())
        // Only a few startup lines, which fit the pipe unread; they explain a failed start.
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start the playground binary");
    let url = announced(&mut child, "playground listening on ").await;
    (Guard(child), url.trim_end_matches('/').to_owned())
}

/// Waits for the line starting with `prefix` on the child's piped stdout; returns the
/// rest of it. Processes that pick their own port announce it this way. If the child
/// quits first, the panic quotes its stderr when that is piped.
pub async fn announced(child: &mut Child, prefix: &str) -> String {
    let stdout = child.stdout.take().expect("piped stdout");
    let mut lines = BufReader::new(stdout).lines();
    tokio::time::timeout(PATIENCE, async {
        while let Some(line) = lines.next_line().await.expect("read stdout") {
            if let Some(rest) = line.strip_prefix(prefix) {
                return rest.trim().to_owned();
            }
        }
        let mut said = String::new();
        if let Some(mut stderr) = child.stderr.take() {
            let _ = stderr.read_to_string(&mut said).await;
        }
        panic!("the process exited before printing {prefix:?}; its stderr:\n{said}");
    })
    .await
    .unwrap_or_else(|_| panic!("no {prefix:?} line within {PATIENCE:?}"))
}

/// A port nobody listens on right now, for programs that cannot report one they picked.
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    listener.local_addr().expect("local address").port()
}

/// `len` characters of pseudo-random base64url text, the same for the same `seed`.
///
/// Each character carries six random bits, so deflate keeps about three quarters of it:
/// the session's size on the wire tracks the text's length, and the text is safe in JSON
/// and in cookie values as it is.
pub fn noise(len: usize, seed: u64) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // Spread small seeds over the state; xorshift must never start from zero.
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let index = usize::try_from(state >> 58).expect("six bits fit usize");
            char::from(ALPHABET[index])
        })
        .collect()
}

//! Starting the playground binary for the integration tests.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
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

/// Starts the playground on a free port and returns its base URL once it listens.
pub async fn start_playground() -> (Guard, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_playground"))
        .args(["--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start the playground binary");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut lines = BufReader::new(stdout).lines();
    let base = tokio::time::timeout(PATIENCE, async {
        while let Some(line) = lines.next_line().await.expect("read stdout") {
            if let Some(url) = line.strip_prefix("playground listening on ") {
                return url.trim_end_matches('/').to_owned();
            }
        }
        panic!("the playground exited before listening");
    })
    .await
    .expect("the playground starts listening");
    (Guard(child), base)
}

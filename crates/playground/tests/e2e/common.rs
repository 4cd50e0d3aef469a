//! Starting the playground binary, which every module drives. The helpers the other test
//! crates share too (child processes, ports, test data, the cookie jar) are test-support's.

use std::process::{Command, Stdio};

use test_support::{ChildGuard, announced};

/// Starts the playground on a free port with `args` after `--addr`, and returns its base
/// URL (no trailing slash) once it listens.
pub fn start_playground(args: &[&str]) -> (ChildGuard, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_playground"))
        .args(["--addr", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::piped())
        // Its startup notes explain a failed start.
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the playground binary");
    let url = announced(&mut child, "playground listening on ");
    (ChildGuard(child), url.trim_end_matches('/').to_owned())
}

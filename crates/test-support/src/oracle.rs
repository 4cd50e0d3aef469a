//! Real Flask as an oracle: `flask/oracle.py` answers serializer questions with Flask's
//! own session serializer (itsdangerous and Flask's tagged JSON), one JSON request and one
//! JSON answer per line. Its header lists the operations. `frameworks/oracle.py` does the
//! same with real Starlette and Django, for the take-overs of their session cookies. Both
//! run the loop of `oracle_loop.py`, in the folder above theirs.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{ChildStdin, ChildStdout, Command, Stdio};

use serde_json::Value;

use crate::process::ChildGuard;
use crate::python::{flask_script, frameworks_python, frameworks_script, python};

/// One long-running `oracle.py` process, killed when dropped.
#[derive(Debug)]
pub struct Oracle {
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    _process: ChildGuard,
}

impl Oracle {
    /// Starts the oracle with the Python of [`python()`].
    pub fn start() -> Oracle {
        Oracle::spawn(python(), flask_script("oracle.py"))
    }

    /// Starts `frameworks/oracle.py`, real Starlette and Django as oracles for the
    /// take-overs of their session cookies (its header lists the operations).
    pub fn start_frameworks() -> Oracle {
        Oracle::spawn(frameworks_python(), frameworks_script("oracle.py"))
    }

    fn spawn(python: PathBuf, script: PathBuf) -> Oracle {
        let mut child = Command::new(python)
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start oracle.py");
        let stdin = child.stdin.take().expect("the oracle's stdin is piped");
        let stdout = BufReader::new(child.stdout.take().expect("the oracle's stdout is piped"));
        Oracle {
            stdin,
            stdout,
            _process: ChildGuard(child),
        }
    }

    /// Asks one question; an answer that reports the oracle's own failure fails the test.
    pub fn call(&mut self, request: &Value) -> Value {
        writeln!(self.stdin, "{request}").expect("write to the oracle");
        self.stdin.flush().expect("flush the oracle's stdin");
        let mut line = String::new();
        self.stdout
            .read_line(&mut line)
            .expect("read the oracle's answer");
        let answer: Value = serde_json::from_str(&line)
            .unwrap_or_else(|err| panic!("the oracle answered {line:?} to {request} ({err})"));
        assert!(
            answer.get("oracle_error").is_none(),
            "the oracle failed on {request}: {answer}"
        );
        answer
    }
}

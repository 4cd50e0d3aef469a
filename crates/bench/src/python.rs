//! Flask's own `dumps` and `loads` (the serializer of `SecureCookieSessionInterface`), in a
//! Python child process that times itself with `timeit` and answers one batch per round, so
//! Python takes its turn in the interleaved rounds like every other contender.
//!
//! The interpreter is `$FLASK_PYTHON`, else the workspace's `.venv/bin/python` (made by
//! `scripts/test-all.sh`); without Flask there, these rows are left out.

use std::cell::RefCell;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::rc::Rc;
use std::time::Duration;

use serde_json::Value;

/// The child's program: reads commands on stdin, answers one line each.
const SCRIPT: &str = r#"
import json, sys, timeit
from importlib.metadata import version
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

app = Flask("bench")
app.secret_key = "bench-secret"
serializer = SecureCookieSessionInterface().get_signing_serializer(app)
max_age = int(app.permanent_session_lifetime.total_seconds())
cases = []
print(f"flask {version('flask')}, itsdangerous {version('itsdangerous')}, python {sys.version.split()[0]}", flush=True)
while True:
    line = sys.stdin.readline()
    if not line:
        break
    command, *args = line.split()
    if command == "case":
        data = json.loads(sys.stdin.readline())
        token = serializer.dumps(data)
        cases.append((data, token))
        print(len(token), flush=True)
    elif command == "dumps":
        data = cases[int(args[0])][0]
        seconds = timeit.Timer(lambda: serializer.dumps(data)).timeit(int(args[1]))
        print(int(seconds * 1e9), flush=True)
    elif command == "loads":
        token = cases[int(args[0])][1]
        seconds = timeit.Timer(lambda: serializer.loads(token, max_age=max_age)).timeit(int(args[1]))
        print(int(seconds * 1e9), flush=True)
"#;

/// A running Python child.
#[derive(Debug)]
pub struct Flask {
    _child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    cases: usize,
    /// The versions the child reported.
    pub versions: String,
}

/// The interpreter to run: `$FLASK_PYTHON` or the workspace's `.venv`.
fn interpreter() -> PathBuf {
    std::env::var_os("FLASK_PYTHON").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python"),
        PathBuf::from,
    )
}

impl Flask {
    /// Starts the child.
    ///
    /// # Errors
    ///
    /// Why Flask is not available: no interpreter, or no Flask in it.
    pub fn start() -> Result<Flask, String> {
        let python = interpreter();
        let mut child = Command::new(&python)
            .args(["-c", SCRIPT])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|err| format!("{}: {err}", python.display()))?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout = BufReader::new(child.stdout.take().ok_or("no stdout")?);
        let mut flask = Flask {
            _child: child,
            stdin,
            stdout,
            cases: 0,
            versions: String::new(),
        };
        flask.versions = flask
            .answer()
            .map_err(|err| format!("{}: {err}", python.display()))?;
        Ok(flask)
    }

    /// Registers a session; returns its index and the length of Flask's token for it.
    ///
    /// # Panics
    ///
    /// If the child stops answering.
    pub fn add_case(&mut self, value: &Value) -> (usize, usize) {
        let json = serde_json::to_string(value).expect("serializable");
        let index = self.cases;
        self.send(&format!("case\n{json}"));
        let len = self.answer().expect("an answer").parse().expect("a length");
        self.cases += 1;
        (index, len)
    }

    fn send(&mut self, line: &str) {
        writeln!(self.stdin, "{line}").expect("the Python child reads");
        self.stdin.flush().expect("the Python child reads");
    }

    fn answer(&mut self) -> Result<String, String> {
        let mut line = String::new();
        match self.stdout.read_line(&mut line) {
            Ok(0) => Err("Python exited (is Flask installed?)".to_owned()),
            Ok(_) => Ok(line.trim().to_owned()),
            Err(err) => Err(err.to_string()),
        }
    }
}

/// Flask shared by its contenders.
pub type Shared = Rc<RefCell<Flask>>;

/// A runner for `dumps` or `loads` of case `index`: Python times `iterations` calls.
pub fn runner(flask: &Shared, op: &'static str, index: usize) -> crate::measure::Runner {
    let flask = Rc::clone(flask);
    Box::new(move |iterations| {
        let mut flask = flask.borrow_mut();
        flask.send(&format!("{op} {index} {iterations}"));
        let ns: u64 = flask
            .answer()
            .expect("an answer")
            .parse()
            .expect("nanoseconds");
        Duration::from_nanos(ns)
    })
}

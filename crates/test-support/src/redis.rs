//! A real `redis-server` of a test's own, on a free loopback port, with its data in a
//! directory of its own: killed (and the directory removed) when the test ends, however
//! it ends. It can be killed and started again on the same port and data, with or without
//! an append-only file.
//!
//! The Debian package `redis-server` provides the program; without it the test fails and
//! says so.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::process::{ChildGuard, PATIENCE};

/// What to tell a developer without the program.
const INSTALL: &str = "install redis-server (Debian package redis-server)";

/// A running (or killed) `redis-server` owned by one test.
#[derive(Debug)]
pub struct RedisServer {
    child: Option<ChildGuard>,
    port: u16,
    dir: PathBuf,
    append_only: bool,
    log: Arc<Mutex<String>>,
}

/// How the server keeps its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Persistence {
    /// Memory only: a restart starts empty.
    None,
    /// An append-only file, synced at every write (`--appendfsync always`), so a killed
    /// server restarts with everything it acknowledged.
    AppendOnly,
}

impl RedisServer {
    /// Starts a server with no persistence, and waits until it answers `PING`.
    pub fn start() -> RedisServer {
        RedisServer::start_with(Persistence::None)
    }

    /// Starts a server that keeps its data as asked, and waits until it answers `PING`.
    pub fn start_with(persistence: Persistence) -> RedisServer {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "test-redis-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the Redis data directory");
        let mut server = RedisServer {
            child: None,
            port: 0,
            dir,
            append_only: persistence == Persistence::AppendOnly,
            log: Arc::default(),
        };
        // Another process may take the free port between the probe and the bind: retry.
        for _ in 0..5 {
            server.port = crate::net::free_port();
            if server.launch() {
                return server;
            }
        }
        panic!(
            "redis-server could not bind a free loopback port; its log:\n{}",
            server.log()
        );
    }

    /// `redis://127.0.0.1:PORT/0`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    /// The loopback port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Whether the server process is running.
    pub fn is_running(&self) -> bool {
        self.child.is_some()
    }

    /// Kills the server at once (`SIGKILL`, no shutdown save) and waits for it to go.
    pub fn kill(&mut self) {
        // ChildGuard kills and reaps on drop.
        drop(self.child.take());
    }

    /// Starts the server again on the same port and data directory (after [`kill`](Self::kill)).
    pub fn restart(&mut self) {
        assert!(self.child.is_none(), "kill the server before restarting it");
        assert!(
            self.launch(),
            "redis-server could not bind its port {} again; its log:\n{}",
            self.port,
            self.log()
        );
    }

    /// What the server wrote to its stdout and stderr so far.
    pub fn log(&self) -> String {
        self.log.lock().map(|log| log.clone()).unwrap_or_default()
    }

    /// Runs the program and waits until it answers; `false` if it exited because its port
    /// was taken.
    fn launch(&mut self) -> bool {
        let port = self.port.to_string();
        let dir = self.dir.to_str().expect("a UTF-8 temporary directory");
        let append_only = if self.append_only { "yes" } else { "no" };
        let spawned = Command::new("redis-server")
            .args(["--port", &port, "--bind", "127.0.0.1", "--save", ""])
            .args(["--appendonly", append_only, "--appendfsync", "always"])
            .args(["--dir", dir, "--daemonize", "no", "--logfile", ""])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                panic!("redis-server is not on PATH: {INSTALL}")
            }
            Err(error) => panic!("could not run redis-server ({error}): {INSTALL}"),
        };
        for pipe in [
            child
                .stdout
                .take()
                .map(|out| Box::new(out) as Box<dyn Read + Send>),
            child
                .stderr
                .take()
                .map(|err| Box::new(err) as Box<dyn Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let log = Arc::clone(&self.log);
            std::thread::spawn(move || collect(pipe, &log));
        }
        let mut guard = ChildGuard(child);
        let started = Instant::now();
        loop {
            if answers_ping(self.port) {
                self.child = Some(guard);
                return true;
            }
            if let Ok(Some(status)) = guard.0.try_wait() {
                // Let the log readers catch the last lines.
                std::thread::sleep(Duration::from_millis(50));
                let log = self.log();
                if log.contains("Address already in use") {
                    return false;
                }
                panic!("redis-server exited ({status}) before answering; its log:\n{log}");
            }
            assert!(
                started.elapsed() < PATIENCE,
                "redis-server did not answer PING within {PATIENCE:?}; its log:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Appends what a pipe says to the log until it closes.
fn collect(mut pipe: Box<dyn Read + Send>, log: &Mutex<String>) {
    let mut buffer = [0u8; 4096];
    while let Ok(read) = pipe.read(&mut buffer) {
        if read == 0 {
            return;
        }
        if let Ok(mut log) = log.lock() {
            log.push_str(&String::from_utf8_lossy(&buffer[..read]));
        }
    }
}

/// Whether a server on the port answers `PING` with `PONG` (not `LOADING`).
fn answers_ping(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    if stream.write_all(b"PING\r\n").is_err() {
        return false;
    }
    let mut reply = [0u8; 7];
    stream.read_exact(&mut reply).is_ok() && &reply == b"+PONG\r\n"
}

//! A second OS process on the same Redis: this test binary run again as a peer that
//! answers commands on its stdin. A process started after revocations knows them, and
//! the order of "sign out everywhere" against session creation is exact across the two
//! processes within one second.

use std::io::{BufRead, BufReader, Lines, Write};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::mpsc;

use chunked_cookie_session::revocation::{Identity, Policy, Revocation, Scope, SessionId, Verdict};
use test_support::process::{ChildGuard, PATIENCE};
use test_support::redis::RedisServer;

use crate::support::{refused, session_of, store, verdict_name, within_one_second};

/// Set in the peer's environment: the URL of the Redis to use.
const PEER_URL: &str = "REVOCATION_PEER_URL";
/// This test's name as the test harness knows it.
const TEST: &str = "process::a_second_process_shares_every_revocation";
/// The prefix of the peer's answers (the harness prints its own lines too).
const SAYS: &str = "peer: ";

#[test]
fn a_second_process_shares_every_revocation() {
    if let Ok(url) = std::env::var(PEER_URL) {
        return serve_as_peer(&url);
    }
    let server = RedisServer::start();
    let here = store(&server, "app", Policy::FailClosed);

    // Revoked before the peer exists: it must learn them from Redis at start-up.
    let logged_out = session_of("ada");
    let bobs = session_of("bob");
    here.revoke(&logged_out).wait().expect("confirmed");
    here.revoke_subject("bob").wait().expect("confirmed");

    let mut peer = Peer::start(&server);
    assert_eq!(peer.check(&logged_out), "revoked:session");
    assert_eq!(peer.check(&bobs), "revoked:subject");
    assert_eq!(peer.check(&session_of("bob")), "valid");

    // The peer signs carol out between two sessions created here in the same second.
    let (before, epoch, after, (carol_before, carol_after)) = within_one_second(|| {
        let carol_before = session_of("carol");
        let epoch = peer.revoke_subject("carol");
        let carol_after = session_of("carol");
        (
            carol_before.created(),
            epoch,
            carol_after.created(),
            (carol_before, carol_after),
        )
    });
    assert!(
        before < epoch && epoch < after,
        "{before} < {epoch} < {after}"
    );
    refused(&here, &carol_before, Scope::Subject);
    assert_eq!(here.check(&carol_after), Verdict::Valid);
    assert_eq!(peer.check(&carol_before), "revoked:subject");
    assert_eq!(peer.check(&carol_after), "valid");

    // And the other way: a logout here reaches the peer.
    let dave = session_of("dave");
    here.revoke(&dave).wait().expect("confirmed");
    let mut seen = String::new();
    let started = std::time::Instant::now();
    while seen != "revoked:session" {
        assert!(
            started.elapsed() < PATIENCE,
            "the peer never refused it: {seen}"
        );
        seen = peer.check(&dave);
    }
}

/// The peer process, from the parent's side.
struct Peer {
    _child: ChildGuard,
    stdin: ChildStdin,
    answers: mpsc::Receiver<String>,
}

impl Peer {
    fn start(server: &RedisServer) -> Peer {
        let exe = std::env::current_exe().expect("the test binary's path");
        let mut child = Command::new(exe)
            .args([TEST, "--exact", "--nocapture", "--test-threads", "1"])
            .env(PEER_URL, server.url())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("run the test binary again as the peer");
        let stdin = child.stdin.take().expect("piped");
        let stdout = child.stdout.take().expect("piped");
        let (sender, answers) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                // The harness prints "test NAME ... " before the test's first line.
                if let Some((_, answer)) = line.split_once(SAYS) {
                    let _ = sender.send(answer.to_owned());
                }
            }
        });
        let mut peer = Peer {
            _child: ChildGuard(child),
            stdin,
            answers,
        };
        assert_eq!(peer.answer(), "ready");
        peer
    }

    fn answer(&mut self) -> String {
        self.answers
            .recv_timeout(PATIENCE)
            .expect("the peer answers (its stderr is above)")
    }

    fn ask(&mut self, line: &str) -> String {
        writeln!(self.stdin, "{line}").expect("the peer reads its stdin");
        self.answer()
    }

    fn check(&mut self, identity: &Identity) -> String {
        self.ask(&format!(
            "check {} {} {} {}",
            identity.session_id(),
            identity.created(),
            identity.expires_at(),
            identity.subject().unwrap_or("-")
        ))
    }

    fn revoke_subject(&mut self, subject: &str) -> u64 {
        self.ask(&format!("revoke-subject {subject}"))
            .parse()
            .expect("the peer answers an epoch")
    }
}

/// The peer's side: a store on the parent's Redis, commands on stdin, answers on stdout.
fn serve_as_peer(url: &str) {
    let store = chunked_cookie_session::revocation::RedisRevocation::builder(url)
        .namespace("app")
        .staleness_bound(std::time::Duration::from_secs(1))
        .startup_wait(PATIENCE)
        .connect()
        .expect("the peer's store");
    assert!(store.freshness().is_fresh(), "the peer synced at start-up");
    let say = |answer: &str| {
        println!("{SAYS}{answer}");
        let _ = std::io::stdout().flush();
    };
    say("ready");
    let lines: Lines<_> = std::io::stdin().lock().lines();
    for line in lines {
        let Ok(line) = line else { break };
        let words: Vec<&str> = line.split(' ').collect();
        match words.as_slice() {
            ["check", id, created, expires, subject] => {
                let id: SessionId = id.parse().expect("an id");
                let mut identity = Identity::new(
                    id,
                    created.parse().expect("a time"),
                    expires.parse().expect("a time"),
                );
                if *subject != "-" {
                    identity = identity.with_subject(*subject).expect("a subject");
                }
                say(&verdict_name(store.check(&identity)));
            }
            ["revoke-subject", subject] => {
                let epoch = store.revoke_subject(subject).wait().expect("confirmed");
                say(&epoch.to_string());
            }
            _ => panic!("the peer got {line:?}"),
        }
    }
}

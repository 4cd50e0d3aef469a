//! Starting the playground binary, which every module drives, and a visitor of its API
//! with a cookie jar of its own. The helpers the other test crates share too (child
//! processes, ports, test data, the cookie jar, Redis) are test-support's.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::header::{COOKIE, HeaderMap};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use test_support::{ChildGuard, Jar, PATIENCE, WireCookie, announced};

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

/// Starts the playground with `args` and the key every playground of a test shares, so
/// that the cookies one writes, the others read.
pub fn start_with_key(key: &str, args: &[&str]) -> (ChildGuard, String) {
    start_playground(&[&["--key", key][..], args].concat())
}

/// One answer of the API, with how long it took.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub json: Value,
    pub headers: HeaderMap,
    pub elapsed: Duration,
}

impl Answer {
    /// The `Set-Cookie` fields that delete a cookie.
    pub fn deletions(&self) -> usize {
        WireCookie::from_headers(&self.headers)
            .iter()
            .filter(|cookie| cookie.is_removal())
            .count()
    }
}

/// A visitor of one or more playgrounds (all on 127.0.0.1, where a browser sends the same
/// cookies to every port): a cookie jar of its own and a user agent.
#[derive(Debug, Clone)]
pub struct Visitor {
    client: Client,
    pub jar: Jar,
}

impl Visitor {
    pub fn new(user_agent: &str) -> Visitor {
        Visitor {
            client: Client::builder()
                .user_agent(user_agent)
                .build()
                .expect("a reqwest client"),
            jar: Jar::new(),
        }
    }

    /// Another visitor holding a copy of this one's cookies, as whoever copied them would.
    pub fn copy(&self) -> Visitor {
        self.clone()
    }

    /// A request to `base` + `path` with the jar's cookies and a JSON body; the answer's
    /// cookies go into the jar.
    pub async fn call(
        &mut self,
        method: &str,
        base: &str,
        path: &str,
        body: Option<Value>,
    ) -> Answer {
        let mut request = self
            .client
            .request(method.parse().expect("a method"), format!("{base}{path}"));
        if !self.jar.is_empty() {
            request = request.header(COOKIE, self.jar.header());
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        let started = Instant::now();
        let response = request.send().await.expect("the playground answers");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("a body");
        let elapsed = started.elapsed();
        self.jar.apply_headers(&headers);
        let json = serde_json::from_str(&text)
            .unwrap_or_else(|err| panic!("{method} {path}: not JSON ({err}): {text}"));
        Answer {
            status,
            json,
            headers,
            elapsed,
        }
    }

    /// `GET /api/session`, which must answer 200.
    pub async fn session(&mut self, base: &str) -> Value {
        let answer = self.call("GET", base, "/api/session", None).await;
        assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.json);
        answer.json
    }

    /// The load reason `base` gives this visitor's session.
    pub async fn load(&mut self, base: &str) -> String {
        self.session(base).await["load"]
            .as_str()
            .expect("a load reason")
            .to_owned()
    }

    /// `POST /api/login` as `user`, which must answer 200; the view.
    pub async fn login(&mut self, base: &str, user: &str) -> Value {
        let answer = self
            .call("POST", base, "/api/login", Some(json!({ "user": user })))
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.json);
        assert_eq!(answer.json["subject"], user);
        answer.json
    }
}

/// Polls `base` with `visitor`'s cookies until it gives `reason`; fails after [`PATIENCE`]
/// (reached only on a failure). The visitor is not changed.
pub async fn eventually_load(visitor: &Visitor, base: &str, reason: &str) {
    let started = Instant::now();
    loop {
        // A copy, so a refusal's deletions do not empty the jar being polled.
        let got = visitor.copy().load(base).await;
        if got == reason {
            return;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "{base} still gives {got}, not {reason}, after {PATIENCE:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

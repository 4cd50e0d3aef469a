//! A browser-like client: reqwest with a cookie store, no redirect following (the tests
//! look at each redirect), and the store at hand to read and tamper with.

use std::net::SocketAddr;
use std::sync::Arc;

use chunked_cookie_session::revocation::MemoryRevocation;
use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine, TokenInfo};
use reqwest::cookie::{CookieStore, Jar};
use reqwest::header::HeaderMap;
use reqwest::{StatusCode, Url};
use test_support::WireCookie;

/// An engine for plain HTTP on loopback (reqwest's store, like a browser, never sends a
/// `Secure` cookie over http), in the encrypted format that `TowerSessions::new` takes.
pub fn engine() -> SessionEngine {
    SessionEngine::private(loopback(), KeyRing::new(Key::generate()))
}

/// [`engine`] with a revocation store in this process's memory, as the examples' own
/// engine has: logout holds.
pub fn revocable_engine() -> SessionEngine {
    let store = MemoryRevocation::builder()
        .registry(10)
        .build()
        .expect("valid store settings");
    engine()
        .with_revocation(Arc::new(store))
        .expect("the default lifetimes agree")
}

/// A browser holding a copy of `from`'s cookies, as whoever copied them would.
pub fn copy_of(from: &Browser, addr: SocketAddr) -> Browser {
    let copy = Browser::new(addr);
    for pair in from
        .cookie_header()
        .split("; ")
        .filter(|pair| !pair.is_empty())
    {
        let (name, value) = pair.split_once('=').expect("name=value");
        copy.put_cookie(name, value);
    }
    copy
}

/// The same in the signed format: sessions a client can read.
pub fn signed_engine() -> SessionEngine {
    SessionEngine::signed(loopback(), KeyRing::new(Key::generate()))
}

fn loopback() -> SessionConfig {
    SessionConfig::builder()
        .secure(false)
        .build()
        .expect("a valid configuration")
}

/// One response, read whole.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    /// The `Set-Cookie` fields, parsed as a client parses them.
    pub fn cookies(&self) -> Vec<WireCookie> {
        WireCookie::from_headers(&self.headers)
    }

    /// The names the response sets (not deletes), in order.
    pub fn set(&self) -> Vec<String> {
        self.cookies()
            .iter()
            .filter(|cookie| !cookie.is_removal())
            .map(|cookie| cookie.name().to_owned())
            .collect()
    }

    /// The names the response deletes, in order.
    pub fn deleted(&self) -> Vec<String> {
        self.cookies()
            .iter()
            .filter(|cookie| cookie.is_removal())
            .map(|cookie| cookie.name().to_owned())
            .collect()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .map(|value| value.to_str().expect("ASCII"))
    }

    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.body))
    }

    /// The value of the hidden `csrf_token` field of the page's form.
    pub fn csrf_token(&self) -> String {
        let marker = r#"name="csrf_token" value=""#;
        let start = self
            .body
            .find(marker)
            .unwrap_or_else(|| panic!("no CSRF field in {}", self.body))
            + marker.len();
        let end = start + self.body[start..].find('"').expect("a closing quote");
        self.body[start..end].to_owned()
    }
}

/// A client with its own cookie store.
pub struct Browser {
    client: reqwest::Client,
    jar: Arc<Jar>,
    base: Url,
}

impl Browser {
    pub fn new(addr: SocketAddr) -> Browser {
        let jar = Arc::new(Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(Arc::clone(&jar))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a reqwest client");
        Browser {
            client,
            jar,
            base: format!("http://{addr}").parse().expect("a URL"),
        }
    }

    fn url(&self, path: &str) -> Url {
        self.base.join(path).expect("a path")
    }

    pub async fn get(&self, path: &str) -> Page {
        read(
            self.client
                .get(self.url(path))
                .send()
                .await
                .expect("a response"),
        )
        .await
    }

    /// A GET as a browser navigating to a page sends it (`Accept: text/html`).
    pub async fn navigate(&self, path: &str) -> Page {
        let request = self
            .client
            .get(self.url(path))
            .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8");
        read(request.send().await.expect("a response")).await
    }

    /// Posts a form; values are URL-safe ASCII in these tests.
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Page {
        let response = self
            .client
            .post(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(form))
            .send()
            .await
            .expect("a response");
        read(response).await
    }

    /// Posts a form with one more header.
    pub async fn post_with_header(
        &self,
        path: &str,
        form: &[(&str, &str)],
        name: &str,
        value: &str,
    ) -> Page {
        let response = self
            .client
            .post(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .header(name, value)
            .body(form_body(form))
            .send()
            .await
            .expect("a response");
        read(response).await
    }

    /// The `Cookie` header the store sends next.
    pub fn cookie_header(&self) -> String {
        self.jar
            .cookies(&self.base)
            .map(|value| value.to_str().expect("ASCII").to_owned())
            .unwrap_or_default()
    }

    /// The value the store holds for `name`.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookie_header().split("; ").find_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            (key == name).then(|| value.to_owned())
        })
    }

    /// Puts a cookie in the store, as a script (or an attacker) could.
    pub fn put_cookie(&self, name: &str, value: &str) {
        self.jar
            .add_cookie_str(&format!("{name}={value}; Path=/"), &self.base);
    }

    /// The generation id of the session the store holds.
    pub fn generation(&self, engine: &SessionEngine) -> String {
        let inspection = engine.inspector().inspect([self.cookie_header().as_str()]);
        match inspection.token {
            Some(TokenInfo::Native(header)) => header.generation,
            other => panic!("no native session in the store: {other:?}"),
        }
    }
}

async fn read(response: reqwest::Response) -> Page {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.text().await.expect("a body");
    Page {
        status,
        headers,
        body,
    }
}

fn form_body(form: &[(&str, &str)]) -> String {
    let pairs: Vec<String> = form
        .iter()
        .map(|(name, value)| format!("{name}={}", encode(value)))
        .collect();
    pairs.join("&")
}

fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(byte).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

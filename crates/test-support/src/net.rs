//! Loopback ports.

/// A loopback port nobody listens on right now, for programs that cannot report one they
/// picked themselves (chromedriver, nginx).
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("a bound address").port()
}

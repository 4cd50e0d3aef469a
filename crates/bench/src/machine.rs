//! What the figures were measured on: the CPU, its cores, the compiler, and the versions
//! of the crates this very binary linked (read from the workspace's Cargo.lock, compiled in,
//! so they cannot drift from the build).

use std::process::Command;

/// The lockfile this binary was built from.
const LOCKFILE: &str = include_str!("../../../Cargo.lock");

/// The crates whose versions the report names.
const CRATES: &[&str] = &[
    "chunked-cookie-session",
    "actix-web",
    "actix-session",
    "axum",
    "tower-sessions",
    "tower-sessions-core",
    "tower-sessions-cookie-store",
    "tower-cookies",
    "cookie",
    "serde_json",
    "hmac",
    "sha2",
    "chacha20poly1305",
    "base64",
    "base64-simd",
    "flate2",
    "zlib-rs",
    "libz-sys",
    "miniz_oxide",
    "tokio",
];

/// One line on the machine and one on the crates.
pub fn describe() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name"))
        .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let flags = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("flags"))
        .unwrap_or_default();
    let features: Vec<&str> = ["sha_ni", "avx2", "avx512f", "aes"]
        .into_iter()
        .filter(|flag| flags.split_whitespace().any(|f| f == *flag))
        .collect();
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let rustc = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned()))
        .arg("--version")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .unwrap_or_default();
    format!(
        "machine: {model}, {cores} cores available, {} ; {}\ncrates: {}",
        features.join(" "),
        rustc.trim(),
        versions().join(", ")
    )
}

/// `name version` of each listed crate in the lockfile (every version, when several).
fn versions() -> Vec<String> {
    let mut found = Vec::new();
    for block in LOCKFILE.split("[[package]]") {
        let field = |key: &str| {
            block.lines().find_map(|line| {
                line.strip_prefix(key)
                    .and_then(|rest| rest.strip_prefix(" = \""))
                    .and_then(|rest| rest.strip_suffix('"'))
            })
        };
        if let (Some(name), Some(version)) = (field("name"), field("version"))
            && CRATES.contains(&name)
        {
            found.push((
                CRATES.iter().position(|c| *c == name),
                format!("{name} {version}"),
            ));
        }
    }
    found.sort();
    found.into_iter().map(|(_, text)| text).collect()
}

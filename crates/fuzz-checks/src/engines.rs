//! The engines every check runs against: each format under a small and a large budget,
//! with fixed keys (the forged inputs of [`forge`](crate::forge) are sealed with them).

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use chunked_cookie_session::flask::FlaskLayout;
use chunked_cookie_session::{EngineOptions, KeyMaterial, SameSite, SessionEngine, WireFormat};

use crate::forge;

/// The clock of every check (2023-11-14).
pub const NOW: u64 = 1_700_000_000;

/// The size limits of a budget, as the configuration is built from them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// `max_size`: bytes of the session's cookies in a request's `Cookie` line.
    pub max_size: usize,
    /// `max_chunks`.
    pub max_chunks: usize,
    /// `max_decoded_size`: the most JSON a reader inflates.
    pub max_decoded_size: usize,
}

/// The two budgets: one near the default, and the recipe's 40 KB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub enum Budget {
    /// 4 KiB in at most 4 cookies, 64 KiB decoded.
    Small,
    /// 40 KiB in at most 16 cookies, 256 KiB decoded.
    Large,
}

impl Budget {
    /// Both budgets.
    pub const ALL: [Budget; 2] = [Budget::Small, Budget::Large];

    /// The limits the configuration is built from.
    pub const fn limits(self) -> Limits {
        match self {
            Budget::Small => Limits {
                max_size: 4 * 1024,
                max_chunks: 4,
                max_decoded_size: 64 * 1024,
            },
            Budget::Large => Limits {
                max_size: 40 * 1024,
                max_chunks: 16,
                max_decoded_size: 256 * 1024,
            },
        }
    }

    /// The options of an engine of `format` under this budget's limits: the library's
    /// cookie defaults (for every format, Flask's included), the checks' keys.
    pub fn options(self, format: Format) -> EngineOptions {
        let limits = self.limits();
        let mut options = format.options();
        options.max_size = limits.max_size;
        options.max_chunks = Some(limits.max_chunks);
        options.max_decoded_size = Some(limits.max_decoded_size);
        options
    }

    fn index(self) -> usize {
        match self {
            Budget::Small => 0,
            Budget::Large => 1,
        }
    }
}

/// A wire format, with Flask's two layouts apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub enum Format {
    /// The native signed format.
    Signed,
    /// The native private (encrypted) format.
    Private,
    /// Flask, one `session` cookie.
    FlaskStock,
    /// Flask, the recipe's `session:0` … `session:9`.
    FlaskChunked,
}

impl Format {
    /// True for Flask's formats.
    pub fn is_flask(self) -> bool {
        matches!(self, Format::FlaskStock | Format::FlaskChunked)
    }
}

impl Format {
    /// The options of this format with the checks' keys (the current key
    /// [`forge::SECRETS`]`[0]` and one old key, `[1]`; Flask's secret) and the library's
    /// cookie defaults, for every format alike.
    pub fn options(self) -> EngineOptions {
        let wire = if self.is_flask() {
            WireFormat::Flask
        } else if self == Format::Private {
            WireFormat::Private
        } else {
            WireFormat::Signed
        };
        let mut options = EngineOptions::new(wire);
        // Every format under one name, the one the generators' cookies carry.
        options.name = Some("session".to_owned());
        options.secure = true;
        options.same_site = Some(SameSite::Lax);
        options.key = Some(key(0));
        options.old_keys = vec![key(1)];
        options.secret_key = Some(forge::FLASK_SECRET.to_vec().into());
        options.layout = if self == Format::FlaskStock {
            FlaskLayout::Stock
        } else {
            FlaskLayout::Chunked
        };
        options
    }
}

/// The native key of index `i` in [`forge::SECRETS`].
pub fn key(i: usize) -> KeyMaterial {
    KeyMaterial::from(forge::SECRETS[i].to_vec())
}

/// The engine `options` describe.
pub fn build(options: &EngineOptions) -> SessionEngine {
    options.build().expect("valid options")
}

/// The engine of `format` under `budget`, built once per process.
pub fn engine(format: Format, budget: Budget) -> &'static SessionEngine {
    static ENGINES: OnceLock<[[SessionEngine; 4]; 2]> = OnceLock::new();
    let all = ENGINES.get_or_init(|| {
        Budget::ALL.map(|budget| {
            [
                Format::Signed,
                Format::Private,
                Format::FlaskStock,
                Format::FlaskChunked,
            ]
            .map(|format| build(&budget.options(format)))
        })
    });
    let column = match format {
        Format::Signed => 0,
        Format::Private => 1,
        Format::FlaskStock => 2,
        Format::FlaskChunked => 3,
    };
    &all[budget.index()][column]
}

/// The most chunks `engine` reads and writes: its layout's limit under its configuration
/// (1 for Flask's stock layout, 10 for the recipe's, `max_chunks` for the native one).
pub fn chunk_limit(engine: &SessionEngine) -> usize {
    (0..)
        .take_while(|&i| engine.chunk_name(i).is_some())
        .count()
}

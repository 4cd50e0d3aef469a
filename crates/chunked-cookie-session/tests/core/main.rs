//! The behaviour suite of the engine, run for every wire format it applies to, and the
//! tests that belong to one format.
//!
//! Each suite test is a function generic over a [`fixture::Fixture`] (how to build an
//! engine, how chunks are named, what the token looks like); the macros below instantiate
//! it once per format, as `<module>::<test>::<format>`:
//!
//! | module | what | formats |
//! |---|---|---|
//! | `roundtrip` | round trips on, before and after every chunk boundary, odd shapes, every size up to a 40 KiB budget, the layout's most chunks | signed, private, flask-chunked |
//! | `transitions` | moving between chunk counts while any subset of a response's lines is lost | signed, private, flask-chunked; twins of two writes: signed, private |
//! | `reasons` | cleanup, write conditions, overflow, purge, persistence, compression | signed, private, flask-chunked; every load reason, its log line, key rotation, refresh: signed, private |
//! | `outcome` | what the client holds after a response, by chunk and in the next `Cookie` header | signed, private, flask-chunked |
//! | `purge` | `Session::purge`, and a fresh session written after it in the same request | signed, private, flask-chunked |
//! | `renew` | `Session::renew`: what it guarantees and what it cannot | signed, private, flask-chunked |
//! | `hostile` | crumbs, megabytes, odd names; forged payloads behind a valid tag | signed, private, flask-chunked; forged: signed, private |
//! | `limits` | what is written reads back: the inflate cap, nesting, a property test over random sessions | signed, private, flask-chunked |
//! | `check` | `Session::check` without side effects, `try_insert_value` | signed, private, flask-chunked |
//! | `compression_rule` | every shape of session up to the budget: never more cookies than level-6 deflate, never 10 % more bytes past one cookie | signed (`Auto`), private (`On`) |
//! | `plain_json` | plain JSON reads back as stored and is never a Flask tag to Python; the escape within the nesting limit; typed values | signed, private, flask-chunked |
//! | `clock` | the clock-skew allowance, and cleanup of refused sessions only where they are ours | signed, private, flask-chunked |
//! | `twins` | junk twins ahead of the genuine session, a host-only and Domain pair, a tossed genuine session (`ambiguous`), junk in bulk | signed, private |
//! | `features` | the native formats' verdicts and bytes, the same in every build | signed, private |
//! | `settings` | keys in every base64 spelling, key errors, ASCII Path and Domain | signed, private, flask-chunked; keys: once |
//! | `tamper` | every flipped bit, swapped, missing, foreign and renamed chunks; random values | signed, private; random values: every format |
//! | `identity` | the session id across writes and renewals, the subject, version 1 sessions gaining an id, what the cookie shows of it; Flask's reserved entries | signed, private, flask-chunked; version 1, what it shows: signed, private |
//! | `revocation` | logout, sign-out-everywhere, break glass, exact order within a second, the device registry and the user agent, through the engine with the memory store; a store that cannot vouch (Redis stopped) | signed, private, flask-chunked; version 1: signed, private |
//! | `signed_format` | the worked examples of docs/FORMAT.md, recomputed from primitives | signed |
//! | `private_format` | an independent reader, confidentiality, the compression policy, no reading across formats, fresh nonces | private |
//!
//! Flask's own rules against real Flask live in the `flask` test binary.

/// Instantiates each test function (generic over `&Fixture`) once per format of the
/// bracketed list, as `<test>::<format>`.
macro_rules! for_formats {
    ($formats:tt $($test:ident),+ $(,)?) => {
        $( for_formats!(@one $formats $test); )+
    };
    (@one [$($(#[$attr:meta])* $format:ident),+ $(,)?] $test:ident) => {
        mod $test {
            $(
                $(#[$attr])*
                #[test]
                fn $format() {
                    super::$test(&crate::fixture::$format());
                }
            )+
        }
    };
}

/// Instantiates tests for every format: signed, private and Flask's chunked layout.
macro_rules! every_format {
    ($($test:ident),+ $(,)?) => {
        for_formats!(
            [
                signed,
                #[cfg(feature = "private")] private,
                #[cfg(feature = "flask")] flask_chunked,
            ]
            $($test),+
        );
    };
}

/// Instantiates tests for the native formats, whose envelope (header, manifest, key id,
/// generation id) they rely on.
macro_rules! native_formats {
    ($($test:ident),+ $(,)?) => {
        for_formats!([signed, #[cfg(feature = "private")] private] $($test),+);
    };
}

mod fixture;
mod forge;
mod logs;
mod support;

mod bindings;
mod check;
mod clock;
mod compression_rule;
mod features;
mod hostile;
mod identity;
mod limits;
mod outcome;
mod plain_json;
mod purge;
mod reasons;
mod renew;
mod revocation;
mod roundtrip;
mod settings;
mod tamper;
mod transitions;
mod twins;

#[cfg(feature = "private")]
mod private_format;
mod signed_format;

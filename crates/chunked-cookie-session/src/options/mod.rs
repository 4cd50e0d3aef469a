//! One typed value that describes an engine, which every front end builds its engine from.
//!
//! The command-line tool, the playground, the Python package and the framework examples
//! each translate their own spelling of a setting (a flag, a Flask setting, a keyword) into
//! an [`EngineOptions`] and call [`EngineOptions::build`]. The rules that tie settings
//! together (a format's defaults, which lifetime a Flask engine signs, how many cookies a
//! large budget needs) live here once; an error names the [`Setting`] at fault, and the
//! front end spells it.
//!
//! Bottom up: `key_material` (a key as text or raw bytes), `engine_options` (the value and
//! its `build`), `takeover` (the options of the engines whose sessions it takes over).

mod engine_options;
mod key_material;
#[cfg(feature = "flask")]
mod takeover;

pub use engine_options::EngineOptions;
pub use key_material::KeyMaterial;

//! The set family's generators.

#[allow(unused_imports)]
use super::*;

/// The set commands.
pub static ENTRIES: &[Entry] = &[];

//! The sorted-set family's generators.

#[allow(unused_imports)]
use super::*;

/// The sorted-set commands.
pub static ENTRIES: &[Entry] = &[];

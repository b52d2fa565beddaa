//! The list family's generators.

#[allow(unused_imports)]
use super::*;

/// The list commands.
pub static ENTRIES: &[Entry] = &[];

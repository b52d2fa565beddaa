//! The lists family's conformance checks, stamped per strategy as in `main.rs`.

#[allow(unused_imports)]
use super::*;

//! The sets family's stress checks, stamped per strategy as in `main.rs`.

#[allow(unused_imports)]
use super::*;

//! Helpers for the tests of the binary.
#![allow(dead_code)]

pub mod process;

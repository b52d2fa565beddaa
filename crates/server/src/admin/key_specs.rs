//! Key specs.

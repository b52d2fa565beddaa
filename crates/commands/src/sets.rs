//! The set family.

#[allow(unused_imports)]
use crate::{Args, Command, Ctx, Error, Spec, arg, stored};

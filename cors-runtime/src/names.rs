//! Fixed values the runtime answers with, in one place.

use crate::value::Value;

pub(crate) const STAR: Value = Value::from_static("*");
pub(crate) const TRUE: Value = Value::from_static("true");
pub(crate) const STAR_AND_AUTHORIZATION: Value = Value::from_static("*,authorization");

//! Fixed values the runtime answers with, in one place.

use crate::value::Value;

pub(crate) static STAR: Value = Value::from_static("*");
pub(crate) static TRUE: Value = Value::from_static("true");
pub(crate) static STAR_AND_AUTHORIZATION: Value = Value::from_static("*,authorization");

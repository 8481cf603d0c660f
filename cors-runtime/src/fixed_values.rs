//! Fixed values the runtime answers with, in one place.

use crate::value::PolicyValue;

pub(crate) static STAR: PolicyValue = PolicyValue::from_static("*");
pub(crate) static TRUE: PolicyValue = PolicyValue::from_static("true");
pub(crate) static STAR_AND_AUTHORIZATION: PolicyValue = PolicyValue::from_static("*,authorization");

//! The `Access-Control-Allow-Origin` an allowed request is answered with.

use std::borrow::Borrow;

use crate::fixed_values::STAR;
use crate::lines::HeaderLines;
use crate::value::PolicyValue;

/// The `Access-Control-Allow-Origin` an allowed request gets. `V` is how the request's own
/// value is held: borrowed by a preflight, shared (not copied) by an actual request's verdict.
#[derive(Clone, Copy, Debug)]
pub(crate) enum AllowOrigin<'p, V> {
    /// `allow_origins: *`.
    Any,
    /// An exact origin of the policy, equal to the request's.
    Exact(&'p PolicyValue),
    /// Allowed by a wildcard pattern: the request's value is echoed.
    Echo(V),
}

impl<V> AllowOrigin<'_, V> {
    /// The value to answer with, in the type of the framework `H` whose request was read.
    pub(crate) fn value<H: HeaderLines>(&self) -> H::Value
    where
        V: Borrow<H::Value>,
    {
        match self {
            Self::Any => H::policy_value(&STAR).clone(),
            Self::Exact(origin) => H::policy_value(origin).clone(),
            Self::Echo(origin) => origin.borrow().clone(),
        }
    }
}

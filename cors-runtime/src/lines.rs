//! Reading one header's lines: the single value a header must have.

use http::HeaderValue;
use http::header::GetAll;

/// The single line of a header, or `Err` when there are several.
pub(crate) fn single<'r>(lines: &GetAll<'r, HeaderValue>) -> Result<Option<&'r HeaderValue>, ()> {
    let mut values = lines.iter();
    let first = values.next();
    if values.next().is_some() {
        return Err(());
    }
    Ok(first)
}

//! Reading `Access-Control-Request-Headers` with work bounded by the policy, not the request.

use cors_rules::syntax::is_token;

use crate::lines::HeaderLines;
use crate::policy::AllowHeaders;
use crate::rejection::Rejection;

/// Empty elements (`a,,b`, a trailing comma, an empty line) tolerated in one request.
pub(crate) const EMPTY_ELEMENT_ALLOWANCE: usize = 8;
/// Spaces and tabs tolerated around one element, on each side.
pub(crate) const WHITESPACE_ALLOWANCE: usize = 8;
/// With `allow_headers: *` the policy names no bound, so this many names are read at most…
pub(crate) const ANY_MAX_NAMES: usize = 64;
/// …each at most this long.
pub(crate) const ANY_MAX_NAME_LENGTH: usize = 128;
/// A refused element is reported with up to this many of its bytes, however short the policy's
/// names are, so that a log names the header a client asked for.
pub(crate) const REPORTED_LENGTH: usize = 64;

/// Checks every requested name; `Ok(true)` when at least one was requested.
///
/// An element longer than `longest + 2 * WHITESPACE_ALLOWANCE` bytes is refused, and at most
/// `count + EMPTY_ELEMENT_ALLOWANCE` elements are read, where `longest` and `count` describe the
/// policy's list; past either bound the request is rejected without reading the rest. Reading
/// one element stops after `max(longest, REPORTED_LENGTH) + 2 * WHITESPACE_ALLOWANCE` bytes,
/// enough to name it in the rejection. A refused name is reported as itself, cut to
/// [`REPORTED_LENGTH`] bytes; "too many" is left for a list whose names are each allowed.
pub(crate) fn check<'r, H: HeaderLines + 'r>(
    lines: &H::Lines<'r>,
    allowed: AllowHeaders,
    credentials: bool,
) -> Result<bool, Rejection<'r>> {
    let (max_names, longest) = match allowed {
        AllowHeaders::List { names, longest } => (names.len(), longest),
        AllowHeaders::Any { .. } => (ANY_MAX_NAMES, ANY_MAX_NAME_LENGTH),
    };
    let padded = longest + 2 * WHITESPACE_ALLOWANCE;
    let window = longest.max(REPORTED_LENGTH) + 2 * WHITESPACE_ALLOWANCE;
    let (mut names, mut empties) = (0, 0);
    // `iter()`, not `&lines`: its items borrow the request (`'r`), not this reference.
    for line in H::values(lines) {
        let mut rest = H::bytes(line);
        loop {
            // A run of commas is a run of empty elements, counted at once.
            let commas = rest
                .iter()
                .take(EMPTY_ELEMENT_ALLOWANCE + 1 - empties)
                .take_while(|&&b| b == b',')
                .count();
            if commas > 0 {
                empties = counted(empties + commas, EMPTY_ELEMENT_ALLOWANCE)?;
                rest = &rest[commas..];
            }
            // The form browsers send (the Fetch Standard's): a name as the policy stores it, in
            // lower case, then a comma or the end of the line. Taken without a scan for the
            // comma or trimming; anything else is read below.
            if let Some(length) = listed_prefix(allowed, rest) {
                names = counted(names + 1, max_names)?;
                match rest.get(length + 1..) {
                    Some(after) => rest = after,
                    None => break,
                }
                continue;
            }
            let scanned = &rest[..rest.len().min(window + 1)];
            let (element, next) = match scanned.iter().position(|&b| b == b',') {
                Some(comma) => (&rest[..comma], Some(&rest[comma + 1..])),
                None if rest.len() <= window => (rest, None),
                None => return Err(refused(trim(scanned))),
            };
            let name = trim(element);
            if element.len() > padded {
                return Err(refused(name));
            }
            if name.is_empty() {
                empties = counted(empties + 1, EMPTY_ELEMENT_ALLOWANCE)?;
            } else {
                if name.len() > longest || !allows(allowed, credentials, name) {
                    return Err(refused(name));
                }
                // Only allowed names come this far: more of them than the policy has means
                // repeats, which a browser never sends.
                names = counted(names + 1, max_names)?;
            }
            match next {
                Some(after) => rest = after,
                None => break,
            }
        }
    }
    Ok(names > 0)
}

/// `count`, or [`Rejection::TooManyHeaders`] when it is past `bound`.
fn counted<'r>(count: usize, bound: usize) -> Result<usize, Rejection<'r>> {
    if count > bound {
        Err(Rejection::TooManyHeaders)
    } else {
        Ok(count)
    }
}

/// The length of the listed name that `rest` starts with, followed by a comma or nothing.
fn listed_prefix(allowed: AllowHeaders, rest: &[u8]) -> Option<usize> {
    let AllowHeaders::List { names, .. } = allowed else {
        return None;
    };
    // Names are never empty; their first byte is compared before the call that compares them.
    let &first = rest.first()?;
    names.iter().find_map(|name| {
        let name = name.as_bytes();
        (name.first() == Some(&first)
            && rest.starts_with(name)
            && matches!(rest.get(name.len()), None | Some(b',')))
        .then_some(name.len())
    })
}

/// The rejection naming `name`, cut to [`REPORTED_LENGTH`] bytes.
fn refused(name: &[u8]) -> Rejection<'_> {
    Rejection::Header(&name[..name.len().min(REPORTED_LENGTH)])
}

fn allows(allowed: AllowHeaders, credentials: bool, name: &[u8]) -> bool {
    match allowed {
        AllowHeaders::List { names, .. } => names
            .iter()
            .any(|listed| is_in_any_case(listed.as_bytes(), name)),
        // Without credentials a browser reads `*` as "any name but authorization".
        AllowHeaders::Any { authorization } => {
            is_token(name)
                && (credentials || authorization || !is_in_any_case(b"authorization", name))
        }
    }
}

/// Whether `name` is `lowercase` written in any case. The policy's names are stored in lower
/// case, and browsers send the list in lower case too (the Fetch Standard byte-lowercases it),
/// so a plain comparison settles the usual case; otherwise only the request's bytes need
/// lowering, half the work of `eq_ignore_ascii_case`.
fn is_in_any_case(lowercase: &[u8], name: &[u8]) -> bool {
    lowercase.len() == name.len()
        && (lowercase == name
            || lowercase
                .iter()
                .zip(name)
                .all(|(&low, &byte)| low == byte.to_ascii_lowercase()))
}

/// Strips the optional whitespace (spaces and tabs) HTTP allows around list elements.
fn trim(element: &[u8]) -> &[u8] {
    let start = element
        .iter()
        .position(|&b| b != b' ' && b != b'\t')
        .unwrap_or(element.len());
    let end = element
        .iter()
        .rposition(|&b| b != b' ' && b != b'\t')
        .map_or(start, |last| last + 1);
    &element[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;
    use http::header::{self, HeaderMap};

    const LIST: AllowHeaders = AllowHeaders::List {
        names: &["content-type", "x-api-key"],
        longest: 12,
    };

    fn request(lines: &[&'static str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for line in lines {
            map.append(
                header::ACCESS_CONTROL_REQUEST_HEADERS,
                HeaderValue::from_static(line),
            );
        }
        map
    }

    fn run_with(
        lines: &[&'static str],
        allowed: AllowHeaders,
        credentials: bool,
    ) -> Result<bool, String> {
        let map = request(lines);
        check::<HeaderMap>(
            &map.get_all(header::ACCESS_CONTROL_REQUEST_HEADERS),
            allowed,
            credentials,
        )
        .map_err(|r| r.to_string())
    }

    fn run(lines: &[&'static str], allowed: AllowHeaders) -> Result<bool, String> {
        run_with(lines, allowed, false)
    }

    #[test]
    fn tolerates_case_order_whitespace_empty_elements_and_split_lines() {
        assert_eq!(run(&["Content-Type,X-API-KEY"], LIST), Ok(true));
        assert_eq!(run(&[" x-api-key ,\tcontent-type\t"], LIST), Ok(true));
        assert_eq!(run(&["x-api-key,,", ",content-type"], LIST), Ok(true));
        assert_eq!(run(&["x-api-key", "content-type"], LIST), Ok(true));
        assert_eq!(run(&[], LIST), Ok(false));
        assert_eq!(run(&["", " , "], LIST), Ok(false));
    }

    /// The browsers' form (lower case, commas only) is taken without scanning; any other
    /// element after it, or before it, is read as before.
    #[test]
    fn the_browsers_form_beside_any_other() {
        assert_eq!(run(&["content-type,x-api-key"], LIST), Ok(true));
        assert_eq!(run(&["content-type,X-API-KEY"], LIST), Ok(true));
        assert_eq!(run(&["Content-Type,x-api-key"], LIST), Ok(true));
        assert_eq!(run(&["content-type, x-api-key,"], LIST), Ok(true));
        assert_eq!(run(&["content-type,,x-api-key"], LIST), Ok(true));
        assert_eq!(
            run(&["content-type,x-api-keys"], LIST),
            Err("request header `x-api-keys` is not allowed".into())
        );
        // Eight empty elements are tolerated, counted in runs of commas or one by one.
        assert_eq!(run(&[",,,,,,,,x-api-key"], LIST), Ok(true));
        assert_eq!(run(&[",,,, ,,,,x-api-key"], LIST), Ok(true));
        assert_eq!(
            run(&[",,,,,,,,,x-api-key"], LIST),
            Err("`Access-Control-Request-Headers` lists more names than the policy allows".into())
        );
        assert_eq!(
            run(&["x-api-key,x-api-key,x-api-key"], LIST),
            Err("`Access-Control-Request-Headers` lists more names than the policy allows".into())
        );
    }

    #[test]
    fn names_the_first_unlisted_element() {
        assert_eq!(
            run(&["content-type, x-other"], LIST),
            Err("request header `x-other` is not allowed".into())
        );
        assert_eq!(
            run(&["content type"], LIST),
            Err("request header `content type` is not allowed".into())
        );
    }

    #[test]
    fn stops_at_the_policys_bounds() {
        // Three allowed names from a list of two: one is repeated.
        assert_eq!(
            run(&["content-type,x-api-key,content-type"], LIST),
            Err("`Access-Control-Request-Headers` lists more names than the policy allows".into())
        );
        assert_eq!(
            run(&[",,,,,,,,,"], LIST),
            Err("`Access-Control-Request-Headers` lists more names than the policy allows".into())
        );
        // Longer than the longest allowed name: refused, and named.
        assert_eq!(
            run(&["content-typex"], LIST),
            Err("request header `content-typex` is not allowed".into())
        );
        assert_eq!(
            run(&["content-type-and-much-more-without-a-comma"], LIST),
            Err(
                "request header `content-type-and-much-more-without-a-comma` is not allowed".into()
            )
        );
        // Cut to 64 bytes, whatever follows.
        let long: &'static str = format!("x-{}", "y".repeat(1000)).leak();
        assert_eq!(
            run(&[long], LIST),
            Err(format!(
                "request header `x-{}` is not allowed",
                "y".repeat(62)
            ))
        );
    }

    #[test]
    fn names_the_refused_header_whatever_the_policy_lists() {
        let none = AllowHeaders::List {
            names: &[],
            longest: 0,
        };
        // Not "too many": the one name asked for is what is refused, in full.
        assert_eq!(
            run(&["x-requested-with"], none),
            Err("request header `x-requested-with` is not allowed".into())
        );
        assert_eq!(
            run(&["content-type, x-other"], LIST),
            Err("request header `x-other` is not allowed".into())
        );
        // A refused name after allowed ones is named even when the count is reached.
        assert_eq!(
            run(&["content-type, x-api-key, x-third"], LIST),
            Err("request header `x-third` is not allowed".into())
        );
        // Padding past the allowance is refused, naming the name.
        assert_eq!(
            run(&["content-type                 "], LIST),
            Err("request header `content-type` is not allowed".into())
        );
    }

    #[test]
    fn star_allows_any_token_but_authorization_needs_listing_without_credentials() {
        let any = AllowHeaders::Any {
            authorization: false,
        };
        assert_eq!(run(&["x-anything, content-type"], any), Ok(true));
        assert!(run(&["authorization"], any).is_err());
        assert!(run(&["x(y)"], any).is_err());
        let with_auth = AllowHeaders::Any {
            authorization: true,
        };
        assert_eq!(run(&["Authorization"], with_auth), Ok(true));
        assert_eq!(run_with(&["authorization"], any, true), Ok(true));
    }

    #[test]
    fn non_ascii_bytes_are_rejected_without_panicking() {
        let mut map = HeaderMap::new();
        map.insert(
            header::ACCESS_CONTROL_REQUEST_HEADERS,
            HeaderValue::from_bytes(b"content-type, x-\xff\xfe").unwrap(),
        );
        assert_eq!(
            check::<HeaderMap>(
                &map.get_all(header::ACCESS_CONTROL_REQUEST_HEADERS),
                LIST,
                false
            ),
            Err(Rejection::Header(b"x-\xff\xfe"))
        );
    }
}

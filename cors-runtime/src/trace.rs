//! One DEBUG event per refusal (feature `tracing`), target `cors_runtime`, so that a server's
//! logs say why a browser was given no CORS headers, or why a write never reached the handler.
//! Allowed requests emit nothing.

use std::fmt;

use crate::lines::{HeaderLines, Name};
use crate::rejection::Rejection;

/// The most bytes of a request value an event carries: a client must not be able to fill the
/// logs with one header.
pub(crate) const BOUND: usize = 128;

/// Request bytes as they go into an event: escaped where not printable ASCII, and cut to
/// [`BOUND`] bytes, with `…` where something was cut.
struct Bounded<'a>(&'a [u8]);

impl fmt::Display for Bounded<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = &self.0[..self.0.len().min(BOUND)];
        write!(f, "{}", shown.escape_ascii())?;
        if shown.len() < self.0.len() {
            f.write_str("…")?;
        }
        Ok(())
    }
}

/// A fixed reason, without the request's bytes (those are in their own fields).
fn reason(rejection: &Rejection<'_>) -> &'static str {
    match rejection {
        Rejection::Origin(_) => "origin not allowed",
        Rejection::MultipleOrigins => "more than one Origin header",
        Rejection::Method(_) => "method not allowed",
        Rejection::MultipleMethods => "more than one Access-Control-Request-Method header",
        Rejection::Header(_) => "request header not allowed",
        Rejection::TooManyHeaders => "more request headers than the policy allows",
        Rejection::PrivateNetwork => "private network access not allowed",
        Rejection::CrossOriginWrite { .. } => "write from a page the policy does not trust",
        Rejection::MultipleFetchSites => "more than one Sec-Fetch-Site header",
    }
}

/// Where a request that came through a middleware was decided: its path, and the prefix whose
/// policy decided (`/` for the middleware's own policy).
#[derive(Clone, Copy)]
pub(crate) struct Place<'a> {
    pub(crate) path: &'a str,
    pub(crate) prefix: &'a str,
}

/// The `path` and `prefix` fields of an event: none for a request classified by `check`.
fn place(place: Option<Place<'_>>) -> (Option<impl tracing::Value + '_>, Option<&str>) {
    (
        place.map(|place| tracing::field::display(Bounded(place.path.as_bytes()))),
        place.map(|place| place.prefix),
    )
}

fn first<H: HeaderLines>(request: &H, name: Name) -> &[u8] {
    H::values(&request.lines(name)).next().map_or(&[], H::bytes)
}

/// A refused preflight: its origin and method, the refused header when that is the reason.
/// Field values are only looked up when a subscriber wants the event; cold and out of line, so
/// that the allowed path stays as it is without the feature.
#[cold]
#[inline(never)]
pub(crate) fn preflight_refused<H: HeaderLines>(
    request: &H,
    rejection: &Rejection<'_>,
    at: Option<Place<'_>>,
) {
    let (path, prefix) = place(at);
    // `None` records no field: `header` appears only when a header was refused.
    let header = match rejection {
        Rejection::Header(name) => Some(tracing::field::display(Bounded(name))),
        _ => None,
    };
    tracing::debug!(
        target: "cors_runtime",
        origin = %Bounded(first(request, Name::Origin)),
        method = %Bounded(first(request, Name::RequestMethod)),
        header,
        reason = reason(rejection),
        path,
        prefix,
        "CORS preflight refused"
    );
}

/// A write refused before the handler (`refuse_cross_origin_writes`): its origin, method and
/// `Sec-Fetch-Site`, as sent.
#[cold]
#[inline(never)]
pub(crate) fn write_refused<H: HeaderLines>(
    request: &H,
    method: &str,
    rejection: &Rejection<'_>,
    at: Option<Place<'_>>,
) {
    let (path, prefix) = place(at);
    tracing::debug!(
        target: "cors_runtime",
        origin = %Bounded(first(request, Name::Origin)),
        method = %Bounded(method.as_bytes()),
        sec_fetch_site = %Bounded(first(request, Name::SecFetchSite)),
        reason = reason(rejection),
        path,
        prefix,
        "cross-origin write refused"
    );
}

/// An actual request whose `Origin` the policy refuses: the handler runs, and the response gets
/// no CORS headers.
#[cold]
#[inline(never)]
pub(crate) fn origin_refused(origin: &[u8], several: bool, at: Option<Place<'_>>) {
    let (path, prefix) = place(at);
    let why = if several {
        "more than one Origin header"
    } else {
        "origin not allowed"
    };
    tracing::debug!(
        target: "cors_runtime",
        origin = %Bounded(origin),
        reason = why,
        path,
        prefix,
        "CORS headers withheld"
    );
}

/// A middleware found its response already answered by an inner one of this crate, and left it
/// as it was. Once per policy, at WARN: an outer middleware also answers the preflights of the
/// inner one's routes, by its own policy.
#[cfg(any(feature = "tower", feature = "actix"))]
#[cold]
#[inline(never)]
pub(crate) fn stacked(policy: &crate::CorsPolicy) {
    // Asked first, so that a warning no subscriber wants is not spent.
    if !tracing::enabled!(target: "cors_runtime", tracing::Level::WARN)
        || !first_time_stacked(policy)
    {
        return;
    }
    tracing::warn!(
        target: "cors_runtime",
        origins = ?policy.origin_patterns(),
        "CORS middlewares are stacked: an inner one answered this response, and this outer one \
         left its headers as they were, but the outer one answers the preflights of the inner \
         one's routes by its own policy; give the inner routes their policy with \
         `.route(prefix, policy)` on the outer middleware instead"
    );
}

/// Whether `policy` is found stacked for the first time: each policy's address is kept once, in
/// a fixed table (beyond its size, no more warnings), so that the warning costs nothing after
/// it is given.
#[cfg(any(feature = "tower", feature = "actix"))]
fn first_time_stacked(policy: &crate::CorsPolicy) -> bool {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static WARNED: [AtomicUsize; 64] = [const { AtomicUsize::new(0) }; 64];
    let address = std::ptr::from_ref(policy).addr();
    for slot in &WARNED {
        match slot.compare_exchange(0, address, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => return true,
            Err(known) if known == address => return false,
            Err(_) => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped_and_cut() {
        assert_eq!(
            Bounded(b"https://a.example").to_string(),
            "https://a.example"
        );
        assert_eq!(Bounded(b"a\xffb\"").to_string(), "a\\xffb\\\"");
        let long = vec![b'x'; 1000];
        let shown = Bounded(&long).to_string();
        assert_eq!(shown, format!("{}…", "x".repeat(BOUND)));
    }
}

//! Header names and fixed values the runtime reads and writes, in one place.

use http::HeaderValue;
use http::header::{self, HeaderName};

/// Sent by Chromium on a Private Network Access preflight; not among `http`'s constants.
pub(crate) const ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-request-private-network");

/// The answer to [`ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK`].
pub(crate) const ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-allow-private-network");

/// The response headers a policy owns on an actual request: written when the policy says so,
/// removed otherwise, so a handler cannot widen the policy by accident.
pub(crate) const ACTUAL_RESPONSE_HEADERS: [HeaderName; 3] = [
    header::ACCESS_CONTROL_ALLOW_ORIGIN,
    header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
    header::ACCESS_CONTROL_EXPOSE_HEADERS,
];

/// The response headers a policy owns on a preflight.
pub(crate) const PREFLIGHT_RESPONSE_HEADERS: [HeaderName; 7] = [
    header::ACCESS_CONTROL_ALLOW_ORIGIN,
    header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
    header::ACCESS_CONTROL_ALLOW_METHODS,
    header::ACCESS_CONTROL_ALLOW_HEADERS,
    header::ACCESS_CONTROL_MAX_AGE,
    header::ACCESS_CONTROL_EXPOSE_HEADERS,
    ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK,
];

pub(crate) const STAR: HeaderValue = HeaderValue::from_static("*");
pub(crate) const TRUE: HeaderValue = HeaderValue::from_static("true");
pub(crate) const STAR_AND_AUTHORIZATION: HeaderValue = HeaderValue::from_static("*,authorization");

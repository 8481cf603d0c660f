//! How long an origin can be: the bounds the parser enforces and the lookup tables rely on.

/// The longest host a `*.` pattern matches: a DNS name is at most 253 bytes.
pub const LONGEST_DNS_NAME: usize = 253;

/// The longest pattern accepted: a scheme, `://`, a 253-byte host and a port leave no reason
/// for more, and a longer `Origin` is not something a browser sends.
pub const MAX_PATTERN_LENGTH: usize = 326;

//! The keys of the policy block: their names, and the nearest one to a misspelling.

/// A key of `cors_policy!`. The order is the order of the documentation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    AllowOrigins,
    AllowMethods,
    AllowHeaders,
    ExposeHeaders,
    AllowCredentials,
    MaxAge,
    AllowPrivateNetwork,
    PreflightSuccessStatus,
    RefuseCrossOriginWrites,
    DangerouslyAllowInsecureOrigins,
    DangerouslyAllowPublicSuffixSubdomains,
}

impl Key {
    /// Every key, in the order of the documentation.
    pub const ALL: [Self; 11] = [
        Self::AllowOrigins,
        Self::AllowMethods,
        Self::AllowHeaders,
        Self::ExposeHeaders,
        Self::AllowCredentials,
        Self::MaxAge,
        Self::AllowPrivateNetwork,
        Self::PreflightSuccessStatus,
        Self::RefuseCrossOriginWrites,
        Self::DangerouslyAllowInsecureOrigins,
        Self::DangerouslyAllowPublicSuffixSubdomains,
    ];

    /// The key as written in a policy block.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::AllowOrigins => "allow_origins",
            Self::AllowMethods => "allow_methods",
            Self::AllowHeaders => "allow_headers",
            Self::ExposeHeaders => "expose_headers",
            Self::AllowCredentials => "allow_credentials",
            Self::MaxAge => "max_age",
            Self::AllowPrivateNetwork => "allow_private_network",
            Self::PreflightSuccessStatus => "preflight_success_status",
            Self::RefuseCrossOriginWrites => "refuse_cross_origin_writes",
            Self::DangerouslyAllowInsecureOrigins => "dangerously_allow_insecure_origins",
            Self::DangerouslyAllowPublicSuffixSubdomains => {
                "dangerously_allow_public_suffix_subdomains"
            }
        }
    }

    /// What the key's value must be, as error messages say it: "`max_age` takes …".
    #[must_use]
    pub fn expects(self) -> &'static str {
        match self {
            Self::AllowOrigins => {
                "`*`, a list of origins, such as `[\"https://app.example.com\"]`, or `env(\"VAR\")`"
            }
            Self::AllowMethods => "`*` or a list of methods, such as `[PUT, DELETE]`",
            Self::AllowHeaders => "`*` or a list of header names, such as `[\"content-type\"]`",
            Self::ExposeHeaders => "`*` or a list of header names, such as `[\"x-request-id\"]`",
            Self::MaxAge => "an integer literal of seconds, from 0 to 86400, such as `600`",
            Self::PreflightSuccessStatus => "an integer literal: `204` or `200`",
            Self::AllowCredentials
            | Self::AllowPrivateNetwork
            | Self::RefuseCrossOriginWrites
            | Self::DangerouslyAllowInsecureOrigins
            | Self::DangerouslyAllowPublicSuffixSubdomains => "`true` or `false`",
        }
    }

    /// The key written `name`, if there is one.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|key| key.name() == name)
    }

    /// The key a misspelt `name` most likely meant, if any is close enough to suggest.
    #[must_use]
    pub fn nearest(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .map(|key| (edit_distance(name, key.name()), key))
            .filter(|&(distance, key)| distance <= (key.name().len() / 3).max(2))
            .min_by_key(|&(distance, _)| distance)
            .map(|(_, key)| key)
    }
}

/// Levenshtein distance over bytes; key names are ASCII.
fn edit_distance(a: &str, b: &str) -> usize {
    let b = b.as_bytes();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, &ca) in a.as_bytes().iter().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for key in Key::ALL {
            assert_eq!(Key::from_name(key.name()), Some(key));
        }
        assert_eq!(Key::from_name("allow_origin"), None);
    }

    #[test]
    fn suggests_the_nearest_key() {
        assert_eq!(Key::nearest("allow_origin"), Some(Key::AllowOrigins));
        assert_eq!(Key::nearest("allow_header"), Some(Key::AllowHeaders));
        assert_eq!(Key::nearest("max_ages"), Some(Key::MaxAge));
        assert_eq!(
            Key::nearest("allow_credential"),
            Some(Key::AllowCredentials)
        );
        assert_eq!(Key::nearest("expose"), None);
        assert_eq!(Key::nearest("timeout"), None);
    }
}

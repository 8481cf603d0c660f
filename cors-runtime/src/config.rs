//! Origins from configuration (feature `config`): a policy's shape stays in code, checked by the
//! compiler, and its origins come from the environment or a file, checked at startup by the
//! same rules, in the same words.

use std::fmt;
use std::sync::Arc;

use cors_rules::AnyOr;
use cors_rules::hash::Stored;
use cors_rules::origin_table::OriginTables;
use cors_rules::rules::{self, OriginContext, ReadList};
pub use cors_rules::{Problem, ProblemKind};

use crate::policy::CorsPolicy;
use crate::value::PolicyValue;

/// Why a list of origins from configuration was refused: every problem, not just the first.
///
/// [`Display`](fmt::Display) writes one line per problem, in the words the compiler uses for the
/// same origin in a `cors_policy!`, with the fix when there is one. [`ConfigError::problems`]
/// gives them as values, to match on their [`ProblemKind`].
///
/// ```
/// use cors_runtime::{cors_policy, CorsPolicy, ProblemKind};
///
/// static API: CorsPolicy = cors_policy! {
///     allow_origins: ["https://app.example.com"],
///     allow_credentials: true,
/// };
///
/// let error = API.with_origins(["https://Shop.example.com/", "http://admin.example.com"]).unwrap_err();
/// assert_eq!(
///     error.to_string(),
///     "origin `https://Shop.example.com/` has a trailing slash, which `Origin` never has; \
///      write `https://shop.example.com`\n\
///      origin `http://admin.example.com` is not secure, and credentials are allowed: anyone \
///      on the network path can impersonate it and read your users' data; use \
///      `https://admin.example.com`, or set `dangerously_allow_insecure_origins: true`"
/// );
/// let first = &error.problems()[0];
/// assert_eq!(first.kind(), ProblemKind::TrailingSlash);
/// assert_eq!(first.element(), Some("https://Shop.example.com/"));
/// assert_eq!(first.fix(), Some("https://shop.example.com"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    problems: Vec<Problem>,
}

impl ConfigError {
    /// Every problem, in the order the compiler would report them.
    #[must_use]
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, problem) in self.problems.iter().enumerate() {
            if index > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

#[cfg_attr(docsrs, doc(cfg(feature = "config")))]
impl CorsPolicy {
    /// The same policy with its origins replaced by `origins`, checked by the rules
    /// `cors_policy!` applies at compile time (feature `config`).
    ///
    /// Each element is trimmed of ASCII whitespace, and empty ones are skipped; `*` alone means
    /// any origin. Every pattern must be written as a browser sends `Origin`, and the rules that
    /// depend on the rest of the policy apply too: no `*` with credentials or with private
    /// network access, no insecure origin or public-suffix wildcard with credentials unless the
    /// policy opts in, and no `dangerously_…` opt-in that the new origins leave without effect.
    ///
    /// The result answers requests exactly as a compiled policy with these origins would, at
    /// the same cost, and works with [`check`](Self::check), [`allows_origin`](Self::allows_origin)
    /// and the framework adapters. Building it is linear in the number of origins.
    ///
    /// ```
    /// use cors_runtime::{cors_policy, CorsPolicy};
    ///
    /// static API: CorsPolicy = cors_policy! {
    ///     allow_origins: ["https://app.example.com"], // the default, checked at compile time
    ///     allow_methods: [PUT, DELETE],
    ///     allow_credentials: true,
    /// };
    ///
    /// // In a service: `std::env::var("CORS_ALLOWED_ORIGINS")?`.
    /// let configured = "https://app.example.com, https://*.staging.example.com";
    /// let policy = API.with_origins(configured.split(','))?;
    /// assert!(policy.allows_origin(b"https://eu.staging.example.com"));
    /// assert!(!API.allows_origin(b"https://eu.staging.example.com"));
    /// # Ok::<(), cors_runtime::ConfigError>(())
    /// ```
    ///
    /// # Errors
    /// Every problem of the list at once, as a [`ConfigError`].
    pub fn with_origins<I, S>(&self, origins: I) -> Result<CorsPolicy, ConfigError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let texts: Vec<S> = origins.into_iter().collect();
        let texts: Vec<&str> = texts.iter().map(AsRef::as_ref).collect();
        self.with_origin_texts(&texts)
    }

    /// [`with_origins`](Self::with_origins) past its generic parameters: compiled once, here,
    /// instead of in every crate that calls it.
    fn with_origin_texts(&self, texts: &[&str]) -> Result<CorsPolicy, ConfigError> {
        let elements: Vec<&str> = texts
            .iter()
            .map(|text| text.trim_ascii())
            .filter(|text| !text.is_empty())
            .collect();
        let (patterns, mut problems) = match rules::read_list(&elements) {
            AnyOr::Any => (None, Vec::new()),
            AnyOr::List(ReadList { patterns, problems }) => (Some(patterns), problems),
        };
        let answers = self.answers();
        let context = OriginContext {
            credentials: answers.allow_credentials,
            private_network: answers.allow_private_network,
            refuse_writes: answers.refuse_cross_origin_writes,
            insecure_opt_in: answers.dangerously_allow_insecure_origins.then_some(true),
            public_suffix_opt_in: answers
                .dangerously_allow_public_suffix_subdomains
                .then_some(true),
        };
        problems.extend(
            rules::origin_problems(patterns.as_deref(), context)
                .into_iter()
                .map(|(_, p)| p),
        );
        if !problems.is_empty() {
            return Err(ConfigError { problems });
        }
        // The tables the macro would have written for the same origins, owned.
        let origins = match &patterns {
            None => AnyOr::Any,
            Some(patterns) => AnyOr::List(Stored::Owned(Arc::new(OriginTables::lay_out(
                patterns,
                |origin| origin_value(&origin),
            )))),
        };
        Ok(CorsPolicy::from_parts(origins, answers.clone()))
    }
}

/// The header value of an exact origin that passed the rules.
fn origin_value(origin: &str) -> PolicyValue {
    PolicyValue::from_str(origin)
        .expect("a validated origin is visible ASCII, a valid header value")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cors_policy;

    static BASE: CorsPolicy = cors_policy! {
        allow_origins: ["https://app.example.com"],
        allow_credentials: true,
    };
    static OPEN: CorsPolicy = cors_policy! { allow_origins: ["https://a.example"] };

    #[test]
    fn every_problem_at_once_in_the_compilers_order() {
        let error = BASE
            .with_origins([
                "HTTPS://a.example",
                "*",
                "http://b.example",
                "https://*.github.io",
            ])
            .unwrap_err();
        let kinds: Vec<ProblemKind> = error.problems().iter().map(Problem::kind).collect();
        assert_eq!(
            kinds,
            [
                ProblemKind::UppercaseScheme,
                ProblemKind::StarAmongOrigins,
                ProblemKind::InsecureWithCredentials,
                ProblemKind::PublicSuffixWithCredentials,
            ]
        );
        assert_eq!(error.to_string().lines().count(), 4);
    }

    #[test]
    fn star_alone_empty_lists_and_whitespace() {
        let any = BASE.with_origins(["*"]).unwrap_err();
        assert_eq!(
            any.problems()[0].kind(),
            ProblemKind::AnyOriginWithCredentials
        );
        let empty = BASE.with_origins([" ", ""]).unwrap_err();
        assert_eq!(empty.problems()[0].kind(), ProblemKind::EmptyList);
        let trimmed = BASE
            .with_origins([" https://a.example\t", "", "https://b.example "])
            .unwrap();
        assert_eq!(
            trimmed.origin_patterns(),
            ["https://a.example", "https://b.example"]
        );
        assert!(
            OPEN.with_origins(["*"])
                .unwrap()
                .allows_origin(b"https://any.example")
        );
    }
}

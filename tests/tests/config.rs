//! Origins from configuration (`CorsPolicy::with_origins`): the same problems in the same words
//! as the compiler. Each compile-fail case about origins has a twin here, which gives the same
//! origins to `with_origins` and requires `ConfigError` to print exactly the errors of the
//! case's reviewed `.stderr`, in the same order.

use cors_runtime::{ConfigError, CorsPolicy, ProblemKind, cors_policy};

static PLAIN: CorsPolicy = cors_policy! { allow_origins: ["https://base.example"] };
static CREDENTIALS: CorsPolicy = cors_policy! {
    allow_origins: ["https://base.example"],
    allow_credentials: true,
};
static PRIVATE_NETWORK: CorsPolicy = cors_policy! {
    allow_origins: ["https://base.example"],
    allow_private_network: true,
};
static REFUSE_WRITES: CorsPolicy = cors_policy! {
    allow_origins: ["https://base.example"],
    refuse_cross_origin_writes: true,
};
static INSECURE_OPT_IN: CorsPolicy = cors_policy! {
    allow_origins: ["http://base.example"],
    allow_credentials: true,
    dangerously_allow_insecure_origins: true,
};

/// The errors of a compile-fail case, as the compiler printed them, notes left out: a note
/// points at the other key of a conflict, which configuration does not have.
fn compiler_errors(case: &str) -> Vec<String> {
    let path = format!(
        "{}/compile-fail/ui/{case}.stderr",
        env!("CARGO_MANIFEST_DIR")
    );
    let stderr = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    stderr
        .lines()
        .filter_map(|line| line.strip_prefix("error: "))
        .filter(|message| !message.starts_with("note: "))
        .map(str::to_owned)
        .collect()
}

/// The origins a compile-fail case lists, read from its source: the string literals between
/// `allow_origins: [` and the closing `]`, or `*` for `allow_origins: *`.
fn case_origins(case: &str) -> Vec<String> {
    let path = format!("{}/compile-fail/ui/{case}.rs", env!("CARGO_MANIFEST_DIR"));
    let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let start = source
        .find("allow_origins: ")
        .expect("the case sets allow_origins")
        + 15;
    let rest = &source[start..];
    if rest.starts_with('*') {
        return vec!["*".to_owned()];
    }
    let list = &rest[..rest.find("],").expect("a list")];
    let mut origins = Vec::new();
    let mut items = list.split('"');
    items.next();
    while let Some(origin) = items.next() {
        origins.push(origin.to_owned());
        items.next();
    }
    if list.contains(", *") {
        origins.push("*".to_owned());
    }
    origins
}

fn config_errors(policy: &CorsPolicy, origins: &[String]) -> Vec<String> {
    let error: ConfigError = policy
        .with_origins(origins)
        .expect_err("the same origins are refused at startup");
    error.to_string().lines().map(str::to_owned).collect()
}

#[test]
fn every_origin_case_has_a_twin_with_the_same_messages() {
    let twins: [(&str, &CorsPolicy); 15] = [
        ("origins/hosts", &PLAIN),
        ("origins/no_scheme", &PLAIN),
        ("origins/not_as_browsers_send", &PLAIN),
        ("origins/null_and_file", &PLAIN),
        ("origins/ports", &PLAIN),
        ("origins/too_long", &PLAIN),
        ("origins/whitespace_query_userinfo", &PLAIN),
        ("origins/wildcards", &PLAIN),
        ("credentials/any_origin", &CREDENTIALS),
        ("credentials/any_origin_credentials_first", &CREDENTIALS),
        ("credentials/insecure_origin", &CREDENTIALS),
        ("credentials/public_suffix", &CREDENTIALS),
        ("other/private_network_any_origin", &PRIVATE_NETWORK),
        ("other/refuse_writes_any_origin", &REFUSE_WRITES),
        ("syntax/star_in_origin_list", &PLAIN),
    ];
    for (case, policy) in twins {
        let origins = case_origins(case);
        assert!(!origins.is_empty(), "{case}: no origins read");
        let mut expected = compiler_errors(case);
        // Configured elements are trimmed of whitespace around them (a value read from a file
        // often ends with a newline), so ` https://app.example.com` is not a problem there.
        expected.retain(|message| !message.starts_with("origin ` "));
        assert_eq!(
            config_errors(policy, &origins),
            expected,
            "{case}, origins {origins:?}"
        );
    }
    assert!(PLAIN.with_origins([" https://app.example.com\n"]).is_ok());
}

#[test]
fn an_empty_list_and_an_opt_in_without_effect_have_their_twins() {
    // `allow_origins: []`, and a configured list with nothing in it.
    let no_origins: [&str; 0] = [];
    for origins in [&no_origins[..], &[" ", ""]] {
        let error = PLAIN.with_origins(origins).unwrap_err();
        assert_eq!(
            vec![error.to_string()],
            compiler_errors("syntax/empty_origins")
        );
    }
    // The opt-in case also writes `dangerously_allow_public_suffix_subdomains: false`, which
    // no compiled policy can carry (it does not compile); its first error is the twin.
    let error = INSECURE_OPT_IN
        .with_origins(["https://app.example.com"])
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        compiler_errors("credentials/opt_in_without_effect")[0]
    );
}

#[test]
fn variables_at_build_time_say_what_configuration_says_at_startup() {
    // tests/compile-fail/ui/env/bad_elements.rs reads CORS_TEST_BAD_ORIGINS, then CORS_TEST_INSECURE_ORIGINS
    // beside a literal, with credentials; the compiler names the variable before each problem.
    let compiler = compiler_errors("env/bad_elements");
    let mut expected = config_errors(&PLAIN, &split(env!("CORS_TEST_BAD_ORIGINS")));
    expected.extend(config_errors(
        &CREDENTIALS,
        &split(env!("CORS_TEST_INSECURE_ORIGINS")),
    ));
    let variables = [
        "CORS_TEST_BAD_ORIGINS",
        "CORS_TEST_BAD_ORIGINS",
        "CORS_TEST_BAD_ORIGINS",
        "CORS_TEST_INSECURE_ORIGINS",
    ];
    let prefixed: Vec<String> = expected
        .iter()
        .zip(variables)
        .map(|(message, variable)| format!("environment variable `{variable}`: {message}"))
        .collect();
    assert_eq!(prefixed, compiler);
}

fn split(value: &str) -> Vec<String> {
    value
        .split(|c: char| c == ',' || c.is_ascii_whitespace())
        .filter(|e| !e.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn problems_are_values() {
    let error = CREDENTIALS
        .with_origins([
            "https://ok.example",
            "https://Shop.example.com:443",
            "http://x.example",
        ])
        .unwrap_err();
    let problems: Vec<(ProblemKind, Option<&str>, Option<&str>)> = error
        .problems()
        .iter()
        .map(|p| (p.kind(), p.element(), p.fix()))
        .collect();
    assert_eq!(
        problems,
        [
            (
                ProblemKind::DefaultPort,
                Some("https://Shop.example.com:443"),
                Some("https://shop.example.com")
            ),
            (
                ProblemKind::InsecureWithCredentials,
                Some("http://x.example"),
                Some("https://x.example")
            ),
        ]
    );
    let as_error: &dyn std::error::Error = &error;
    assert!(
        as_error
            .to_string()
            .contains("write `https://shop.example.com`")
    );
}

#[test]
fn the_readmes_config_error_is_real() {
    // README.md, "Origins from configuration", shows this list refused by this policy.
    static API: CorsPolicy = cors_policy! {
        allow_origins: ["https://app.example.com"],
        allow_methods: [PUT, DELETE],
        allow_credentials: true,
    };
    let configured = "https://Shop.example.com/,http://admin.example.com,*";
    let error = API.with_origins(configured.split(',')).unwrap_err();
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("the README is beside the workspace");
    assert!(
        readme.contains(&format!("```text\n{error}\n```")),
        "the README's output is not what with_origins says:\n{error}"
    );
}

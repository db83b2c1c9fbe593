use super::*;
use figment::providers::{Format, Toml};

fn load(profile: Profile, overrides: &str) -> Result<Settings, ConfigError> {
    Settings::load_with(profile, None, Toml::string(overrides))
}

fn refused_settings(err: ConfigError) -> Vec<String> {
    match err {
        ConfigError::Refused(v) => v.into_iter().map(|v| v.setting).collect(),
        other => panic!("expected a refusal, got {other}"),
    }
}

const SECURE_PRODUCTION: &str = r#"
    [server]
    public_url = "https://vejviser.kommune.dk"
    [database]
    url = "postgres://vejviser@db/vejviser"
    [crypto]
    active_master_key = "k1"
    lookup_key = "AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI="
    [crypto.master_keys]
    k1 = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
    [mail]
    from = "Vejviser <no-reply@kommune.dk>"
    [mail.smtp]
    host = "smtp.kommune.dk"
    port = 587
    tls = "starttls"
    username = "vejviser"
    password = "secret"
    timeout_secs = 30
"#;

#[test]
fn embedded_default_is_a_working_development_setup() {
    let s = load(Profile::Development, "").expect("the embedded default loads");
    assert_eq!(s.server.address, "127.0.0.1:8080");
    assert_eq!(s.documents.max_upload_bytes, 104_857_600);
    assert!(s.dev.identity_provider);
    assert!(s.database_url().starts_with("sqlite://"));
    assert!(s.database_url().contains("data/vejviser.db"));
    assert_eq!(s.blob_dir(), std::path::Path::new("./data/blobs"));
}

#[test]
fn overrides_win_over_the_files() {
    let s = load(
        Profile::Development,
        "data_dir = \"/tmp/x\"\n[server]\naddress = \"127.0.0.1:0\"",
    )
    .unwrap();
    assert_eq!(s.server.address, "127.0.0.1:0");
    assert_eq!(s.blob_dir(), std::path::Path::new("/tmp/x/blobs"));
}

#[test]
fn production_without_secrets_is_refused_naming_each_setting() {
    let refused = refused_settings(load(Profile::Production, "").unwrap_err());
    for setting in [
        "crypto.master_keys",
        "crypto.active_master_key",
        "crypto.lookup_key",
        "server.public_url",
        "database.url",
    ] {
        assert!(
            refused.iter().any(|r| r == setting),
            "{setting} not named in {refused:?}"
        );
    }
    // The production file itself turns the development conveniences off.
    assert!(!refused.iter().any(|r| r == "dev.identity_provider"));
}

#[test]
fn production_with_secrets_and_https_starts() {
    let s = load(Profile::Production, SECURE_PRODUCTION).expect("secure settings are accepted");
    assert_eq!(s.profile, Profile::Production);
}

#[test]
fn production_refuses_each_insecure_setting() {
    let cases = [
        ("[dev]\nidentity_provider = true", "dev.identity_provider"),
        (
            "[dev]\nfixed_now = \"2026-01-01T00:00:00Z\"",
            "dev.fixed_now",
        ),
        ("[dev]\nseed_demo = true", "dev.seed_demo"),
        (
            "[session]\nsecure_cookies = false",
            "session.secure_cookies",
        ),
        (
            "[crypto]\ngenerate_dev_master_key = true",
            "crypto.generate_dev_master_key",
        ),
        ("[mail]\nbackend = \"folder\"", "mail.backend"),
        (
            "[mail]\nfrom = \"Vejviser <no-reply@vejviser.invalid>\"",
            "mail.from",
        ),
        ("[dev]\nskip_read_audit = true", "dev.skip_read_audit"),
        (
            "[oidc.providers.kommune]\nkind = \"staff\"\nissuer = \"http://idp.kommune.dk\"\n\
             client_id = \"v\"\nmunicipality = \"101\"",
            "oidc.providers.kommune.issuer",
        ),
    ];
    for (insecure, setting) in cases {
        let overrides = merge_toml(SECURE_PRODUCTION, insecure);
        let refused = refused_settings(load(Profile::Production, &overrides).unwrap_err());
        assert_eq!(refused, vec![setting], "for {insecure}");
    }
    let http = SECURE_PRODUCTION.replace("https://", "http://");
    assert_eq!(
        refused_settings(load(Profile::Production, &http).unwrap_err()),
        vec!["server.public_url"]
    );
}

/// Two TOML snippets as one layer (a second `[section]` header of the same name is not allowed).
fn merge_toml(a: &str, b: &str) -> String {
    let mut base: toml::Table = toml::from_str(a).unwrap();
    let extra: toml::Table = toml::from_str(b).unwrap();
    for (section, value) in extra {
        match (base.get_mut(&section), value) {
            (Some(toml::Value::Table(into)), toml::Value::Table(from)) => into.extend(from),
            (_, value) => {
                base.insert(section, value);
            }
        }
    }
    toml::to_string(&base).unwrap()
}

#[test]
fn development_allows_a_fixed_clock() {
    let s = load(
        Profile::Development,
        "[dev]\nfixed_now = \"2026-06-01T10:00:00Z\"",
    )
    .unwrap();
    assert_eq!(s.dev.fixed_now.unwrap().year(), 2026);
}

#[test]
fn unknown_keys_and_bad_values_are_load_errors_naming_the_key() {
    let err = load(Profile::Development, "[server]\nadress = \"x\"").unwrap_err();
    assert!(err.to_string().contains("adress"), "{err}");
    let err = load(
        Profile::Development,
        "[documents]\nmax_upload_bytes = \"lots\"",
    )
    .unwrap_err();
    assert!(err.to_string().contains("max_upload_bytes"), "{err}");
    let err = load(Profile::Development, "[server]\npublic_url = \"ftp://x\"").unwrap_err();
    assert_eq!(refused_settings(err), vec!["server.public_url"]);
}

#[test]
fn an_upload_idle_time_of_zero_is_refused() {
    let err = load(
        Profile::Development,
        "[documents]\nbody_idle_timeout_secs = 0",
    )
    .unwrap_err();
    assert_eq!(
        refused_settings(err),
        vec!["documents.body_idle_timeout_secs"]
    );
    let s = load(Profile::Development, "").unwrap();
    assert_eq!(s.documents.body_idle_timeout_secs, 30);
    assert_eq!(s.server.client_request_timeout_secs, 10);
    assert_eq!(s.server.client_disconnect_timeout_secs, 5);
    assert_eq!(s.server.keep_alive_secs, 15);
}

#[test]
fn active_master_key_must_name_a_configured_key() {
    let err = load(
        Profile::Development,
        "[crypto]\nactive_master_key = \"missing\"",
    )
    .unwrap_err();
    assert_eq!(refused_settings(err), vec!["crypto.active_master_key"]);
}

#[test]
fn a_missing_config_file_is_a_clear_error() {
    let err = Settings::load_with(
        Profile::Development,
        Some(std::path::Path::new("/nonexistent/vejviser.toml")),
        Toml::string(""),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("/nonexistent/vejviser.toml"),
        "{err}"
    );
}

#[test]
fn allowed_types_are_parsed_at_load_and_an_unknown_one_is_named() {
    use crate::domain::file_type::FileType;
    let s = load(Profile::Development, "").expect("the embedded default loads");
    assert_eq!(s.documents.allowed_types.len(), FileType::ALL.len());
    let err = load(
        Profile::Development,
        "[documents]\nallowed_types = [\"application/pdf\", \"image/heic\"]",
    )
    .expect_err("an unknown type refuses the configuration");
    let text = err.to_string();
    assert!(text.contains("image/heic"), "{text}");
    assert!(text.contains("allowed_types"), "{text}");
}

#[test]
fn production_mail_needs_a_login_and_an_smtp_server() {
    let mut table: toml::Table = toml::from_str(SECURE_PRODUCTION).unwrap();
    let smtp = table["mail"]["smtp"].as_table().unwrap().clone();
    let mut anonymous = smtp.clone();
    anonymous.remove("password");
    table["mail"]["smtp"] = toml::Value::Table(anonymous);
    let refused = refused_settings(load(Profile::Production, &table.to_string()).unwrap_err());
    assert_eq!(refused, vec!["mail.smtp.username"]);
    table["mail"].as_table_mut().unwrap().remove("smtp");
    let refused = refused_settings(load(Profile::Production, &table.to_string()).unwrap_err());
    assert_eq!(refused, vec!["mail.smtp"]);
    let plain = SECURE_PRODUCTION.replace("tls = \"starttls\"", "tls = \"none\"");
    let refused = refused_settings(load(Profile::Production, &plain).unwrap_err());
    assert_eq!(refused, vec!["mail.smtp.tls"]);
    let bad_from = merge_toml(SECURE_PRODUCTION, "[mail]\nfrom = \"not an address\"");
    let refused = refused_settings(load(Profile::Development, &bad_from).unwrap_err());
    assert_eq!(refused, vec!["mail.from"]);
}

#[test]
fn audit_addresses_are_kept_30_days_and_no_setting_deletes_rows() {
    let s = load(Profile::Development, "").unwrap();
    assert_eq!(s.audit.address_retention_days, 30);
    let s = load(Profile::Development, "[audit]\naddress_retention_days = 7").unwrap();
    assert_eq!(s.audit.address_retention_days, 7);
    // Rows (authentication events among them) are kept at least 180 days: there is no key that
    // would delete them, and one that tries is refused by name.
    for key in [
        "retention_days",
        "event_retention_days",
        "delete_after_days",
    ] {
        let err = load(Profile::Development, &format!("[audit]\n{key} = 30")).unwrap_err();
        assert!(err.to_string().contains(key), "{key}: {err}");
    }
    let err = load(Profile::Development, "[audit]\naddress_retention_days = -1").unwrap_err();
    assert!(err.to_string().contains("address_retention_days"), "{err}");
}

#[test]
fn a_staff_provider_needs_its_municipality_in_every_profile() {
    let provider = |municipality: &str| {
        format!(
            "[oidc.providers.kommune]\nkind = \"staff\"\nissuer = \"https://idp.kommune.dk\"\n\
             client_id = \"v\"\n{municipality}"
        )
    };
    for missing in ["", "municipality = \"1O1\""] {
        let err = load(Profile::Development, &provider(missing)).unwrap_err();
        assert_eq!(
            refused_settings(err),
            vec!["oidc.providers.kommune.municipality"],
            "{missing}"
        );
    }
    load(Profile::Development, &provider("municipality = \"101\"")).expect("a code is enough here");
}

#[test]
fn a_scim_client_needs_its_municipality_and_a_token_hash() {
    let hash = crate::auth::tokens::token_hash("a token");
    let client = |municipality: &str, hash: &str| {
        format!(
            "[scim.clients.entra]\nmunicipality = \"{municipality}\"\ntoken_sha256 = \"{hash}\""
        )
    };
    let err = load(Profile::Development, &client("1O1", &hash.to_uppercase())).unwrap_err();
    assert_eq!(
        refused_settings(err),
        vec![
            "scim.clients.entra.municipality",
            "scim.clients.entra.token_sha256"
        ]
    );
    let err = load(Profile::Development, &client("101", "a token")).unwrap_err();
    assert_eq!(
        refused_settings(err),
        vec!["scim.clients.entra.token_sha256"]
    );
    let settings = load(Profile::Development, &client("101", &hash)).expect("valid");
    let (name, found) = settings
        .scim
        .client_with_token("a token")
        .expect("its token");
    assert_eq!((name, found.municipality.as_str()), ("entra", "101"));
    assert!(settings.scim.client_with_token("another token").is_none());
    assert!(settings.scim.client_with_token("").is_none());
    let as_number = format!("[scim.clients.entra]\nmunicipality = 101\ntoken_sha256 = \"{hash}\"");
    let settings = load(Profile::Development, &as_number).expect("a number is its digits");
    assert_eq!(settings.scim.clients["entra"].municipality, "101");
}

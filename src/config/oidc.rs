//! The OpenID Connect providers by name (`citizen`, `staff`, ...). Brokers name claims and spell
//! assurance levels differently, so all of that is configuration here, with defaults that fit a
//! MitID broker. See `config/production.toml` for commented examples.

use crate::domain::assurance_level::AssuranceLevel;
use secrecy::SecretString;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// Citizens (young people, parents) via MitID.
    Citizen,
    /// Staff of one municipality via its identity provider.
    Staff,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimNames {
    #[serde(default = "default_cpr_claim")]
    pub cpr: String,
    #[serde(default = "default_birth_date_claim")]
    pub birth_date: String,
    #[serde(default = "default_name_claim")]
    pub name: String,
    #[serde(default = "default_email_claim")]
    pub email: String,
    /// Must be `true` for a staff login to be linked by its e-mail, and makes a citizen's
    /// address count as confirmed.
    #[serde(default = "default_email_verified_claim")]
    pub email_verified: String,
    /// Where the assurance level arrives (`acr`, `loa`, `loA`, ...).
    #[serde(default = "default_assurance_claim")]
    pub assurance: String,
}

impl Default for ClaimNames {
    fn default() -> Self {
        Self {
            cpr: default_cpr_claim(),
            birth_date: default_birth_date_claim(),
            name: default_name_claim(),
            email: default_email_claim(),
            email_verified: default_email_verified_claim(),
            assurance: default_assurance_claim(),
        }
    }
}

fn default_cpr_claim() -> String {
    "https://data.gov.dk/model/core/eid/cprNumber".into()
}
fn default_birth_date_claim() -> String {
    "birthdate".into()
}
fn default_name_claim() -> String {
    "name".into()
}
fn default_email_claim() -> String {
    "email".into()
}
fn default_email_verified_claim() -> String {
    "email_verified".into()
}
fn default_assurance_claim() -> String {
    "acr".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderSettings {
    pub kind: ProviderKind,
    /// The issuer URL; discovery must answer with exactly this issuer.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Option<SecretString>,
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
    /// Sent as `acr_values` in the authorization request.
    pub acr_values: Option<String>,
    /// More authorization parameters, e.g. a broker's `idp_values`.
    #[serde(default)]
    pub extra_params: BTreeMap<String, String>,
    /// Staff providers serve one municipality (its code).
    pub municipality: Option<String>,
    #[serde(default)]
    pub claims: ClaimNames,
    /// More spellings of assurance levels, on top of the built-in ones.
    #[serde(default)]
    pub assurance_values: BTreeMap<String, AssuranceLevel>,
    /// The lowest level accepted; citizens need Substantial.
    pub min_assurance: Option<AssuranceLevel>,
    /// Fetch claims from the userinfo endpoint too (its `sub` must match the ID token's).
    #[serde(default = "default_true")]
    pub use_userinfo: bool,
    /// The ID-token signing algorithms accepted.
    #[serde(default = "default_algs")]
    pub signing_algs: Vec<String>,
    /// Re-fetch the signing keys on an unknown `kid` at most this often.
    #[serde(default = "default_jwks_interval")]
    pub jwks_min_refresh_secs: u64,
}

fn default_scopes() -> Vec<String> {
    vec!["openid".into(), "profile".into(), "email".into()]
}
fn default_true() -> bool {
    true
}
fn default_algs() -> Vec<String> {
    vec!["RS256".into(), "ES256".into(), "PS256".into()]
}
fn default_jwks_interval() -> u64 {
    60
}

impl ProviderSettings {
    /// Citizens need Substantial unless configured higher; staff whatever their IdP gives.
    pub fn required_assurance(&self) -> AssuranceLevel {
        self.min_assurance.unwrap_or(match self.kind {
            ProviderKind::Citizen => AssuranceLevel::Substantial,
            ProviderKind::Staff => AssuranceLevel::Low,
        })
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcSettings {
    #[serde(default)]
    pub providers: BTreeMap<String, ProviderSettings>,
}

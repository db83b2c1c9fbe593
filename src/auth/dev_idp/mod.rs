//! The built-in development identity provider (embedded default only; the production profile
//! refuses it): a real OpenID provider inside the binary, with discovery, JWKS, authorize, token
//! and userinfo, signing ES256 ID tokens with the claims a MitID broker (NemLog-in naming) sends.
//! It serves two issuers, `<public_url>/dev-idp/citizen` and `<public_url>/dev-idp/staff`.
//!
//! Codes and access tokens live in this process's memory: development runs one instance.

pub mod signing;

use crate::auth::tokens::{random_token, same_secret};
use crate::seed::identities::{DevIdentity, Provider as Realm};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::digest::{SHA256, digest};
use serde_json::{Map, Value, json};
use signing::SigningKey;
use std::collections::HashMap;
use std::sync::Mutex;
use time::OffsetDateTime;

/// Access tokens issued, with the claims they unlock and when they expire.
type IssuedTokens = HashMap<String, (Map<String, Value>, OffsetDateTime)>;

pub const CLIENT_ID: &str = "vejviser-dev";
pub const CLIENT_SECRET: &str = "vejviser-dev-secret";
const CODE_LIFETIME_SECS: i64 = 60;
const TOKEN_LIFETIME_SECS: i64 = 300;

#[derive(Debug)]
pub struct DevIdp {
    public_url: String,
    key: SigningKey,
    identities: Vec<DevIdentity>,
    codes: Mutex<HashMap<String, PendingCode>>,
    access_tokens: Mutex<IssuedTokens>,
}

#[derive(Debug)]
struct PendingCode {
    realm: Realm,
    login_hint: String,
    redirect_uri: String,
    code_challenge: String,
    nonce: Option<String>,
    expires_at: OffsetDateTime,
}

/// An authorization request as the provider received it.
#[derive(Debug, serde::Deserialize)]
pub struct Authorize {
    pub response_type: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub login_hint: Option<String>,
}

/// What the provider answers an authorization request with.
pub enum AuthorizeOutcome {
    /// Back to the client with a code.
    Redirect(String),
    /// No usable `login_hint`: show the picker.
    Pick(Vec<DevIdentity>),
    /// The request itself is wrong (never redirected: the redirect URI may be the problem).
    Invalid(&'static str),
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("invalid_client")]
    InvalidClient,
    #[error("invalid_grant")]
    InvalidGrant,
    #[error("unsupported_grant_type")]
    UnsupportedGrantType,
    #[error("server_error")]
    Signing(String),
}

impl DevIdp {
    pub fn new(public_url: &url::Url, key: SigningKey, identities: Vec<DevIdentity>) -> Self {
        Self {
            public_url: public_url.as_str().trim_end_matches('/').to_owned(),
            key,
            identities,
            codes: Mutex::new(HashMap::new()),
            access_tokens: Mutex::new(HashMap::new()),
        }
    }

    pub fn issuer(&self, realm: Realm) -> String {
        format!("{}/dev-idp/{}", self.public_url, realm_name(realm))
    }

    /// The one redirect URI the development client may use for a realm.
    fn redirect_uri(&self, realm: Realm) -> String {
        format!("{}/auth/callback/{}", self.public_url, realm_name(realm))
    }

    pub fn discovery(&self, realm: Realm) -> Value {
        let issuer = self.issuer(realm);
        json!({
            "issuer": issuer,
            "authorization_endpoint": format!("{issuer}/authorize"),
            "token_endpoint": format!("{issuer}/token"),
            "userinfo_endpoint": format!("{issuer}/userinfo"),
            "jwks_uri": format!("{issuer}/jwks"),
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["ES256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "profile", "email"],
            "acr_values_supported": [
                "https://data.gov.dk/concept/core/nsis/loa/Low",
                "https://data.gov.dk/concept/core/nsis/loa/Substantial",
                "https://data.gov.dk/concept/core/nsis/loa/High"
            ],
            "authorization_response_iss_parameter_supported": true,
        })
    }

    pub fn jwks(&self) -> Value {
        self.key.jwks()
    }

    pub fn identities(&self, realm: Realm) -> Vec<DevIdentity> {
        self.identities
            .iter()
            .filter(|i| i.provider == realm)
            .cloned()
            .collect()
    }

    pub fn authorize(
        &self,
        realm: Realm,
        request: &Authorize,
        now: OffsetDateTime,
    ) -> AuthorizeOutcome {
        if request.client_id.as_deref() != Some(CLIENT_ID) {
            return AuthorizeOutcome::Invalid("unknown client_id");
        }
        let expected_redirect = self.redirect_uri(realm);
        if request.redirect_uri.as_deref() != Some(expected_redirect.as_str()) {
            return AuthorizeOutcome::Invalid("redirect_uri is not registered for this client");
        }
        if request.response_type.as_deref() != Some("code") {
            return AuthorizeOutcome::Invalid("only response_type=code is supported");
        }
        let (Some(challenge), Some("S256")) = (
            &request.code_challenge,
            request.code_challenge_method.as_deref(),
        ) else {
            return AuthorizeOutcome::Invalid("PKCE with S256 is required");
        };
        let identity = request.login_hint.as_deref().and_then(|hint| {
            self.identities
                .iter()
                .find(|i| i.provider == realm && i.login_hint == hint)
        });
        let Some(identity) = identity else {
            return AuthorizeOutcome::Pick(self.identities(realm));
        };
        let code = random_token();
        let pending = PendingCode {
            realm,
            login_hint: identity.login_hint.clone(),
            redirect_uri: expected_redirect.clone(),
            code_challenge: challenge.clone(),
            nonce: request.nonce.clone(),
            expires_at: now + time::Duration::seconds(CODE_LIFETIME_SECS),
        };
        self.lock_codes().insert(code.clone(), pending);
        let mut target = url::Url::parse(&expected_redirect).expect("built from the public URL");
        target
            .query_pairs_mut()
            .append_pair("code", &code)
            .append_pair("iss", &self.issuer(realm));
        if let Some(state) = &request.state {
            target.query_pairs_mut().append_pair("state", state);
        }
        AuthorizeOutcome::Redirect(target.into())
    }

    /// The token endpoint: one use per code, PKCE and client checked.
    pub fn token(
        &self,
        realm: Realm,
        form: &HashMap<String, String>,
        basic_auth: Option<(String, String)>,
        now: OffsetDateTime,
    ) -> Result<Value, TokenError> {
        let (client_id, secret) = basic_auth
            .or_else(|| {
                Some((
                    form.get("client_id")?.clone(),
                    form.get("client_secret")?.clone(),
                ))
            })
            .ok_or(TokenError::InvalidClient)?;
        if client_id != CLIENT_ID || !same_secret(&secret, CLIENT_SECRET) {
            return Err(TokenError::InvalidClient);
        }
        if form.get("grant_type").map(String::as_str) != Some("authorization_code") {
            return Err(TokenError::UnsupportedGrantType);
        }
        let code = form.get("code").ok_or(TokenError::InvalidGrant)?;
        let pending = self
            .lock_codes()
            .remove(code)
            .ok_or(TokenError::InvalidGrant)?;
        let verifier = form.get("code_verifier").ok_or(TokenError::InvalidGrant)?;
        let challenge = URL_SAFE_NO_PAD.encode(digest(&SHA256, verifier.as_bytes()));
        let valid = pending.realm == realm
            && pending.expires_at > now
            && form.get("redirect_uri") == Some(&pending.redirect_uri)
            && same_secret(&challenge, &pending.code_challenge);
        if !valid {
            return Err(TokenError::InvalidGrant);
        }
        let identity = self
            .identities
            .iter()
            .find(|i| i.provider == realm && i.login_hint == pending.login_hint)
            .ok_or(TokenError::InvalidGrant)?;
        let claims = identity_claims(identity, &self.issuer(realm));
        let mut id_claims = claims.clone();
        id_claims.insert("aud".into(), json!(CLIENT_ID));
        id_claims.insert("azp".into(), json!(CLIENT_ID));
        id_claims.insert("iat".into(), json!(now.unix_timestamp()));
        id_claims.insert("auth_time".into(), json!(now.unix_timestamp()));
        id_claims.insert(
            "exp".into(),
            json!(now.unix_timestamp() + TOKEN_LIFETIME_SECS),
        );
        if let Some(nonce) = pending.nonce {
            id_claims.insert("nonce".into(), json!(nonce));
        }
        let id_token = self
            .key
            .sign(&Value::Object(id_claims))
            .map_err(TokenError::Signing)?;
        let access_token = random_token();
        let expires = now + time::Duration::seconds(TOKEN_LIFETIME_SECS);
        self.lock_tokens()
            .insert(access_token.clone(), (claims, expires));
        Ok(json!({
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": TOKEN_LIFETIME_SECS,
            "id_token": id_token,
        }))
    }

    pub fn userinfo(&self, access_token: &str, now: OffsetDateTime) -> Option<Value> {
        let tokens = self.lock_tokens();
        let (claims, expires) = tokens.get(access_token)?;
        (*expires > now).then(|| Value::Object(claims.clone()))
    }

    fn lock_codes(&self) -> std::sync::MutexGuard<'_, HashMap<String, PendingCode>> {
        self.codes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn lock_tokens(&self) -> std::sync::MutexGuard<'_, IssuedTokens> {
        self.access_tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

pub fn realm_name(realm: Realm) -> &'static str {
    match realm {
        Realm::Citizen => "citizen",
        Realm::Staff => "staff",
    }
}

pub fn realm_from_name(name: &str) -> Option<Realm> {
    match name {
        "citizen" => Some(Realm::Citizen),
        "staff" => Some(Realm::Staff),
        _ => None,
    }
}

/// The claims of a test identity, named as NemLog-in's OIDC broker names them.
fn identity_claims(identity: &DevIdentity, issuer: &str) -> Map<String, Value> {
    let acr = match identity.assurance.as_deref() {
        Some("low") => "https://data.gov.dk/concept/core/nsis/loa/Low",
        Some("high") => "https://data.gov.dk/concept/core/nsis/loa/High",
        _ => "https://data.gov.dk/concept/core/nsis/loa/Substantial",
    };
    let mut claims = Map::new();
    claims.insert("iss".into(), json!(issuer));
    claims.insert("sub".into(), json!(format!("dev-{}", identity.login_hint)));
    claims.insert("name".into(), json!(identity.name));
    claims.insert("email".into(), json!(identity.email));
    claims.insert("email_verified".into(), json!(true));
    claims.insert("acr".into(), json!(acr));
    if let Some(cpr) = &identity.cpr {
        claims.insert(
            "https://data.gov.dk/model/core/eid/cprNumber".into(),
            json!(cpr.replace('-', "")),
        );
    }
    if let Some(birth_date) = &identity.birth_date {
        claims.insert("birthdate".into(), json!(birth_date));
    }
    claims
}

/// How the relying party reaches this provider: the `citizen` and `staff` providers of the
/// embedded default (unless configuration names its own).
pub fn provider_settings(
    public_url: &url::Url,
    realm: Realm,
    municipality: &str,
) -> crate::config::oidc::ProviderSettings {
    use crate::config::oidc::{ClaimNames, ProviderKind, ProviderSettings};
    let issuer = format!(
        "{}/dev-idp/{}",
        public_url.as_str().trim_end_matches('/'),
        realm_name(realm)
    );
    let (kind, municipality, acr_values) = match realm {
        Realm::Citizen => (
            ProviderKind::Citizen,
            None,
            Some("https://data.gov.dk/concept/core/nsis/loa/Substantial".to_owned()),
        ),
        Realm::Staff => (ProviderKind::Staff, Some(municipality.to_owned()), None),
    };
    ProviderSettings {
        kind,
        issuer,
        client_id: CLIENT_ID.to_owned(),
        client_secret: Some(CLIENT_SECRET.to_owned().into()),
        scopes: vec!["openid".into(), "profile".into(), "email".into()],
        acr_values,
        extra_params: Default::default(),
        municipality,
        claims: ClaimNames::default(),
        assurance_values: Default::default(),
        min_assurance: None,
        use_userinfo: true,
        signing_algs: vec!["ES256".into()],
        jwks_min_refresh_secs: 60,
    }
}

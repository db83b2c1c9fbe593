//! One OpenID provider: its cached discovery document and keys, the authorization request, and
//! the verification of what comes back.

use super::LoginError;
use crate::auth::assurance;
use crate::config::oidc::ProviderSettings;
use crate::domain::assurance_level::AssuranceLevel;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthenticationFlow, CoreClaimName, CoreClaimType, CoreClient,
    CoreClientAuthMethod, CoreGrantType, CoreJsonWebKey, CoreJsonWebKeySet,
    CoreJweContentEncryptionAlgorithm, CoreJweKeyManagementAlgorithm, CoreJwsSigningAlgorithm,
    CoreResponseMode, CoreResponseType, CoreSubjectIdentifierType,
};
use openidconnect::{
    AdditionalProviderMetadata, AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret,
    CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, Scope, SignatureVerificationError, TokenResponse,
};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use tokio::sync::{Mutex, RwLock};

/// Discovery is re-read this often (keys rotate; endpoints rarely change).
const DISCOVERY_TTL: Duration = Duration::from_secs(3600);
/// An `iat` this far in the future is refused (clock skew allowance).
const MAX_CLOCK_SKEW_SECS: i64 = 60;

#[derive(Debug)]
pub struct Provider {
    name: String,
    settings: ProviderSettings,
    issuer: IssuerUrl,
    algs: Vec<CoreJwsSigningAlgorithm>,
    discovered: RwLock<Option<(ProviderMetadata, Instant)>>,
    last_jwks_refresh: Mutex<Option<Instant>>,
}

/// Where to send the browser, and the secrets to keep until it comes back.
pub struct AuthorizationRequest {
    pub url: url::Url,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// A login the provider vouched for, with its claims (ID token merged with userinfo).
#[derive(Debug)]
pub struct VerifiedLogin {
    pub issuer: String,
    pub subject: String,
    pub assurance: Option<AssuranceLevel>,
    pub claims: Map<String, Value>,
    /// The ID token as received (compact), for the logout's `id_token_hint`.
    pub id_token: String,
    /// The provider's session (`sid`), which a back-channel logout token may name.
    pub sid: Option<String>,
}

/// The discovery fields beyond OpenID Connect Discovery that vejviser reads: RFC 9207's promise
/// to send `iss` with every authorization response, and RP-Initiated Logout 1.0's endpoint.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Rfc9207Metadata {
    #[serde(default)]
    authorization_response_iss_parameter_supported: bool,
    #[serde(default)]
    end_session_endpoint: Option<String>,
}
impl AdditionalProviderMetadata for Rfc9207Metadata {}

pub(super) type ProviderMetadata = openidconnect::ProviderMetadata<
    Rfc9207Metadata,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;

impl Provider {
    pub(super) fn new(name: &str, settings: ProviderSettings) -> Result<Self, LoginError> {
        let issuer = IssuerUrl::new(settings.issuer.clone())
            .map_err(|e| LoginError::Configuration(format!("oidc.providers.{name}.issuer: {e}")))?;
        let algs = settings
            .signing_algs
            .iter()
            .map(|alg| match alg.as_str() {
                "RS256" => Ok(CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256),
                "RS384" => Ok(CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha384),
                "RS512" => Ok(CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha512),
                "PS256" => Ok(CoreJwsSigningAlgorithm::RsaSsaPssSha256),
                "ES256" => Ok(CoreJwsSigningAlgorithm::EcdsaP256Sha256),
                "ES384" => Ok(CoreJwsSigningAlgorithm::EcdsaP384Sha384),
                // Symmetric algorithms and `none` are never accepted: a public key must not
                // double as a shared secret.
                other => Err(LoginError::Configuration(format!(
                    "oidc.providers.{name}.signing_algs: {other} is not allowed"
                ))),
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            name: name.to_owned(),
            settings,
            issuer,
            algs,
            discovered: RwLock::new(None),
            last_jwks_refresh: Mutex::new(None),
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn settings(&self) -> &ProviderSettings {
        &self.settings
    }

    pub fn issuer(&self) -> &str {
        self.issuer.as_str()
    }

    /// The signing algorithms accepted from this provider.
    pub(super) fn algs(&self) -> &[CoreJwsSigningAlgorithm] {
        &self.algs
    }

    /// Whether the provider promised RFC 9207 `iss` response parameters: then a response without
    /// one is refused (a mix-up attacker would simply drop it).
    pub async fn promises_iss_parameter(&self, http: &reqwest::Client) -> Result<bool, LoginError> {
        Ok(self
            .metadata(http)
            .await?
            .additional_metadata()
            .authorization_response_iss_parameter_supported)
    }

    /// The provider's `end_session_endpoint` (RP-Initiated Logout), when it advertises one.
    pub async fn end_session_endpoint(&self, http: &reqwest::Client) -> Option<String> {
        let metadata = self.metadata(http).await.ok()?;
        metadata
            .additional_metadata()
            .end_session_endpoint
            .clone()
            .filter(|e| e.starts_with("https://") || e.starts_with("http://"))
    }

    pub(super) async fn metadata(
        &self,
        http: &reqwest::Client,
    ) -> Result<ProviderMetadata, LoginError> {
        if let Some((metadata, at)) = self.discovered.read().await.as_ref()
            && at.elapsed() < DISCOVERY_TTL
        {
            return Ok(metadata.clone());
        }
        // `discover_async` refuses a document whose issuer differs from the configured one.
        let metadata = ProviderMetadata::discover_async(self.issuer.clone(), http)
            .await
            .map_err(|e| LoginError::Discovery(error_chain(&e)))?;
        *self.discovered.write().await = Some((metadata.clone(), Instant::now()));
        Ok(metadata)
    }

    /// Re-fetches the signing keys, unless that was done less than the interval ago.
    pub(super) async fn refresh_keys(&self, http: &reqwest::Client) -> Result<bool, LoginError> {
        let mut last = self.last_jwks_refresh.lock().await;
        let interval = Duration::from_secs(self.settings.jwks_min_refresh_secs);
        if last.is_some_and(|at| at.elapsed() < interval) {
            return Ok(false);
        }
        *last = Some(Instant::now());
        let metadata = self.metadata(http).await?;
        let jwks = CoreJsonWebKeySet::fetch_async(metadata.jwks_uri(), http)
            .await
            .map_err(|e| LoginError::Discovery(error_chain(&e)))?;
        let refreshed = metadata.set_jwks(jwks);
        *self.discovered.write().await = Some((refreshed, Instant::now()));
        tracing::info!(provider = %self.name, "re-fetched the provider's signing keys");
        Ok(true)
    }

    fn client(
        &self,
        metadata: ProviderMetadata,
        redirect_uri: &str,
    ) -> Result<
        CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        LoginError,
    > {
        let redirect = RedirectUrl::new(redirect_uri.to_owned())
            .map_err(|e| LoginError::Configuration(e.to_string()))?;
        let secret = self
            .settings
            .client_secret
            .as_ref()
            .map(|s| ClientSecret::new(s.expose_secret().to_owned()));
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.settings.client_id.clone()),
            secret,
        )
        .set_redirect_uri(redirect))
    }

    pub async fn authorization_request(
        &self,
        http: &reqwest::Client,
        redirect_uri: &str,
        login_hint: Option<&str>,
    ) -> Result<AuthorizationRequest, LoginError> {
        let client = self.client(self.metadata(http).await?, redirect_uri)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge);
        for scope in self
            .settings
            .scopes
            .iter()
            .filter(|s| s.as_str() != "openid")
        {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        if let Some(acr) = &self.settings.acr_values {
            request = request.add_extra_param("acr_values", acr.clone());
        }
        for (key, value) in &self.settings.extra_params {
            request = request.add_extra_param(key.clone(), value.clone());
        }
        if let Some(hint) = login_hint {
            request = request.add_extra_param("login_hint", hint.to_owned());
        }
        let (url, state, nonce) = request.url();
        Ok(AuthorizationRequest {
            url,
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Exchanges the code and verifies everything that comes back.
    pub async fn complete(
        &self,
        http: &reqwest::Client,
        redirect_uri: &str,
        code: &str,
        pkce_verifier: &str,
        nonce: &str,
        now: OffsetDateTime,
    ) -> Result<VerifiedLogin, LoginError> {
        let client = self.client(self.metadata(http).await?, redirect_uri)?;
        let tokens = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| LoginError::Configuration(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
            .request_async(http)
            .await
            .map_err(|e| LoginError::TokenExchange(error_chain(&e)))?;
        let id_token = tokens.id_token().ok_or(LoginError::NoIdToken)?;

        let verify = |client: &CoreClient<_, _, _, _, _, _>| -> Result<(String, Map<String, Value>), ClaimsVerificationError> {
            let verifier = client
                .id_token_verifier()
                .set_allowed_algs(self.algs.clone())
                .set_time_fn(move || chrono_of(now))
                .set_issue_time_verifier_fn(move |iat| {
                    if iat.timestamp() > now.unix_timestamp() + MAX_CLOCK_SKEW_SECS {
                        Err("issued in the future".to_owned())
                    } else {
                        Ok(())
                    }
                })
                // Every audience but ours is untrusted.
                .set_other_audience_verifier_fn(|_| false);
            let claims = id_token.claims(&verifier, &Nonce::new(nonce.to_owned()))?;
            Ok((claims.subject().as_str().to_owned(), verified_payload(&id_token.to_string())))
        };
        let (subject, mut claims) = match verify(&client) {
            Ok(verified) => verified,
            Err(ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey,
            )) => {
                if !self.refresh_keys(http).await? {
                    // Said apart, so the operator knows a rotation may be waiting on the interval.
                    return Err(LoginError::InvalidIdToken(format!(
                        "no matching signing key; the keys were re-fetched less than \
                         jwks_min_refresh_secs ({} s) ago, so the re-fetch was skipped",
                        self.settings.jwks_min_refresh_secs
                    )));
                }
                let client = self.client(self.metadata(http).await?, redirect_uri)?;
                verify(&client).map_err(|e| LoginError::InvalidIdToken(error_chain(&e)))?
            }
            Err(e) => return Err(LoginError::InvalidIdToken(error_chain(&e))),
        };
        if let Some(azp) = claims.get("azp").and_then(Value::as_str)
            && azp != self.settings.client_id
        {
            return Err(LoginError::InvalidIdToken("azp is another client".into()));
        }

        if self.settings.use_userinfo
            && let Some(url) = client.user_info_url()
        {
            let metadata = self.metadata(http).await?;
            let extra = super::userinfo::fetch(
                http,
                url.as_str(),
                tokens.access_token().secret(),
                &subject,
                metadata.jwks(),
                &self.algs,
            )
            .await?;
            for (key, value) in extra {
                claims.entry(key).or_insert(value);
            }
        }

        let assurance = claims
            .get(&self.settings.claims.assurance)
            .and_then(Value::as_str)
            .and_then(|value| assurance::normalise(value, &self.settings.assurance_values));
        // The ID token's own `sid` (userinfo could not vouch for the session).
        let sid = verified_payload(&id_token.to_string())
            .get("sid")
            .and_then(Value::as_str)
            .map(str::to_owned);
        Ok(VerifiedLogin {
            issuer: self.issuer.as_str().to_owned(),
            subject,
            assurance,
            claims,
            id_token: id_token.to_string(),
            sid,
        })
    }
}

/// The claims of a token whose signature was just verified: its own payload, as sent (the crate's
/// typed claims drop the broker-specific ones).
fn verified_payload(compact: &str) -> Map<String, Value> {
    compact
        .split('.')
        .nth(1)
        .and_then(|payload| URL_SAFE_NO_PAD.decode(payload).ok())
        .and_then(|json| serde_json::from_slice(&json).ok())
        .unwrap_or_default()
}

fn chrono_of(at: OffsetDateTime) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(at.unix_timestamp(), at.nanosecond()).unwrap_or_default()
}

/// The whole chain of an error, so a log line says what the provider really did.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

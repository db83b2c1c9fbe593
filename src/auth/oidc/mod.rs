//! The OpenID Connect relying party, on the `openidconnect` crate: discovery, authorization code
//! flow with PKCE S256, `state` and `nonce` (kept server-side, see `store::login_flows`), ID-token
//! validation with an allow-list of algorithms, userinfo (JSON or signed) with a `sub` check, and JWKS re-fetch on
//! an unknown `kid` (signing-key rotation), at most once per interval.
//!
//! Mix-up defence: each provider has its own redirect URI (`/auth/callback/<name>`), the
//! discovery document must name exactly the configured issuer (checked by `openidconnect`), the
//! RFC 9207 `iss` response parameter is checked when sent, and the ID token's `iss` must match.
//!
//! Logout: RP-initiated at the provider's `end_session_endpoint`, and back-channel logout tokens
//! from the provider (`logout_token`, checked with the same keys and algorithms).

mod error;
mod jws;
pub mod logout_token;
mod provider;
mod userinfo;

pub use error::LoginError;
pub use provider::{AuthorizationRequest, Provider, VerifiedLogin};

use crate::config::oidc::ProviderSettings;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// All configured providers by name, and the HTTP client they share.
#[derive(Debug, Clone)]
pub struct RelyingParty {
    providers: Arc<BTreeMap<String, Provider>>,
    http: reqwest::Client,
    public_url: url::Url,
}

impl RelyingParty {
    pub fn new(
        providers: &BTreeMap<String, ProviderSettings>,
        public_url: url::Url,
    ) -> Result<Self, LoginError> {
        let http = reqwest::Client::builder()
            // Following redirects from an IdP would open the door to SSRF.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| LoginError::Configuration(e.to_string()))?;
        let providers = providers
            .iter()
            .map(|(name, settings)| {
                Provider::new(name, settings.clone()).map(|p| (name.clone(), p))
            })
            .collect::<Result<BTreeMap<_, _>, _>>()?;
        Ok(Self {
            providers: Arc::new(providers),
            http,
            public_url,
        })
    }

    pub fn provider(&self, name: &str) -> Option<&Provider> {
        self.providers.get(name)
    }

    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Where a provider's logout sends the browser back to.
    pub fn logged_out_uri(&self) -> String {
        format!(
            "{}/auth/logged-out",
            self.public_url.as_str().trim_end_matches('/')
        )
    }

    /// The redirect URI of one provider: its own, so a response cannot be replayed at another.
    pub fn redirect_uri(&self, provider: &str) -> String {
        format!(
            "{}/auth/callback/{provider}",
            self.public_url.as_str().trim_end_matches('/')
        )
    }
}

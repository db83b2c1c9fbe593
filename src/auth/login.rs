//! The login protocol at an OIDC provider, from the first redirect to the account:
//! `begin` keeps `state`, `nonce` and the PKCE verifier server-side under a random flow id (the
//! HTTP edge puts it in a cookie bound to the browser); `complete` takes that flow once, checks
//! `state` and the RFC 9207 `iss` parameter, exchanges the code, and finds or links the account.

use super::linking::account_for_login;
use super::oidc::LoginError;
use super::session::ProviderSession;
use super::tokens::{random_token, same_secret, token_hash};
use crate::app::App;
use crate::crypto::purpose::SealPurpose;
use crate::crypto::seal;
use crate::domain::assurance_level::AssuranceLevel;
use crate::store::accounts::Account;
use crate::store::login_flows::{self, LoginFlow};
use crate::store::sessions::SessionRow;
use time::Duration;

/// How long a browser may take at the provider.
pub const FLOW_LIFETIME: Duration = Duration::minutes(10);

/// A login under way: the flow id for the browser, and where to send it.
#[derive(Debug)]
pub struct Begun {
    pub flow_id: String,
    pub redirect_to: url::Url,
}

/// Starts a login at `provider`. `return_to` must already be a local path.
pub async fn begin(
    app: &App,
    provider: &str,
    login_hint: Option<&str>,
    return_to: String,
) -> Result<Begun, LoginError> {
    let rp = app.rp.as_ref().ok_or(LoginError::UnknownProvider)?;
    let provider = rp.provider(provider).ok_or(LoginError::UnknownProvider)?;
    let redirect_uri = rp.redirect_uri(provider.name());
    let hint = login_hint.filter(|h| !h.is_empty() && h.len() <= 200);
    let request = provider
        .authorization_request(rp.http(), &redirect_uri, hint)
        .await?;
    let now = app.clock.now();
    let flow = LoginFlow {
        provider: provider.name().to_owned(),
        state: request.state,
        nonce: request.nonce,
        pkce_verifier: request.pkce_verifier,
        return_to,
        expires_at: now + FLOW_LIFETIME,
    };
    let flow_id = random_token();
    login_flows::insert(&app.db, &token_hash(&flow_id), &flow, now).await?;
    Ok(Begun {
        flow_id,
        redirect_to: request.url,
    })
}

/// What the provider sent back to the redirect URI.
#[derive(Debug, Default)]
pub struct Callback<'a> {
    pub code: Option<&'a str>,
    pub state: Option<&'a str>,
    pub iss: Option<&'a str>,
    pub error: Option<&'a str>,
}

/// A finished login: whose it is, at which level, and where the browser goes next.
#[derive(Debug)]
pub struct Completed {
    pub account: Account,
    pub level: AssuranceLevel,
    pub provider: String,
    pub return_to: String,
    /// The login's ID token (kept only when the provider can end its own session with it) and
    /// the provider's session id.
    pub at_provider: ProviderSession,
}

/// Finishes the flow `flow_id` of this browser with the provider's answer.
pub async fn complete(
    app: &App,
    provider: &str,
    flow_id: Option<&str>,
    answer: Callback<'_>,
) -> Result<Completed, LoginError> {
    let rp = app.rp.as_ref().ok_or(LoginError::UnknownProvider)?;
    let provider = rp.provider(provider).ok_or(LoginError::UnknownProvider)?;
    // The flow is taken (deleted) first: whatever happens below, it cannot be used again.
    let flow_id = flow_id.ok_or(LoginError::NoFlow)?;
    let flow = login_flows::take(&app.db, &token_hash(flow_id))
        .await?
        .ok_or(LoginError::NoFlow)?;
    let now = app.clock.now();
    if flow.provider != provider.name() || flow.expires_at <= now {
        return Err(LoginError::NoFlow);
    }
    if !answer.state.is_some_and(|s| same_secret(s, &flow.state)) {
        return Err(LoginError::StateMismatch);
    }
    // RFC 9207: a response that names its issuer must name this provider's, and a provider that
    // promised to name it must have done so.
    match answer.iss {
        Some(iss) if iss != provider.issuer() => return Err(LoginError::IssuerMismatch),
        None if provider.promises_iss_parameter(rp.http()).await? => {
            return Err(LoginError::IssuerMismatch);
        }
        _ => {}
    }
    if let Some(error) = answer.error {
        // The provider's words go to a log line: no control characters (no forged lines).
        let error = error.chars().filter(|c| !c.is_control()).take(60).collect();
        return Err(LoginError::ProviderError(error));
    }
    let code = answer
        .code
        .ok_or(LoginError::TokenExchange("no code".into()))?;
    let redirect_uri = rp.redirect_uri(provider.name());
    let login = provider
        .complete(
            rp.http(),
            &redirect_uri,
            code,
            &flow.pkce_verifier,
            &flow.nonce,
            now,
        )
        .await?;
    let (account, level) = account_for_login(app, provider, &login).await?;
    let id_token = match provider.end_session_endpoint(rp.http()).await {
        Some(_) => Some(login.id_token),
        None => None,
    };
    Ok(Completed {
        account,
        level,
        provider: provider.name().to_owned(),
        return_to: flow.return_to,
        at_provider: ProviderSession {
            id_token,
            sid: login.sid,
        },
    })
}

/// Where to send the browser so the provider ends its own session too (RP-Initiated Logout 1.0):
/// its `end_session_endpoint` with the login's ID token as `id_token_hint`, our `client_id`, and
/// `/auth/logged-out` to come back to. So the next login on a shared PC asks again. None for
/// password sessions, providers without the endpoint, or a hint that cannot be opened.
pub async fn end_session_url(app: &App, session: &SessionRow) -> Option<url::Url> {
    let sealed = session.id_token_sealed.as_deref()?;
    let rp = app.rp.as_ref()?;
    let provider = rp.provider(&session.provider)?;
    let endpoint = provider.end_session_endpoint(rp.http()).await?;
    let hint = seal::open(&app.keys, SealPurpose::SessionIdToken, sealed).ok()?;
    let hint = String::from_utf8(hint.to_vec()).ok()?;
    let mut url = url::Url::parse(&endpoint).ok()?;
    url.query_pairs_mut()
        .append_pair("id_token_hint", &hint)
        .append_pair("client_id", &provider.settings().client_id)
        .append_pair("post_logout_redirect_uri", &rp.logged_out_uri());
    Some(url)
}

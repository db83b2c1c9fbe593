//! Logout started at the provider (OpenID Connect Back-Channel Logout 1.0): the provider posts a
//! signed logout token naming its session (`sid`) or its user (`sub`), and the vejviser sessions
//! started from it end at once, each with a logout row in the access log. Chosen over
//! front-channel logout because it needs no browser and no third-party cookies, so it also works
//! when the person closed the tab or another device is still logged in.
//!
//! A token is used once (its `jti` is kept until it could no longer be fresh), and the whole
//! ending (the used mark, the deletions and their audit rows) commits together.

use super::oidc::logout_token::LogoutTokenError;
use super::tokens::token_hash;
use crate::app::App;
use crate::audit::{self, Event};
use crate::domain::audit_action::AuditAction;
use crate::domain::ids::AccountId;
use crate::store::StoreError;
use crate::store::{accounts, logout_tokens, sessions};

/// Why a logout token ended nothing.
#[derive(Debug, thiserror::Error)]
pub enum BackchannelError {
    #[error("no such provider")]
    UnknownProvider,
    #[error("logout token refused: {0}")]
    Token(#[from] LogoutTokenError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Checks the logout token from `provider` and ends the sessions it names; returns how many.
/// A valid token that names no live session ends none and is still a success.
pub async fn end_sessions(app: &App, provider: &str, token: &str) -> Result<u64, BackchannelError> {
    let rp = app.rp.as_ref().ok_or(BackchannelError::UnknownProvider)?;
    let provider = rp
        .provider(provider)
        .ok_or(BackchannelError::UnknownProvider)?;
    let now = app.clock.now();
    let claims = provider.verify_logout_token(rp.http(), token, now).await?;
    // A subject is the provider's, so it names an account only through that provider's issuer.
    let account = match &claims.subject {
        Some(sub) => accounts::find_by_identity(&app.db, provider.issuer(), sub)
            .await?
            .map(|a| a.id),
        None => None,
    };
    let mut tx = app.db.begin().await?;
    if !logout_tokens::mark_used(&mut tx, provider.name(), &claims.jti, claims.expires_at).await? {
        return Err(LogoutTokenError::Replayed.into());
    }
    let ended: Vec<AccountId> = match (&claims.sid, &claims.subject, account) {
        // A subject nobody here has: the sessions of that provider session are someone else's.
        (_, Some(_), None) => Vec::new(),
        (Some(sid), _, only) => {
            sessions::delete_for_provider_session(&mut tx, provider.name(), &token_hash(sid), only)
                .await?
        }
        (None, _, Some(account)) => {
            sessions::delete_for_provider_account(&mut tx, provider.name(), account).await?
        }
        (None, None, None) => Vec::new(),
    };
    let mut whose = ended.clone();
    whose.sort_unstable();
    whose.dedup();
    for account in whose {
        let account = accounts::find_in(&mut tx, account).await?;
        audit::record(
            &mut tx,
            &Event::of_account(AuditAction::Logout, now, &account),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(ended.len() as u64)
}

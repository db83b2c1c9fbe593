//! Sessions (DESIGN.md §5): a random 256-bit id, stored only as its SHA-256, a new id at every
//! login, idle and absolute time-outs, logout server-side. The cookie that carries the id is the
//! HTTP edge's business (`http::extractors`).

use super::password_login::{ENROLMENT_PROVIDER, PASSWORD_PROVIDER};
use super::tokens::{random_token, token_hash};
use crate::app::App;
use crate::audit::{self, Event};
use crate::crypto::purpose::SealPurpose;
use crate::crypto::seal;
use crate::domain::assurance_level::AssuranceLevel;
use crate::domain::audit_action::AuditAction;
use crate::domain::ids::{AccountId, MunicipalityId};
use crate::store::StoreError;
use crate::store::accounts::{self, Account};
use crate::store::sessions::{self, SessionRow};
use time::{Duration, OffsetDateTime};

/// `last_seen_at` is written at most this often (not on every request).
const TOUCH_EVERY: Duration = Duration::seconds(60);

/// How a session was opened, which decides what it may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    /// A login at an identity provider (OIDC or the development provider).
    Federated,
    /// A staff password with a TOTP or recovery code.
    Password,
    /// A password before an authenticator app is enrolled: it can only enrol one.
    PasswordEnrolment,
}

impl SessionRow {
    pub fn kind(&self) -> SessionKind {
        match self.provider.as_str() {
            ENROLMENT_PROVIDER => SessionKind::PasswordEnrolment,
            PASSWORD_PROVIDER => SessionKind::Password,
            _ => SessionKind::Federated,
        }
    }
}

/// What the provider told about the login that the session must remember: the ID token for the
/// logout's hint (only when the provider can end its session) and its session id (`sid`), which
/// a back-channel logout token may name. Both empty for password logins.
#[derive(Debug, Clone, Default)]
pub struct ProviderSession {
    pub id_token: Option<String>,
    pub sid: Option<String>,
}

/// Starts a session for `account`, ending the one the browser had (`previous`: a new id at every
/// login, so a planted id is worthless). Returns the new session's id for the cookie.
pub async fn start(
    app: &App,
    previous: Option<&str>,
    account: &Account,
    provider: &str,
    level: AssuranceLevel,
    at_provider: &ProviderSession,
) -> Result<String, StoreError> {
    let settings = &app.settings.session;
    if let Some(old) = previous {
        sessions::delete(&app.db, &token_hash(old)).await?;
    }
    let now = app.clock.now();
    let token = random_token();
    let row = SessionRow {
        account_id: account.id,
        provider: provider.to_owned(),
        assurance_level: level,
        csrf_token: random_token(),
        created_at: now,
        last_seen_at: now,
        absolute_expires_at: now + Duration::hours(i64::from(settings.absolute_timeout_hours)),
        id_token_sealed: at_provider
            .id_token
            .as_deref()
            .and_then(|token| seal_hint(app, token)),
        // Hashed like the session id: the provider's session handle is a bearer-ish secret.
        provider_sid_hash: at_provider.sid.as_deref().map(token_hash),
    };
    // The session and its access-log row commit together.
    let mut tx = app.db.begin().await?;
    sessions::insert(&mut tx, &token_hash(&token), &row).await?;
    audit::record(&mut tx, &account_event(AuditAction::Login, account, now)).await?;
    tx.commit().await?;
    Ok(token)
}

/// The ID token sealed for the logout's hint; without it the logout only ends vejviser's session.
fn seal_hint(app: &App, token: &str) -> Option<Vec<u8>> {
    match seal::seal(&app.keys, SealPurpose::SessionIdToken, token.as_bytes()) {
        Ok(sealed) => Some(sealed),
        Err(e) => {
            tracing::warn!(error = %e, "the ID token could not be sealed; logout stays local");
            None
        }
    }
}

/// A login or logout of `account`.
fn account_event(action: AuditAction, account: &Account, now: OffsetDateTime) -> Event {
    Event::of_account(action, now, account)
}

/// A refused login, with its reason code (never what the request carried), in the chain of the
/// municipality whose admins should see it when the refusal knows one (`placed`: a staff login
/// the provider did not verify, a second subject for an account). The refusal stands whatever
/// happens here: a row that cannot be written is logged as an error.
pub async fn record_refusal(
    app: &App,
    reason: &'static str,
    placed: Option<(MunicipalityId, Option<AccountId>)>,
) {
    let mut event = Event::new(AuditAction::LoginRefused, app.clock.now()).denied(reason);
    if let Some((municipality, account)) = placed {
        event.municipality = Some(municipality);
        event.target.account = account;
    }
    if let Err(e) = audit::record_alone(&app.db, &event).await {
        tracing::error!(error = %e, reason, "the refused login could not be recorded");
    }
}

/// A live session and its active account.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub account: Account,
    pub session: SessionRow,
    id_hash: String,
}

impl Authenticated {
    /// Ends this session server-side (with its access-log row).
    pub async fn end(&self, app: &App) -> Result<(), StoreError> {
        let mut tx = app.db.begin().await?;
        sessions::delete_in(&mut tx, &self.id_hash).await?;
        let event = account_event(AuditAction::Logout, &self.account, app.clock.now());
        audit::record(&mut tx, &event).await?;
        tx.commit().await
    }

    /// Ends every session of the account, on every device; returns how many.
    pub async fn end_everywhere(&self, app: &App) -> Result<u64, StoreError> {
        let event = account_event(AuditAction::Logout, &self.account, app.clock.now());
        audit::record_alone(&app.db, &event).await?;
        sessions::delete_for_account(&app.db, self.account.id).await
    }
}

/// The live session with this id, and its active account; `None` (and the session deleted) when
/// it has expired or the account is deactivated.
pub async fn load(app: &App, token: &str) -> Result<Option<Authenticated>, StoreError> {
    let id_hash = token_hash(token);
    let Some(session) = sessions::find(&app.db, &id_hash).await? else {
        return Ok(None);
    };
    let now = app.clock.now();
    if !is_live(&session, now, app.settings.session.idle_timeout_minutes) {
        sessions::delete(&app.db, &id_hash).await?;
        return Ok(None);
    }
    let account = accounts::find(&app.db, session.account_id).await?;
    if !account.is_active {
        sessions::delete(&app.db, &id_hash).await?;
        return Ok(None);
    }
    if now - session.last_seen_at > TOUCH_EVERY {
        sessions::touch(&app.db, &id_hash, now).await?;
    }
    Ok(Some(Authenticated {
        account,
        session,
        id_hash,
    }))
}

/// Within the absolute lifetime and not idle longer than allowed.
pub fn is_live(session: &SessionRow, now: OffsetDateTime, idle_minutes: u32) -> bool {
    now < session.absolute_expires_at
        && now - session.last_seen_at < Duration::minutes(i64::from(idle_minutes))
}

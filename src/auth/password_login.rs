//! The staff fallback login: e-mail + password (argon2id) + a TOTP code (or a recovery code).
//!
//! Every refusal answers the same, whatever the cause (unknown e-mail, wrong password, wrong
//! code, locked out; `Refusal` tells the access log which), so messages do not reveal whether an
//! account exists; an unknown e-mail still
//! costs one argon2 verification, so timing does not either. Repeated failures lock the account
//! with a doubling back-off (`lockout`). A correct password without an enrolled authenticator
//! gives a session that can only enrol one.

use super::lockout::LockoutPolicy;
use super::{password, recovery_codes, totp};
use crate::app::App;
use crate::crypto::purpose::SealPurpose;
use crate::crypto::seal;
use crate::domain::email::Email;
use crate::domain::ids::AccountId;
use crate::store::credentials::{self, Credentials};
use crate::store::{StoreError, accounts};

/// The session provider names of the two kinds of password session.
pub const PASSWORD_PROVIDER: &str = "password";
pub const ENROLMENT_PROVIDER: &str = "password-enrolment";
const RECOVERY_CODE_COUNT: usize = 10;

#[derive(Debug)]
pub enum Outcome {
    LoggedIn(AccountId),
    /// The password was right and no authenticator is enrolled yet.
    MustEnrolTotp(AccountId),
}

/// Why a password login was refused: for the access log and the operator's log only, never
/// for the answer, which is the same for all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No account (or not exactly one) has a password for that e-mail; the e-mail is not kept.
    UnknownAccount,
    Locked(AccountId),
    WrongPassword(AccountId),
    WrongCode(AccountId),
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Self::UnknownAccount => "unknown_account",
            Self::Locked(_) => "locked",
            Self::WrongPassword(_) => "wrong_password",
            Self::WrongCode(_) => "wrong_code",
        }
    }

    /// The account the attempt was aimed at, when there is one.
    pub fn account(self) -> Option<AccountId> {
        match self {
            Self::UnknownAccount => None,
            Self::Locked(id) | Self::WrongPassword(id) | Self::WrongCode(id) => Some(id),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PasswordLoginError {
    #[error("wrong e-mail, password or code")]
    Refused(Refusal),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Sealing, the TOTP secret, the random generator or the hashing thread failed (the cause).
    #[error("credential handling failed")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

pub async fn log_in(
    state: &App,
    email: &str,
    given_password: &str,
    code: Option<&str>,
    municipality: Option<&str>,
) -> Result<Outcome, PasswordLoginError> {
    let now = state.clock.now();
    let mut candidates = match Email::parse(email) {
        Ok(email) => credentials::find_by_email(&state.db, &email)
            .await?
            .into_iter()
            .filter(|(_, code, c)| {
                c.password_hash.is_some() && municipality.is_none_or(|m| m == code)
            })
            .collect::<Vec<_>>(),
        Err(_) => Vec::new(),
    };
    // Exactly one account must match; otherwise a verification against no hash (a dummy one)
    // keeps the timing.
    let (account, stored) = match (candidates.len(), candidates.pop()) {
        (1, Some((id, _, stored))) => (Some(id), stored),
        _ => (None, Credentials::default()),
    };
    let policy = LockoutPolicy::default();
    let locked = policy.is_locked(
        stored.failed_attempts,
        stored.last_failed_at.unwrap_or(now),
        now,
    ) && stored.last_failed_at.is_some();
    let hash = if locked {
        None
    } else {
        stored.password_hash.clone()
    };
    let password_ok = verify_off_thread(given_password, hash).await?;
    let Some(account) = account else {
        tracing::warn!("password login refused: no account with a password for that e-mail");
        return Err(PasswordLoginError::Refused(Refusal::UnknownAccount));
    };
    if locked {
        tracing::warn!(account = %account, "password login refused: locked");
        return Err(PasswordLoginError::Refused(Refusal::Locked(account)));
    }
    if !password_ok {
        credentials::record_failure(&state.db, account, now).await?;
        tracing::warn!(account = %account, "password login refused: wrong password");
        return Err(PasswordLoginError::Refused(Refusal::WrongPassword(account)));
    }
    let Some(sealed) = &stored.totp_sealed else {
        credentials::record_success(&state.db, account, None).await?;
        return Ok(Outcome::MustEnrolTotp(account));
    };
    let code = code.unwrap_or_default();
    let secret = open_secret(state, sealed)?;
    let unix_now = u64::try_from(now.unix_timestamp()).unwrap_or(0);
    if let Some(step) = totp::verify(&secret, code, unix_now, stored.totp_last_step) {
        credentials::record_success(&state.db, account, Some(step)).await?;
        return Ok(Outcome::LoggedIn(account));
    }
    for hash in credentials::recovery_hashes(&state.db, account).await? {
        if recovery_codes::matches(code, &hash)
            && credentials::consume_recovery_code(&state.db, account, &hash).await?
        {
            credentials::record_success(&state.db, account, None).await?;
            tracing::info!(account = %account, "logged in with a recovery code");
            return Ok(Outcome::LoggedIn(account));
        }
    }
    credentials::record_failure(&state.db, account, now).await?;
    tracing::warn!(account = %account, "password login refused: wrong code");
    Err(PasswordLoginError::Refused(Refusal::WrongCode(account)))
}

/// The refusal's access-log row: an attempt on a known account in its municipality's chain with
/// the account as target (its admins see it), an unknown one outside any municipality.
pub async fn record_refusal(state: &App, why: Refusal) {
    let placed = match why.account() {
        Some(id) => match accounts::find(&state.db, id).await {
            Ok(account) => account.municipality_id.map(|m| (m, Some(id))),
            Err(_) => None,
        },
        None => None,
    };
    super::session::record_refusal(state, why.code(), placed).await;
}

/// argon2 takes tens of milliseconds of CPU: never on the async workers.
async fn verify_off_thread(given: &str, hash: Option<String>) -> Result<bool, PasswordLoginError> {
    let given = given.to_owned();
    tokio::task::spawn_blocking(move || password::verify_password(&given, hash.as_deref()))
        .await
        .map_err(|e| PasswordLoginError::Internal(e.into()))
}

fn open_secret(state: &App, sealed: &[u8]) -> Result<totp::TotpSecret, PasswordLoginError> {
    let bytes = zeroize::Zeroizing::new(
        seal::open(&state.keys, SealPurpose::StaffTotp, sealed)
            .map_err(|e| PasswordLoginError::Internal(e.into()))?,
    );
    totp::TotpSecret::from_bytes(&bytes).map_err(|e| PasswordLoginError::Internal(e.into()))
}

/// A new secret to enrol: kept sealed as pending until a code confirms it.
pub async fn begin_enrolment(
    state: &App,
    account: AccountId,
) -> Result<totp::TotpSecret, PasswordLoginError> {
    let secret =
        totp::TotpSecret::generate().map_err(|e| PasswordLoginError::Internal(e.into()))?;
    let sealed = seal::seal(&state.keys, SealPurpose::StaffTotp, secret.as_bytes())
        .map_err(|e| PasswordLoginError::Internal(e.into()))?;
    credentials::set_pending_totp(&state.db, account, &sealed, state.clock.now()).await?;
    Ok(secret)
}

/// Confirms the pending secret with a code from the app; returns the recovery codes, shown once.
pub async fn confirm_enrolment(
    state: &App,
    account: AccountId,
    code: &str,
) -> Result<Vec<recovery_codes::RecoveryCode>, PasswordLoginError> {
    let stored = credentials::find(&state.db, account).await?;
    let pending = stored
        .totp_pending_sealed
        .as_deref()
        .ok_or(PasswordLoginError::Refused(Refusal::WrongCode(account)))?;
    let secret = open_secret(state, pending)?;
    let unix_now = u64::try_from(state.clock.now().unix_timestamp()).unwrap_or(0);
    let step = totp::verify(&secret, code, unix_now, None)
        .ok_or(PasswordLoginError::Refused(Refusal::WrongCode(account)))?;
    let codes = recovery_codes::generate(RECOVERY_CODE_COUNT)
        .map_err(|e| PasswordLoginError::Internal(e.into()))?;
    let hashes: Vec<String> = codes
        .iter()
        .map(|c| recovery_codes::hash(c.as_str()))
        .collect();
    credentials::confirm_totp(&state.db, account, step, &hashes, state.clock.now()).await?;
    Ok(codes)
}

//! From a verified login to an account. Identity is always (issuer, subject); a CPR claim links
//! a citizen's new identity to the account that CPR already has, never replaces it.
//!
//! - citizens: found by identity, else by CPR (keyed hash), else created (and linked);
//! - staff: found by identity, else by an e-mail the provider verified (`claims.email_verified`)
//!   within the provider's municipality, and linked, at most one subject per provider an
//!   account; unknown staff are refused, never created.
//!
//! Each link is an access-log row (`link_identity`) in the link's transaction.

use super::oidc::{LoginError, Provider, VerifiedLogin};
use crate::app::App;
use crate::audit::{self, Event};
use crate::config::oidc::ProviderKind;
use crate::crypto::purpose::{LookupPurpose, SealPurpose};
use crate::crypto::seal;
use crate::domain::assurance_level::AssuranceLevel;
use crate::domain::audit_action::AuditAction;
use crate::domain::cpr::Cpr;
use crate::domain::email::Email;
use crate::domain::ids::MunicipalityId;
use crate::domain::municipality_code::MunicipalityCode;
use crate::domain::person_name::PersonName;
use crate::store::accounts::{self, Account, AccountKind, NewCitizen};
use crate::store::{StoreError, municipalities, participants};
use serde_json::Value;
use time::OffsetDateTime;

/// The account a login belongs to, and the assurance level it was made at.
pub async fn account_for_login(
    state: &App,
    provider: &Provider,
    login: &VerifiedLogin,
) -> Result<(Account, AssuranceLevel), LoginError> {
    let settings = provider.settings();
    let level = match (login.assurance, settings.required_assurance()) {
        (Some(level), required) if level >= required => level,
        // A staff IdP that sends no level at all is accepted where no level is required.
        (None, AssuranceLevel::Low) => AssuranceLevel::Low,
        _ => {
            let claim = &settings.claims.assurance;
            // Only a short text is shown: a level, not whatever else a broker might put there.
            let value = login.claims.get(claim).map(|v| match v {
                Value::String(text) => text.chars().take(120).collect(),
                other => other.to_string().chars().take(120).collect(),
            });
            return Err(LoginError::AssuranceTooLow {
                claim: claim.clone(),
                value,
            });
        }
    };
    let account = match settings.kind {
        ProviderKind::Citizen => citizen(state, provider, login).await?,
        ProviderKind::Staff => staff(state, provider, login).await?,
    };
    if !account.is_active {
        return Err(LoginError::Deactivated);
    }
    Ok((account, level))
}

fn claim<'a>(login: &'a VerifiedLogin, name: &str) -> Option<&'a str> {
    login
        .claims
        .get(name)
        .and_then(Value::as_str)
        .filter(|v| !v.trim().is_empty())
}

async fn citizen(
    state: &App,
    provider: &Provider,
    login: &VerifiedLogin,
) -> Result<Account, LoginError> {
    let names = &provider.settings().claims;
    let cpr = claim(login, &names.cpr)
        .map(|c| Cpr::parse(c).map_err(|_| LoginError::MalformedClaim(names.cpr.clone())))
        .transpose()?;
    let cpr_hash = cpr
        .as_ref()
        .map(|cpr| state.lookup.hash(LookupPurpose::Cpr, &cpr.compact()));
    let account = match accounts::find_by_identity(&state.db, &login.issuer, &login.subject).await?
    {
        Some(account) if account.kind == AccountKind::Citizen => account,
        Some(_) => return Err(LoginError::UnknownStaff),
        None => {
            let (cpr, cpr_hash) = cpr
                .zip(cpr_hash.clone())
                .ok_or_else(|| LoginError::MissingClaim(names.cpr.clone()))?;
            find_or_create_citizen(state, login, names, &cpr, cpr_hash).await?
        }
    };
    // Invitations made for this CPR number before the person first logged in become theirs.
    if let Some(hash) = cpr_hash {
        let mut tx = state.db.begin().await?;
        let linked = participants::link_invitations(&mut tx, account.id, &hash).await?;
        tx.commit().await?;
        if linked > 0 {
            tracing::info!(account = %account.id, linked, "invitations linked at login");
        }
    }
    Ok(account)
}

async fn find_or_create_citizen(
    state: &App,
    login: &VerifiedLogin,
    names: &crate::config::oidc::ClaimNames,
    cpr: &Cpr,
    cpr_hash: String,
) -> Result<Account, LoginError> {
    let now = state.clock.now();
    if let Some(account) = accounts::find_citizen_by_cpr_hash(&state.db, &cpr_hash).await? {
        let mut tx = state.db.begin().await?;
        accounts::link_identity(&mut tx, account.id, &login.issuer, &login.subject, now).await?;
        audit::record(&mut tx, &linked(&account, now)).await?;
        tx.commit().await?;
        return Ok(account);
    }
    let name =
        claim(login, &names.name).ok_or_else(|| LoginError::MissingClaim(names.name.clone()))?;
    let name =
        PersonName::parse(name).map_err(|_| LoginError::MalformedClaim(names.name.clone()))?;
    let email = claim(login, &names.email).and_then(|e| Email::parse(e).ok());
    // Mail goes only to a confirmed address: one the provider verified counts as confirmed.
    let email_verified = is_true(login, &names.email_verified);
    let birth_date = claim(login, &names.birth_date)
        .and_then(|d| {
            time::Date::parse(d, time::macros::format_description!("[year]-[month]-[day]")).ok()
        })
        .unwrap_or_else(|| cpr.birth_date());
    let cpr_sealed = seal::seal(
        &state.keys,
        SealPurpose::AccountCpr,
        cpr.compact().as_bytes(),
    )
    .map_err(|e| LoginError::Configuration(e.to_string()))?;
    let citizen = NewCitizen {
        name,
        email,
        email_verified,
        cpr_hash,
        cpr_sealed,
        birth_date,
    };
    let mut tx = state.db.begin().await?;
    let created = accounts::create_citizen(&mut tx, &citizen, &login.issuer, &login.subject, now);
    match created.await {
        Ok(id) => {
            tx.commit().await?;
            Ok(accounts::find(&state.db, id).await?)
        }
        // Two first logins at once: the other one created the account; use it.
        Err(StoreError::Conflict(_)) => {
            accounts::find_by_identity(&state.db, &login.issuer, &login.subject)
                .await?
                .ok_or(LoginError::Store(StoreError::NotFound))
        }
        Err(other) => Err(other.into()),
    }
}

async fn staff(
    state: &App,
    provider: &Provider,
    login: &VerifiedLogin,
) -> Result<Account, LoginError> {
    if let Some(account) =
        accounts::find_by_identity(&state.db, &login.issuer, &login.subject).await?
    {
        return match account.kind {
            AccountKind::Staff => Ok(account),
            AccountKind::Citizen => Err(LoginError::UnknownStaff),
        };
    }
    let names = &provider.settings().claims;
    let municipality = provider_municipality(state, provider).await?;
    let email = claim(login, &names.email).ok_or_else(|| LoginError::NoEmailClaim {
        claim: names.email.clone(),
    })?;
    if !is_true(login, &names.email_verified) {
        return Err(LoginError::EmailNotVerified {
            claim: names.email_verified.clone(),
            municipality,
        });
    }
    let email = Email::parse(email).map_err(|_| LoginError::UnknownStaff)?;
    let staff = match accounts::find_staff_by_email(&state.db, municipality, &email).await {
        Ok(staff) => staff,
        Err(StoreError::NotFound) => return Err(LoginError::UnknownStaff),
        Err(other) => return Err(other.into()),
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    // Locks the account first, so two first logins with different subjects cannot both link.
    let others = accounts::lock_subjects_at(&mut tx, staff.id, &login.issuer).await?;
    if !others.is_empty() {
        return Err(LoginError::SecondSubject {
            municipality,
            account: staff.id,
        });
    }
    accounts::link_identity(&mut tx, staff.id, &login.issuer, &login.subject, now).await?;
    let account = accounts::find_in(&mut tx, staff.id).await?;
    audit::record(&mut tx, &linked(&account, now)).await?;
    tx.commit().await?;
    Ok(account)
}

async fn provider_municipality(
    state: &App,
    provider: &Provider,
) -> Result<MunicipalityId, LoginError> {
    let code = provider
        .settings()
        .municipality
        .as_deref()
        .and_then(|c| MunicipalityCode::parse(c).ok())
        .ok_or_else(|| {
            LoginError::Configuration(format!(
                "oidc.providers.{}.municipality is missing",
                provider.name()
            ))
        })?;
    match municipalities::find_by_code(&state.db, code).await {
        Ok(municipality) => Ok(municipality.id),
        Err(StoreError::NotFound) => Err(LoginError::Configuration(format!(
            "no municipality with code {code}"
        ))),
        Err(other) => Err(other.into()),
    }
}

/// A claim that is JSON `true` (some providers send the string "true").
fn is_true(login: &VerifiedLogin, name: &str) -> bool {
    match login.claims.get(name) {
        Some(Value::Bool(value)) => *value,
        Some(Value::String(value)) => value.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// The access-log row of a new identity linked to `account`, by that account.
fn linked(account: &Account, now: OffsetDateTime) -> Event {
    Event::of_account(AuditAction::LinkIdentity, now, account).account(account.id)
}

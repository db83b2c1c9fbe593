//! `vejviser case erase <id>`: crypto-shredding (DESIGN.md §7a). The case key is destroyed and
//! the case marked erased in one transaction, then its blobs are deleted; documents' rows stay as
//! the audit trail, with nothing left that decrypts. Only a closed case, and before the end of
//! the retention period only when an admin of its municipality gives a reason, which is recorded.
//! Never automatic: municipal records follow the National Archives' rules.

use crate::audit::{self, Event};
use crate::blobs::{BlobKey, BlobStore};
use crate::config::Settings;
use crate::domain::audit_action::{ActorRole, AuditAction};
use crate::domain::email::Email;
use crate::domain::ids::{CaseId, MunicipalityId};
use crate::store::accounts::{self, StaffAccount};
use crate::store::{Db, StoreError, case_keys, cases, documents};
use anyhow::{Context, anyhow, bail};
use time::{Duration, OffsetDateTime};

pub struct EraseRequest {
    pub case: CaseId,
    /// The admin (e-mail) who asks for erasure before the end of retention.
    pub admin: Option<String>,
    pub reason: Option<String>,
}

#[derive(Debug)]
pub struct Erased {
    pub blobs_deleted: usize,
    pub blobs_left: usize,
}

pub async fn erase_case(
    db: &Db,
    blobs: &BlobStore,
    settings: &Settings,
    now: OffsetDateTime,
    request: EraseRequest,
) -> anyhow::Result<Erased> {
    let case = cases::find(db, request.case)
        .await?
        .ok_or_else(|| anyhow!("no case with id {}", request.case))?;
    let closed_at = cases::closed_at(db, case.id).await?.ok_or_else(|| {
        anyhow!(
            "the case is not closed (status {:?}); close it first",
            case.status
        )
    })?;
    let retention = Duration::days(
        i64::try_from(settings.documents.retention_days_after_close)
            .unwrap_or(i64::MAX / 86_400_000),
    );
    let retention_ends = closed_at + retention;
    let reason = request
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    let admin = match request.admin.as_deref() {
        Some(email) => Some(active_admin(db, case.municipality_id, email).await?),
        None => None,
    };
    let requested_by = match (now >= retention_ends, reason, &admin) {
        (true, _, Some(admin)) => admin.email.clone(),
        (true, _, None) => "operator".to_owned(),
        (false, None, _) => bail!(
            "the retention period ends {}; erasing earlier needs --admin <e-mail> and --reason",
            retention_ends.date()
        ),
        (false, Some(_), None) => {
            bail!("--reason needs --admin <e-mail of an admin of the case's municipality>")
        }
        (false, Some(_), Some(admin)) => admin.email.clone(),
    };
    let keys = documents::blob_keys_of_case(db, case.id).await?;
    // The erasure and its access-log row commit together.
    let event = Event {
        municipality: Some(case.municipality_id),
        case: Some(case.id),
        actor: admin.as_ref().map(|a| a.id),
        role: Some(if admin.is_some() {
            ActorRole::Admin
        } else {
            ActorRole::Operator
        }),
        ..Event::new(AuditAction::EraseCase, now)
    };
    let mut tx = db.begin().await?;
    case_keys::erase(
        &mut tx,
        case.id,
        &requested_by,
        reason,
        i64::try_from(keys.len())?,
        now,
    )
    .await?;
    audit::record(&mut tx, &event).await?;
    tx.commit().await?;
    // The reason is free text and may name people: it is in `case_erasures`, not in the log.
    tracing::warn!(case = %case.id, with_reason = reason.is_some(), "case erased (crypto-shredded)");
    let mut erased = Erased {
        blobs_deleted: 0,
        blobs_left: 0,
    };
    for key in keys {
        match BlobKey::new(key) {
            Ok(key) if blobs.delete(&key).await.is_ok() => erased.blobs_deleted += 1,
            _ => erased.blobs_left += 1,
        }
    }
    Ok(erased)
}

/// The staff account behind `--admin`: an active admin of the case's municipality.
async fn active_admin(
    db: &Db,
    municipality: MunicipalityId,
    email: &str,
) -> anyhow::Result<StaffAccount> {
    let email = Email::parse(email).context("--admin")?;
    let admin = accounts::find_staff_by_email(db, municipality, &email)
        .await
        .map_err(|e| match e {
            StoreError::NotFound => {
                anyhow!("--admin: no staff member with that e-mail in the case's municipality")
            }
            other => other.into(),
        })?;
    if !admin.is_admin || !admin.is_active {
        bail!(
            "--admin: {} is not an active admin of the case's municipality",
            email.as_str()
        );
    }
    Ok(admin)
}

//! A consent that passes its last day leaves one `expire_consent` row in the case's log (issue
//! #11), written by the periodic sweeper as the service itself (role `operator`). Several
//! instances may sweep at once: the check and the row are made while holding the case's chain.

use crate::audit::{self, Event};
use crate::clock::{SharedClock, copenhagen_date};
use crate::domain::audit_action::{ActorRole, AuditAction};
use crate::store::consents::{self, UnrecordedExpiry};
use crate::store::{Db, StoreResult, audit as store};

/// Records every expiry not yet in the log; returns how many rows were written. Failures are
/// logged and tried again at the next sweep.
pub async fn record_expired(db: &Db, clock: &SharedClock) -> usize {
    let now = clock.now();
    let expired = match consents::expired_unrecorded(db, copenhagen_date(now)).await {
        Ok(expired) => expired,
        Err(e) => {
            tracing::warn!(error = %e, "expired consents not looked for; tried again next sweep");
            return 0;
        }
    };
    let mut written = 0;
    for expiry in expired {
        match record_one(db, &expiry, now).await {
            Ok(true) => written += 1,
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(error = %e, case = %expiry.case_id, "consent expiry not recorded")
            }
        }
    }
    written
}

async fn record_one(
    db: &Db,
    expiry: &UnrecordedExpiry,
    now: time::OffsetDateTime,
) -> StoreResult<bool> {
    let mut tx = db.begin().await?;
    store::hold_chain(&mut tx, &expiry.municipality.to_string()).await?;
    let (case, consent) = (expiry.case_id.to_string(), expiry.consent.to_string());
    let action = AuditAction::ExpireConsent.as_str();
    if store::has_consent_row(&mut tx, &case, &consent, action).await? {
        return Ok(false);
    }
    let event = Event {
        municipality: Some(expiry.municipality),
        case: Some(expiry.case_id),
        role: Some(ActorRole::Operator),
        ..Event::new(AuditAction::ExpireConsent, now).consent(expiry.consent)
    };
    audit::record(&mut tx, &event).await?;
    tx.commit().await?;
    Ok(true)
}

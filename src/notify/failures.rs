//! The messages given up on (a 5xx, or too many attempts), for the municipality's admins: who a
//! message was for, what kind it was and why it failed, so a wrong or dead address can be put
//! right. Admins only (the policy's `Administer`), their own municipality only.

use crate::app::App;
use crate::cases::{CaseError, CaseResult};
use crate::policy::staff::StaffAction;
use crate::policy::{Actor, ActorKind, Reason};
use crate::staff::search::allowed;
use crate::store::outbox::{self, FailedMessage};

/// The newest this many are shown.
const SHOWN: i64 = 200;

pub async fn list(state: &App, actor: &Actor) -> CaseResult<Vec<FailedMessage>> {
    allowed(actor, StaffAction::Administer)?;
    let ActorKind::Staff { municipality, .. } = actor.kind else {
        return Err(CaseError::Denied(Reason::StaffOnly));
    };
    Ok(outbox::failed_in(&state.db, municipality, SHOWN).await?)
}

//! What the services call inside the transaction of a change, so its outbox rows commit or
//! roll back with it. Each takes the caller's connection (`&mut *tx`) and the facts the change
//! was decided on.

use super::recipients;
use crate::app::App;
use crate::domain::access::Access;
use crate::domain::ids::{AccountId, CaseId};
use crate::domain::notice_event::NoticeEvent;
use crate::policy::CaseFacts;
use crate::store::StoreResult;
use crate::store::outbox::{self, NewMessage};
use sqlx::AnyConnection;

pub(super) async fn write(
    state: &App,
    conn: &mut AnyConnection,
    messages: &[NewMessage],
) -> StoreResult<usize> {
    let written = outbox::enqueue(conn, messages, state.clock.now()).await?;
    state.metrics.mail.queued.inc_by(written.len() as u64);
    Ok(written.len())
}

/// Writes what a sweep found due in a transaction of its own (nothing when nothing is due); the
/// number of rows written (a `dedupe_key` written before is left out).
pub(super) async fn write_alone(state: &App, messages: &[NewMessage]) -> StoreResult<usize> {
    if messages.is_empty() {
        return Ok(0);
    }
    let mut tx = state.db.begin().await?;
    let written = write(state, &mut tx, messages).await?;
    tx.commit().await?;
    Ok(written)
}

/// A document added or a new version: everyone who may read it now, but its author. `facts`
/// are the case's as the change was allowed on them.
pub async fn document_changed(
    state: &App,
    conn: &mut AnyConnection,
    case_id: CaseId,
    facts: &CaseFacts,
    event: NoticeEvent,
    author: AccountId,
) -> StoreResult<()> {
    let readers = recipients::everyone_allowed(
        facts,
        event,
        author,
        state.settings.consent.custody_rule,
        state.clock.now(),
    );
    write(
        state,
        conn,
        &recipients::messages(case_id, &readers, event, None),
    )
    .await
    .map(drop)
}

/// A participant a notice is for, and what they may now do.
pub struct ToParticipant {
    pub case_id: CaseId,
    /// None for an invited citizen who never logged in: no address is known yet.
    pub account: Option<AccountId>,
    pub access: Access,
    /// Who made the change (not told of their own change).
    pub actor: AccountId,
}

impl ToParticipant {
    pub fn new(
        case_id: CaseId,
        account: Option<AccountId>,
        access: Access,
        actor: AccountId,
    ) -> Self {
        Self {
            case_id,
            account,
            access,
            actor,
        }
    }
}

/// A participant added, their access changed, or a parent's access granted again: that
/// participant, with a line saying what they can now do.
pub async fn participant_changed(
    state: &App,
    conn: &mut AnyConnection,
    event: NoticeEvent,
    to: ToParticipant,
) -> StoreResult<()> {
    let Some(account) = to.account.filter(|&a| a != to.actor) else {
        return Ok(());
    };
    let access = Some(to.access.as_str());
    write(
        state,
        conn,
        &recipients::messages(to.case_id, &[account], event, access),
    )
    .await
    .map(drop)
}

/// A consent given, recorded or withdrawn: the coordinator, unless they did it themselves.
pub async fn consent_changed(
    state: &App,
    conn: &mut AnyConnection,
    case_id: CaseId,
    facts: &CaseFacts,
    event: NoticeEvent,
    actor: AccountId,
) -> StoreResult<()> {
    if facts.coordinator == actor {
        return Ok(());
    }
    let messages = recipients::messages(case_id, &[facts.coordinator], event, None);
    write(state, conn, &messages).await.map(drop)
}

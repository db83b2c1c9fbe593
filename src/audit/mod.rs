//! The access log (DESIGN.md §7, issue #11): one append-only row per event, written in the
//! transaction of the change it records (`record(&mut tx, &event)` before `tx.commit()`), so the
//! row commits with the change or not at all, and a change whose row cannot be written fails.
//! Reads (case view, document list and view, download) commit their row before a byte is sent
//! (`record_alone`).
//!
//! Rows are chained per municipality (`chain`): each stores the SHA-256 of its predecessor's
//! hash and its own canonical encoding (`encoding`). Writers of one chain are serialised by its
//! head row, which `record` updates first (`store::audit::advance_head`). `verify` walks a chain.
//! What a row says about the request (its id and the client's address) comes from `context`.

pub mod batch;
pub mod context;
pub mod encoding;
pub mod retention;
pub mod verify;

use crate::app::App;
use crate::domain::audit_action::{ActorRole, AuditAction};
use crate::domain::department::Department;
use crate::domain::ids::{AccountId, CaseId, DocumentId, MunicipalityId, ParticipantId};
use crate::policy::{Actor, ActorKind, CaseFacts};
use crate::store::accounts::{Account, AccountKind};
use crate::store::audit::{self as store, AuditRow};
use crate::store::time_text::to_text;
use crate::store::{Db, StoreResult};
use sqlx::AnyConnection;
use time::OffsetDateTime;
use uuid::Uuid;

/// The chain of events outside any municipality (logins of citizens, refused logins).
pub const NO_MUNICIPALITY_CHAIN: &str = "none";

/// Allowed, or denied with the policy's (or the login's) reason code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Allowed,
    Denied(&'static str),
}

/// What the action was done to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Target {
    pub document: Option<DocumentId>,
    pub version: Option<i64>,
    pub participant: Option<ParticipantId>,
    pub consent: Option<Uuid>,
    pub account: Option<AccountId>,
}

/// One event, as the services describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub at: OffsetDateTime,
    pub municipality: Option<MunicipalityId>,
    pub case: Option<CaseId>,
    pub actor: Option<AccountId>,
    pub role: Option<ActorRole>,
    pub department: Option<Department>,
    pub action: AuditAction,
    pub target: Target,
    pub outcome: Outcome,
}

impl Event {
    /// An event outside any case (logins, staff administration).
    pub fn new(action: AuditAction, at: OffsetDateTime) -> Self {
        Self {
            at,
            municipality: None,
            case: None,
            actor: None,
            role: None,
            department: None,
            action,
            target: Target::default(),
            outcome: Outcome::Allowed,
        }
    }

    /// `account` acting on its own behalf (a login, a logout, a linked identity), in its
    /// municipality's chain (staff) or the chain outside any municipality (citizens).
    pub fn of_account(action: AuditAction, at: OffsetDateTime, account: &Account) -> Self {
        let role = match account.kind {
            AccountKind::Staff if account.is_admin => ActorRole::Admin,
            AccountKind::Staff => ActorRole::Staff,
            AccountKind::Citizen => ActorRole::Citizen,
        };
        Self {
            municipality: account.municipality_id,
            actor: Some(account.id),
            role: Some(role),
            ..Self::new(action, at)
        }
    }

    /// `actor` did `action` on the case, in the part they have in it now.
    pub fn on_case(
        action: AuditAction,
        at: OffsetDateTime,
        actor: &Actor,
        case: CaseId,
        facts: &CaseFacts,
    ) -> Self {
        let (role, department) = part_in_case(actor, facts);
        Self {
            municipality: Some(facts.municipality),
            case: Some(case),
            actor: Some(actor.account),
            role: Some(role),
            department,
            ..Self::new(action, at)
        }
    }

    /// `actor` acting as staff (or as a citizen) outside any case.
    pub fn by(mut self, actor: &Actor) -> Self {
        self.actor = Some(actor.account);
        match actor.kind {
            ActorKind::Staff {
                municipality,
                is_admin,
                ..
            } => {
                self.municipality = Some(municipality);
                self.role = Some(if is_admin {
                    ActorRole::Admin
                } else {
                    ActorRole::Staff
                });
            }
            ActorKind::Citizen { .. } => self.role = Some(ActorRole::Citizen),
        }
        self
    }

    pub fn document(mut self, id: DocumentId, version: Option<i64>) -> Self {
        self.target.document = Some(id);
        self.target.version = version;
        self
    }

    pub fn participant(mut self, id: ParticipantId) -> Self {
        self.target.participant = Some(id);
        self
    }

    pub fn consent(mut self, id: Uuid) -> Self {
        self.target.consent = Some(id);
        self
    }

    pub fn account(mut self, id: AccountId) -> Self {
        self.target.account = Some(id);
        self
    }

    pub fn denied(mut self, reason: &'static str) -> Self {
        self.outcome = Outcome::Denied(reason);
        self
    }

    fn chain(&self) -> String {
        self.municipality
            .map_or_else(|| NO_MUNICIPALITY_CHAIN.to_owned(), |m| m.to_string())
    }
}

/// The actor's part in the case: coordinator, a participant's role (with their department), an
/// admin of the municipality, or staff or a citizen with no part in it.
pub fn part_in_case(actor: &Actor, facts: &CaseFacts) -> (ActorRole, Option<Department>) {
    if actor.account == facts.coordinator {
        return (ActorRole::Coordinator, None);
    }
    if let Some(me) = facts
        .participants
        .iter()
        .find(|p| p.account == Some(actor.account))
    {
        return (me.role.into(), me.department);
    }
    match actor.kind {
        ActorKind::Staff { is_admin: true, .. } => (ActorRole::Admin, None),
        ActorKind::Staff { .. } => (ActorRole::Staff, None),
        ActorKind::Citizen { .. } => (ActorRole::Citizen, None),
    }
}

/// Appends `event` to its chain inside the caller's transaction (write before read: the chain's
/// head is updated first). The row commits with the transaction or not at all.
pub async fn record(conn: &mut AnyConnection, event: &Event) -> StoreResult<()> {
    record_in(conn, event, &context::current()).await
}

/// `record` for a row made in another task than its request's (`batch`).
async fn record_in(
    conn: &mut AnyConnection,
    event: &Event,
    request: &context::RequestContext,
) -> StoreResult<()> {
    let chain = event.chain();
    let (seq, prev_hash) = store::advance_head(conn, &chain).await?;
    let row = chained(event, request, chain, seq, prev_hash);
    store::insert(conn, &row).await?;
    crate::metrics::audit_rows_written().inc();
    Ok(())
}

/// Appends `events` (each with its request) inside the caller's transaction: each chain's head is
/// moved once for all its rows, which are then chained in the order given.
async fn record_many(
    conn: &mut AnyConnection,
    events: &[(&Event, &context::RequestContext)],
) -> StoreResult<()> {
    let mut chains: Vec<String> = events.iter().map(|(e, _)| e.chain()).collect();
    chains.sort();
    chains.dedup();
    let mut rows = Vec::with_capacity(events.len());
    for chain in chains {
        let mine: Vec<_> = events.iter().filter(|(e, _)| e.chain() == chain).collect();
        let places = i64::try_from(mine.len()).unwrap_or(i64::MAX);
        let (mut seq, mut prev_hash) = store::advance_head_by(conn, &chain, places).await?;
        for (event, request) in mine {
            let row = chained(event, request, chain.clone(), seq, prev_hash);
            (seq, prev_hash) = (seq + 1, row.hash.clone());
            rows.push(row);
        }
        store::set_head_hash(conn, &chain, &prev_hash).await?;
    }
    store::insert_rows(conn, &rows).await?;
    crate::metrics::audit_rows_written().inc_by(events.len() as u64);
    Ok(())
}

/// The stored row of `event` at place `seq` of `chain`, after the row hashed `prev_hash`.
fn chained(
    event: &Event,
    request: &context::RequestContext,
    chain: String,
    seq: i64,
    prev_hash: String,
) -> AuditRow {
    let (outcome, reason) = match event.outcome {
        Outcome::Allowed => ("allowed", None),
        Outcome::Denied(reason) => ("denied", Some(reason.to_owned())),
    };
    let mut row = AuditRow {
        id: Uuid::new_v4().to_string(),
        chain,
        seq,
        at: to_text(event.at),
        municipality_id: event.municipality.map(|m| m.to_string()),
        case_id: event.case.map(|c| c.to_string()),
        actor_account_id: event.actor.map(|a| a.to_string()),
        actor_role: event.role.map(|r| r.as_str().to_owned()),
        actor_department: event.department.map(|d| d.as_str().to_owned()),
        action: event.action.as_str().to_owned(),
        target_document_id: event.target.document.map(|d| d.to_string()),
        target_version: event.target.version,
        target_participant: event.target.participant.map(|p| p.to_string()),
        target_consent: event.target.consent.map(|c| c.to_string()),
        target_account_id: event.target.account.map(|a| a.to_string()),
        outcome: outcome.to_owned(),
        reason,
        request_id: request.request_id.clone(),
        client_address: request.client_address.clone(),
        prev_hash,
        hash: String::new(),
    };
    row.hash = encoding::hash(&row);
    row
}

/// A read's row (case view, document list, view, download), committed before anything is
/// sent, together with the other reads' rows waiting at the same moment (`batch`). Only a
/// benchmark's `dev.skip_read_audit` (refused in production) leaves it out.
pub async fn record_read(app: &App, event: &Event) -> StoreResult<()> {
    if app.settings.dev.skip_read_audit {
        return Ok(());
    }
    app.audit.record(event).await
}

/// Records `event` in a transaction of its own and commits it: for reads, before anything is
/// sent, and for refusals.
pub async fn record_alone(db: &Db, event: &Event) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    record(&mut tx, event).await?;
    tx.commit().await
}

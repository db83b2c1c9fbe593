//! The case services: what handlers call. Each loads the facts, asks the policy, and only then
//! reads or changes anything. Services never see HTTP types; handlers never decide access.

pub mod access_log;
pub mod audit_search;
pub mod consent_expiry;
pub mod consents;
pub mod create;
pub mod lifecycle;
pub mod list;
pub mod own_consents;
pub mod participants;
pub mod review;
pub mod view;

use crate::app::App;
use crate::audit::{self, Event};
use crate::auth::session::Authenticated;
use crate::crypto::seal::SealError;
use crate::domain::audit_action::AuditAction;
use crate::domain::department::Department;
use crate::domain::ids::CaseId;
use crate::duty_log::{self, DutyEvent};
use crate::error::{Answer, Arg, ErrorKind, Fragment, UserError};
use crate::policy::grants::{self, Grant};
use crate::policy::{self, Action, Actor, ActorKind, CaseFacts, Decision, Reason};
use crate::store::StoreError;
use crate::store::accounts::AccountKind;
use crate::store::cases::{self, CaseRow};
use crate::store::consents::ConsentRow;
use crate::store::participants::ParticipantRow;

/// What the case services refuse or fail with; how each answers is [`UserError::answer`].
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    #[error("denied: {}", .0.code())]
    Denied(Reason),
    /// A field that cannot be taken as it is: `key` names the fragment saying why.
    #[error("invalid {field}: {key}")]
    Invalid {
        field: &'static str,
        key: &'static str,
        args: Vec<(&'static str, Arg)>,
    },
    /// A change that clashes with what is already there: `key` names the sentence.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// The young person already has a case the caller has no part in: the answer names only the
    /// coordinator's department, to contact (never the case, the coordinator or its details).
    #[error("case held by the {} department", .0.as_str())]
    HeldElsewhere(Department),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("sealing failed")]
    Seal(#[from] SealError),
}

impl CaseError {
    /// A change that clashes with what is already there (`conflict.*` key).
    pub fn conflict(key: &'static str) -> Self {
        Self::Conflict(key)
    }

    /// A field that cannot be taken as it is (`invalid.*` key: a fragment).
    pub fn invalid(field: &'static str, key: &'static str) -> Self {
        Self::Invalid {
            field,
            key,
            args: Vec::new(),
        }
    }

    /// The same with values filled into the fragment, e.g. `{max}`.
    pub fn invalid_with(
        field: &'static str,
        key: &'static str,
        args: Vec<(&'static str, Arg)>,
    ) -> Self {
        Self::Invalid { field, key, args }
    }

    /// A field a domain type would not parse: the domain error says why.
    pub fn rejected(field: &'static str, why: &impl Fragment) -> Self {
        Self::invalid_with(field, why.key(), why.args())
    }
}

impl UserError for CaseError {
    fn answer(&self) -> Answer {
        match self {
            // A stranger must not learn that the case exists: the same 404 as no case.
            Self::Denied(reason) if reason.hides_existence() => Answer::not_found(),
            Self::Denied(reason) => Answer::new(ErrorKind::Forbidden, "forbidden", reason.key())
                .with("reason", reason.code()),
            Self::Invalid { field, key, args } => {
                let mut answer = Answer::invalid(field, key);
                answer.args.clone_from(args);
                answer
            }
            Self::Conflict(key) => Answer::new(ErrorKind::Conflict, "conflict", key),
            Self::HeldElsewhere(department) => {
                Answer::new(ErrorKind::Conflict, "conflict", "conflict.case_elsewhere")
                    .arg(
                        "department",
                        Arg::Keys(vec![format!("dept.{}", department.as_str())]),
                    )
                    .with("reason", "case_elsewhere")
                    .with("department", department)
            }
            Self::Store(e) => e.answer(),
            Self::Seal(_) => Answer::internal(),
        }
    }
}

pub type CaseResult<T> = Result<T, CaseError>;

/// The policy's view of who is asking.
pub fn actor_of(who: &Authenticated) -> Actor {
    let kind = match who.account.kind {
        AccountKind::Staff => ActorKind::Staff {
            municipality: who.account.municipality_id.unwrap_or_default(),
            is_admin: who.account.is_admin,
            may_create_cases: who.account.may_create_cases,
        },
        AccountKind::Citizen => ActorKind::Citizen {
            assurance: who.session.assurance_level,
        },
    };
    Actor {
        account: who.account.id,
        kind,
    }
}

/// A case with everything known about it, loaded for one request.
pub struct LoadedCase {
    pub row: CaseRow,
    pub facts: CaseFacts,
    pub participants: Vec<ParticipantRow>,
    pub consents: Vec<ConsentRow>,
}

/// Loads the case and asks the policy whether `actor` may do `action` on it. A case that does
/// not exist and one the actor may not know about look the same (NotFound).
pub async fn authorize(
    state: &App,
    actor: &Actor,
    action: Action,
    id: CaseId,
) -> CaseResult<LoadedCase> {
    decide_on(state, actor, action, id, true).await
}

/// `authorize` without an access-log row for a refusal: for showing the outcome of a change
/// (already recorded) to the one who made it.
pub async fn authorize_quietly(
    state: &App,
    actor: &Actor,
    action: Action,
    id: CaseId,
) -> CaseResult<LoadedCase> {
    decide_on(state, actor, action, id, false).await
}

async fn decide_on(
    state: &App,
    actor: &Actor,
    action: Action,
    id: CaseId,
    record_denial: bool,
) -> CaseResult<LoadedCase> {
    let loaded = cases::load(&state.db, id).await?;
    let facts = loaded.as_ref().map(|(_, facts, _, _)| facts);
    match policy::decide(
        actor,
        action,
        facts,
        state.settings.consent.custody_rule,
        state.clock.now(),
    ) {
        Decision::Allow => {
            let (row, facts, participants, consents) =
                loaded.ok_or(CaseError::Denied(Reason::NotFound))?;
            Ok(LoadedCase {
                row,
                facts,
                participants,
                consents,
            })
        }
        Decision::Deny(reason) => {
            if let Some((row, facts, _, _)) = loaded.as_ref().filter(|_| record_denial) {
                // The attempt, never what it carried: who, on which case, and the reason.
                let event =
                    Event::on_case(AuditAction::Denied, state.clock.now(), actor, row.id, facts)
                        .denied(reason.code());
                audit::record_alone(&state.db, &event).await?;
            }
            Err(CaseError::Denied(reason))
        }
    }
}

/// The access-log event of `actor` doing `action` on the loaded case, now.
pub fn event(state: &App, actor: &Actor, action: AuditAction, case: &LoadedCase) -> Event {
    Event::on_case(action, state.clock.now(), actor, case.row.id, &case.facts)
}

/// The policy's decision on an already loaded case (for lists and what a view offers).
pub fn decision(state: &App, actor: &Actor, action: Action, case: &LoadedCase) -> Decision {
    policy::decide(
        actor,
        action,
        Some(&case.facts),
        state.settings.consent.custody_rule,
        state.clock.now(),
    )
}

pub fn allows(state: &App, actor: &Actor, action: Action, case: &LoadedCase) -> bool {
    decision(state, actor, action, case).is_allowed()
}

/// Asks the policy whether `grant` may be made on `case` (None: creating one); a refusal of
/// self-granting is recorded for the audit trail.
pub async fn check_grant(
    state: &App,
    actor: &Actor,
    grant: Grant,
    case: Option<&LoadedCase>,
) -> CaseResult<()> {
    let decision = grants::decide_grant(
        actor,
        grant,
        case.map(|c| &c.facts),
        state.settings.consent.custody_rule,
        state.clock.now(),
    );
    match decision {
        Decision::Allow => Ok(()),
        Decision::Deny(reason) => {
            if reason.refuses_self_granting() {
                let on = case.map(|c| (c.row.id, &c.facts));
                let event = DutyEvent::SelfGrantRefused(reason.clone());
                duty_log::record(state, actor, on, &event).await?;
            }
            Err(CaseError::Denied(reason))
        }
    }
}

/// The lookup hash of the actor's own CPR number, if known (see `store::staff_duties`).
pub async fn own_cpr_hash(state: &App, actor: &Actor) -> CaseResult<Option<String>> {
    Ok(crate::store::staff_duties::own_cpr_hash(&state.db, actor.account).await?)
}

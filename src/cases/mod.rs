//! The case services: what handlers call. Each loads the facts, asks the policy, and only then
//! reads or changes anything. Services never see HTTP types; handlers never decide access.

pub mod consents;
pub mod create;
pub mod lifecycle;
pub mod participants;
pub mod view;

use crate::app::App;
use crate::auth::session::Authenticated;
use crate::domain::ids::CaseId;
use crate::policy::{self, Action, Actor, ActorKind, CaseFacts, Decision, Reason};
use crate::store::StoreError;
use crate::store::accounts::AccountKind;
use crate::store::cases::{self, CaseRow};
use crate::store::consents::ConsentRow;
use crate::store::participants::ParticipantRow;

#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    #[error("denied: {}", .0.code())]
    Denied(Reason),
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
        /// The same in Danish: the pages speak Danish first.
        danish: String,
    },
    #[error("{message}")]
    Conflict { message: String, danish: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Internal(String),
}

impl CaseError {
    /// A change that clashes with what is already there, in English and Danish.
    pub fn conflict(english: impl ToString, danish: impl ToString) -> Self {
        Self::Conflict {
            message: english.to_string(),
            danish: danish.to_string(),
        }
    }

    /// A field that cannot be taken as it is, said in English (the API's `detail`) and Danish.
    pub fn invalid(field: &'static str, english: impl ToString, danish: impl ToString) -> Self {
        Self::Invalid {
            field,
            message: english.to_string(),
            danish: danish.to_string(),
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
        Decision::Deny(reason) => Err(CaseError::Denied(reason)),
    }
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

//! The admin's view of one staff member's access (issue #16): every case they coordinate or take
//! part in, their part, access and department there, and whether sharing lets them read its
//! documents now. Never a document's title or content: the admin manages access, not papers.

use crate::app::App;
use crate::cases::{CaseError, CaseResult};
use crate::domain::access::Access;
use crate::domain::case_status::CaseStatus;
use crate::domain::department::Department;
use crate::domain::ids::{AccountId, CaseId};
use crate::policy::staff::{StaffAction, StaffTarget, decide_staff};
use crate::policy::{self, Action, Actor, ActorKind, Decision, Reason};
use crate::store::{StoreError, accounts, cases};
use serde::Serialize;

/// A staff member and the cases they can reach.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StaffGrants {
    pub account_id: AccountId,
    pub name: String,
    pub email: String,
    pub department: Department,
    pub is_active: bool,
    pub is_admin: bool,
    pub cases: Vec<CaseGrant>,
}

/// One case as it concerns the staff member.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseGrant {
    pub case_id: CaseId,
    pub young_person_name: String,
    pub status: CaseStatus,
    /// `coordinator`, or their role on the team (`professional`).
    pub part: String,
    pub access: Access,
    /// Whether the consents given let them read the case's documents today.
    pub may_read: bool,
}

/// `target`'s grants, for an admin of their municipality (`StaffAction::ViewGrants`).
pub async fn for_staff(state: &App, actor: &Actor, target: AccountId) -> CaseResult<StaffGrants> {
    let account = match accounts::find(&state.db, target).await {
        Ok(account) if account.kind == accounts::AccountKind::Staff => Some(account),
        Ok(_) | Err(StoreError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    let facts = account.as_ref().map(|a| StaffTarget {
        account: a.id,
        municipality: a.municipality_id,
    });
    if let Decision::Deny(reason) = decide_staff(actor, StaffAction::ViewGrants, facts.as_ref()) {
        return Err(CaseError::Denied(reason));
    }
    let account = account.ok_or(CaseError::Denied(Reason::NotFound))?;
    let department = accounts::find_staff_department(&state.db, account.id).await?;
    let email = accounts::find_staff_email(&state.db, account.id).await?;
    let as_them = actor_for(&account);
    let mut grants = Vec::new();
    for id in cases::ids_for_account(&state.db, account.id).await? {
        let Some((row, facts, _, _)) = cases::load(&state.db, id).await? else {
            continue;
        };
        let (part, access) = if facts.coordinator == account.id {
            ("coordinator".to_owned(), Access::Write)
        } else {
            match facts
                .participants
                .iter()
                .find(|p| p.account == Some(account.id))
            {
                Some(p) => (p.role.as_str().to_owned(), p.access),
                None => continue,
            }
        };
        let may_read = may_read(state, &as_them, &facts);
        grants.push(CaseGrant {
            case_id: row.id,
            young_person_name: row.young_person_name,
            status: row.status,
            part,
            access,
            may_read,
        });
    }
    Ok(StaffGrants {
        account_id: account.id,
        name: account.name,
        email,
        department,
        is_active: account.is_active,
        is_admin: account.is_admin,
        cases: grants,
    })
}

/// What moving a staff member to `department` would change (issue #16, movers): for each case
/// they can reach, whether they may read its documents now and after the move. Nothing is saved.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MovePreview {
    pub account_id: AccountId,
    pub department_now: Department,
    pub department_after: Department,
    pub cases: Vec<MoveEffect>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MoveEffect {
    pub case_id: CaseId,
    pub young_person_name: String,
    pub may_read_now: bool,
    pub may_read_after: bool,
}

/// The preview for an admin who may move `target` (`StaffAction::SetDepartment`: never oneself).
pub async fn preview_move(
    state: &App,
    actor: &Actor,
    target: AccountId,
    department: Department,
) -> CaseResult<MovePreview> {
    let now = for_staff(state, actor, target).await?;
    let account = accounts::find(&state.db, target).await?;
    let moving = StaffTarget {
        account: account.id,
        municipality: account.municipality_id,
    };
    if let Decision::Deny(reason) = decide_staff(actor, StaffAction::SetDepartment, Some(&moving)) {
        return Err(CaseError::Denied(reason));
    }
    let as_them = actor_for(&account);
    let mut effects = Vec::new();
    for grant in &now.cases {
        let Some((_, mut facts, _, _)) = cases::load(&state.db, grant.case_id).await? else {
            continue;
        };
        // A professional's department on a case is their staff account's: move it there too.
        for participant in &mut facts.participants {
            if participant.account == Some(target) && participant.department.is_some() {
                participant.department = Some(department);
            }
        }
        effects.push(MoveEffect {
            case_id: grant.case_id,
            young_person_name: grant.young_person_name.clone(),
            may_read_now: grant.may_read,
            may_read_after: may_read(state, &as_them, &facts),
        });
    }
    Ok(MovePreview {
        account_id: target,
        department_now: now.department,
        department_after: department,
        cases: effects,
    })
}

/// The staff member as the policy sees them when they ask for a case themselves.
fn actor_for(account: &accounts::Account) -> Actor {
    Actor {
        account: account.id,
        kind: ActorKind::Staff {
            municipality: account.municipality_id.unwrap_or_default(),
            is_admin: account.is_admin,
            may_create_cases: account.may_create_cases,
        },
    }
}

/// Whether `as_them` may read the documents of the case `facts` describe, now.
fn may_read(state: &App, as_them: &Actor, facts: &policy::CaseFacts) -> bool {
    policy::decide(
        as_them,
        Action::ReadDocuments,
        Some(facts),
        state.settings.consent.custody_rule,
        state.clock.now(),
    )
    .is_allowed()
}

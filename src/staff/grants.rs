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
    // The staff member as the policy sees them when they ask for a case themselves.
    let as_them = Actor {
        account: account.id,
        kind: ActorKind::Staff {
            municipality: account.municipality_id.unwrap_or_default(),
            is_admin: account.is_admin,
            may_create_cases: account.may_create_cases,
        },
    };
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
        let may_read = policy::decide(
            &as_them,
            Action::ReadDocuments,
            Some(&facts),
            state.settings.consent.custody_rule,
            state.clock.now(),
        )
        .is_allowed();
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

//! Who may do what with staff accounts (DESIGN.md §3 rule 6: admins manage, they do not read):
//! the second pure decision beside `decide`, for actions that concern a staff member rather than
//! a case.
//!
//! The rules:
//! 1. Citizens do nothing here (403 StaffOnly).
//! 2. Any staff member may search their own municipality's staff (to add a colleague to a case).
//! 3. Only admins manage staff: open the admin pages, deactivate or reactivate, set or clear the
//!    admin or case-creating flag, change a department (403 AdminOnly). A department decides
//!    which consents cover a professional, so changing it is an admin's act, recorded.
//! 4. A target in another municipality, or that is not staff, does not exist for the actor (404).
//! 5. Nobody changes their own account, flags or department: nobody deactivates or demotes
//!    themselves (a municipality must not lose its last admin by a slip), and nobody reactivates,
//!    promotes or moves themselves either: an account can only ever be given more by someone
//!    else (403 OwnAccount).
//! 6. The municipality's directory (SCIM, `decide_directory`) creates, changes, deactivates and
//!    deletes its own municipality's staff; staff elsewhere, and citizens, do not exist for it
//!    (404). It never sets the admin or case-creating flag: those stay admins' decisions, so a
//!    directory cannot make anyone an admin.

use super::{Actor, ActorKind, Decision, Reason};
use crate::domain::ids::{AccountId, MunicipalityId};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffAction {
    /// Search the municipality's staff by name or e-mail.
    Search,
    /// Open the admin's staff pages.
    Administer,
    /// Set `is_active` of the target.
    SetActive(bool),
    /// Set `is_admin` of the target.
    SetAdmin(bool),
    /// Set `may_create_cases` of the target.
    SetMayCreateCases(bool),
    /// Move the target to another department.
    SetDepartment,
    /// See which cases the target takes part in, and whether they can read there (no document
    /// titles or content); one's own too, as it changes nothing.
    ViewGrants,
}

/// The staff member an action is about, as far as the rules need to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaffTarget {
    pub account: AccountId,
    /// None when the account is a citizen's.
    pub municipality: Option<MunicipalityId>,
}

/// The one decision every staff action goes through. `target` is the account the action
/// changes (None for search and the admin pages, and for an account that does not exist).
pub fn decide_staff(actor: &Actor, action: StaffAction, target: Option<&StaffTarget>) -> Decision {
    use Decision::{Allow, Deny};
    let ActorKind::Staff {
        municipality,
        is_admin,
        ..
    } = actor.kind
    else {
        return Deny(Reason::StaffOnly);
    };
    match action {
        StaffAction::Search => return Allow,
        _ if !is_admin => return Deny(Reason::AdminOnly),
        StaffAction::Administer => return Allow,
        StaffAction::ViewGrants => {
            return match target {
                Some(target) if target.municipality == Some(municipality) => Allow,
                _ => Deny(Reason::NotFound),
            };
        }
        StaffAction::SetActive(_)
        | StaffAction::SetAdmin(_)
        | StaffAction::SetMayCreateCases(_)
        | StaffAction::SetDepartment => {}
    }
    match target {
        Some(target) if target.municipality == Some(municipality) => {
            if target.account == actor.account {
                Deny(Reason::OwnAccount)
            } else {
                Allow
            }
        }
        _ => Deny(Reason::NotFound),
    }
}

/// The one decision the directory's provisioning goes through (rule 6). `target` is the account
/// it changes (None when creating one).
pub fn decide_directory(municipality: MunicipalityId, target: Option<&StaffTarget>) -> Decision {
    match target {
        None => Decision::Allow,
        Some(target) if target.municipality == Some(municipality) => Decision::Allow,
        Some(_) => Decision::Deny(Reason::NotFound),
    }
}

#[cfg(test)]
mod tests;

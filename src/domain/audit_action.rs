//! The access log's vocabulary (issue #11): what was done, as stored in `audit_events.action`,
//! and the actor's part at that moment (`actor_role`).

use super::unknown_value::words;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Login,
    LoginRefused,
    Logout,
    ViewCase,
    ListDocuments,
    ViewDocument,
    DownloadDocument,
    UploadDocument,
    NewVersion,
    RenameDocument,
    DeleteDocument,
    AddParticipant,
    ChangeAccess,
    RemoveParticipant,
    GrantParentAccess,
    GiveConsent,
    RecordPaperConsent,
    WithdrawConsent,
    HandOver,
    CloseCase,
    ReopenCase,
    ChangeStaffFlags,
    /// An admin moved a staff member to another department (which decides what they may read).
    ChangeDepartment,
    /// A case action the policy refused (the policy's action is not copied: the reason says why).
    Denied,
    /// An admin searched the municipality's log (the filters are not copied).
    SearchAuditLog,
    /// An admin exported the municipality's log as CSV (the filters are not copied).
    ExportAuditLog,
    /// A login identity (issuer, subject) was linked to the account.
    LinkIdentity,
    /// A staff account was created (by an admin, or by the operator's command line).
    CreateStaff,
    /// A consent passed its end date (recorded by the sweeper, once).
    ExpireConsent,
    /// The case was crypto-shredded (`vejviser case erase`).
    EraseCase,
    /// The master keys were rotated (`vejviser keys rotate-master`).
    RotateKeys,
    /// The coordinator's access review kept a participant's access as it is.
    ConfirmAccess,
    /// A staff member's name or e-mail was changed (by the municipality's directory).
    ChangeStaffDetails,
    /// The municipality's directory deleted a staff member: deactivated, off every team, kept
    /// for the access log.
    RemoveStaff,
    /// The scrub found a stored version that no longer decrypts to what was uploaded (recorded
    /// once a version, by the role operator).
    IntegrityFailure,
}

words!(AuditAction, "audit action", {
    Login => "login",
    LoginRefused => "login_refused",
    Logout => "logout",
    ViewCase => "view_case",
    ListDocuments => "list_documents",
    ViewDocument => "view_document",
    DownloadDocument => "download_document",
    UploadDocument => "upload_document",
    NewVersion => "new_version",
    RenameDocument => "rename_document",
    DeleteDocument => "delete_document",
    AddParticipant => "add_participant",
    ChangeAccess => "change_access",
    RemoveParticipant => "remove_participant",
    GrantParentAccess => "grant_parent_access",
    GiveConsent => "give_consent",
    RecordPaperConsent => "record_paper_consent",
    WithdrawConsent => "withdraw_consent",
    HandOver => "hand_over",
    CloseCase => "close_case",
    ReopenCase => "reopen_case",
    ChangeStaffFlags => "change_staff_flags",
    ChangeDepartment => "change_department",
    Denied => "denied",
    SearchAuditLog => "search_audit_log",
    ExportAuditLog => "export_audit_log",
    LinkIdentity => "link_identity",
    CreateStaff => "create_staff",
    ExpireConsent => "expire_consent",
    EraseCase => "erase_case",
    RotateKeys => "rotate_keys",
    ConfirmAccess => "confirm_access",
    ChangeStaffDetails => "change_staff_details",
    RemoveStaff => "remove_staff",
    IntegrityFailure => "integrity_failure",
});

/// Who the actor was in the case when they acted (a participant's role, or their staff part).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorRole {
    Coordinator,
    Admin,
    /// Staff with no part in the case.
    Staff,
    Professional,
    YoungPerson,
    Parent,
    TrustedAdult,
    /// A citizen with no part in the case (or a login, outside any case).
    Citizen,
    /// The service's operator (a command-line action) or the service itself (a sweep).
    Operator,
    /// The municipality's directory, provisioning staff over SCIM (no account acts).
    Directory,
}

words!(ActorRole, "actor role", {
    Coordinator => "coordinator",
    Admin => "admin",
    Staff => "staff",
    Professional => "professional",
    YoungPerson => "young_person",
    Parent => "parent",
    TrustedAdult => "trusted_adult",
    Citizen => "citizen",
    Operator => "operator",
    Directory => "directory",
});

impl From<super::role::Role> for ActorRole {
    fn from(role: super::role::Role) -> Self {
        use super::role::Role;
        match role {
            Role::Professional => Self::Professional,
            Role::YoungPerson => Self::YoungPerson,
            Role::Parent => Self::Parent,
            Role::TrustedAdult => Self::TrustedAdult,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_round_trips() {
        for action in AuditAction::ALL {
            assert_eq!(action.as_str().parse::<AuditAction>(), Ok(*action));
        }
        for role in ActorRole::ALL {
            assert_eq!(role.as_str().parse::<ActorRole>(), Ok(*role));
        }
        assert!("drop_table".parse::<AuditAction>().is_err());
    }
}

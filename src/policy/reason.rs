//! Why access is denied: a code for programs, the catalogue key of a sentence for people, and
//! whether the denial must hide that the case exists (404) or may say why (403).

use super::Missing;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// No role in the case, another municipality, or an erased case: it does not exist for you.
    NotFound,
    StaffOnly,
    CoordinatorOnly,
    /// Managing staff accounts is for the municipality's admins.
    AdminOnly,
    /// Nobody changes their own account's flags: more can only be given by someone else.
    OwnAccount,
    AdminNoDocuments,
    AssuranceTooLow,
    ParentAccessEnded,
    AwaitingConsent(Vec<Missing>),
    OutsideConsentScope,
    ReadOnly,
    CaseClosed,
    NotAConsenter,
    /// Creating cases needs the staff flag `may_create_cases`.
    MayNotCreateCases,
    /// A hand-over names another staff member, never the actor.
    SelfHandOver,
    /// Nobody adds their own account to a case.
    SelfParticipant,
    /// Nobody changes their own access to a case.
    OwnAccess,
    /// A citizen identity the actor controls (their own CPR number) is never theirs to add,
    /// consent for, or open a case about.
    OwnIdentity,
    /// Nobody grants a parent's access to their own participation.
    SelfGrant,
}

impl Reason {
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::StaffOnly => "staff_only",
            Self::CoordinatorOnly => "coordinator_only",
            Self::AdminOnly => "admin_only",
            Self::OwnAccount => "own_account",
            Self::AdminNoDocuments => "admin_no_documents",
            Self::AssuranceTooLow => "assurance_too_low",
            Self::ParentAccessEnded => "parent_access_ended",
            Self::AwaitingConsent(_) => "awaiting_consent",
            Self::OutsideConsentScope => "outside_consent_scope",
            Self::ReadOnly => "read_only",
            Self::CaseClosed => "case_closed",
            Self::NotAConsenter => "not_a_consenter",
            Self::MayNotCreateCases => "may_not_create_cases",
            Self::SelfHandOver => "self_hand_over",
            Self::SelfParticipant => "self_participant",
            Self::OwnAccess => "own_access",
            Self::OwnIdentity => "own_identity",
            Self::SelfGrant => "self_grant",
        }
    }

    /// A refusal to widen the actor's own access (recorded for the audit trail).
    pub fn refuses_self_granting(&self) -> bool {
        matches!(
            self,
            Self::SelfHandOver
                | Self::SelfParticipant
                | Self::OwnAccess
                | Self::OwnIdentity
                | Self::SelfGrant
                | Self::OwnAccount
        )
    }

    /// 404 rather than 403: a stranger must not learn that a case (or a CPR number) exists.
    pub fn hides_existence(&self) -> bool {
        matches!(self, Self::NotFound)
    }

    /// The catalogue key of the sentence saying why (`reason.<code>`, `i18n/*.toml`).
    pub fn key(&self) -> &'static str {
        match self {
            Self::NotFound => "reason.not_found",
            Self::StaffOnly => "reason.staff_only",
            Self::CoordinatorOnly => "reason.coordinator_only",
            Self::AdminOnly => "reason.admin_only",
            Self::OwnAccount => "reason.own_account",
            Self::AdminNoDocuments => "reason.admin_no_documents",
            Self::AssuranceTooLow => "reason.assurance_too_low",
            Self::ParentAccessEnded => "reason.parent_access_ended",
            Self::AwaitingConsent(missing)
                if missing
                    .iter()
                    .all(|m| matches!(m, Missing::ConsentCustodyHolder { .. })) =>
            {
                "reason.awaiting_consent.parents"
            }
            Self::AwaitingConsent(missing) if missing.len() == 1 => {
                "reason.awaiting_consent.young_person"
            }
            Self::AwaitingConsent(_) => "reason.awaiting_consent",
            Self::OutsideConsentScope => "reason.outside_consent_scope",
            Self::ReadOnly => "reason.read_only",
            Self::CaseClosed => "reason.case_closed",
            Self::NotAConsenter => "reason.not_a_consenter",
            Self::MayNotCreateCases => "reason.may_not_create_cases",
            Self::SelfHandOver => "reason.self_hand_over",
            Self::SelfParticipant => "reason.self_participant",
            Self::OwnAccess => "reason.own_access",
            Self::OwnIdentity => "reason.own_identity",
            Self::SelfGrant => "reason.self_grant",
        }
    }
}

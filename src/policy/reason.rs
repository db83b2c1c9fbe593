//! Why access is denied: a code for programs, a sentence for people in Danish and English, and
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
        }
    }

    /// 404 rather than 403: a stranger must not learn that a case (or a CPR number) exists.
    pub fn hides_existence(&self) -> bool {
        matches!(self, Self::NotFound)
    }

    pub fn danish(&self) -> &'static str {
        match self {
            Self::NotFound => "Sagen findes ikke, eller du har ikke adgang til den.",
            Self::StaffOnly => "Kun kommunens medarbejdere kan gøre dette.",
            Self::CoordinatorOnly => "Kun sagens koordinator kan gøre dette.",
            Self::AdminOnly => "Kun kommunens administratorer kan gøre dette.",
            Self::OwnAccount => {
                "Du kan ikke ændre din egen brugers adgang. Bed en anden administrator om det."
            }
            Self::AdminNoDocuments => {
                "Administratorer kan ikke se sagens papirer, medmindre de selv er med i sagen."
            }
            Self::AssuranceTooLow => "Log på med MitID på mindst betydeligt sikringsniveau.",
            Self::ParentAccessEnded => {
                "Den unge er fyldt 18 år, så forældres adgang er ophørt, medmindre den unge giver den igen."
            }
            Self::AwaitingConsent(missing)
                if missing
                    .iter()
                    .all(|m| matches!(m, Missing::ConsentCustodyHolder { .. })) =>
            {
                "Afventer samtykke fra forældre."
            }
            Self::AwaitingConsent(missing) if missing.len() == 1 => {
                "Afventer samtykke fra den unge."
            }
            Self::AwaitingConsent(_) => "Afventer samtykke fra den unge og forældre.",
            Self::OutsideConsentScope => "Samtykket omfatter ikke din afdeling.",
            Self::ReadOnly => "Du har kun læseadgang til sagen.",
            Self::CaseClosed => "Sagen er lukket og kan kun læses.",
            Self::NotAConsenter => "Du kan ikke give samtykke i denne sag.",
        }
    }

    pub fn english(&self) -> &'static str {
        match self {
            Self::NotFound => "The case does not exist, or you have no access to it.",
            Self::StaffOnly => "Only the municipality's staff can do this.",
            Self::CoordinatorOnly => "Only the case's coordinator can do this.",
            Self::AdminOnly => "Only the municipality's administrators can do this.",
            Self::OwnAccount => {
                "You cannot change your own account's access. Ask another administrator."
            }
            Self::AdminNoDocuments => {
                "Admins cannot see the case's papers unless they take part in the case."
            }
            Self::AssuranceTooLow => "Log in with MitID at assurance level Substantial or higher.",
            Self::ParentAccessEnded => {
                "The young person has turned 18, so parents' access has ended unless the young person grants it again."
            }
            Self::AwaitingConsent(missing)
                if missing
                    .iter()
                    .all(|m| matches!(m, Missing::ConsentCustodyHolder { .. })) =>
            {
                "Awaiting consent from the parents."
            }
            Self::AwaitingConsent(missing) if missing.len() == 1 => {
                "Awaiting consent from the young person."
            }
            Self::AwaitingConsent(_) => "Awaiting consent from the young person and the parents.",
            Self::OutsideConsentScope => "The consent does not cover your department.",
            Self::ReadOnly => "You have read-only access to the case.",
            Self::CaseClosed => "The case is closed and can only be read.",
            Self::NotAConsenter => "You cannot give consent in this case.",
        }
    }
}

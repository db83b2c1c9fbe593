//! What a sealed value or a keyed lookup is for. The purpose's label is bound into the sealing
//! (as associated data) or the HMAC, so a value sealed for one column never opens in another, and
//! a lookup hash of one kind of value never matches another's. The labels are stored meaning:
//! changing one makes every existing value unreadable.

use std::borrow::Cow;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SealPurpose {
    /// `accounts.cpr_sealed`: a citizen's CPR number.
    AccountCpr,
    /// `cases.young_person_cpr_sealed`: the young person's CPR number on the case.
    CaseCpr,
    /// `staff_credentials.totp_sealed` and `totp_pending_sealed`: a staff member's TOTP secret.
    StaffTotp,
    /// `case_keys`: a case key, wrapped by a master key, bound to its case.
    CaseKey(Uuid),
    /// A version's data key, wrapped by its case key, bound to the version.
    DataKey(Uuid),
    /// `documents.title_sealed`: a document's title, sealed by its case key, bound to the document.
    DocumentTitle(Uuid),
    /// `document_versions.file_name_sealed`: the name a version is offered under, bound to it.
    VersionFileName(Uuid),
    /// `document_versions.note_sealed`: the uploader's note on a version, bound to it.
    VersionNote(Uuid),
    /// `sessions.id_token_sealed`: the ID token a login was made with (the logout's hint).
    SessionIdToken,
}

impl SealPurpose {
    pub fn label(self) -> Cow<'static, str> {
        match self {
            Self::AccountCpr => "account.cpr".into(),
            Self::CaseCpr => "case.cpr".into(),
            Self::StaffTotp => "staff.totp".into(),
            Self::CaseKey(case) => format!("case-key:{case}").into(),
            Self::DataKey(version) => format!("data-key:{version}").into(),
            Self::DocumentTitle(document) => format!("document-title:{document}").into(),
            Self::VersionFileName(version) => format!("version-file-name:{version}").into(),
            Self::VersionNote(version) => format!("version-note:{version}").into(),
            Self::SessionIdToken => "session.id-token".into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LookupPurpose {
    /// A CPR number, wherever it is looked up: a citizen's account at login and an invitation to
    /// a case (or the case itself) must hash alike, or an invited citizen is never linked.
    Cpr,
}

impl LookupPurpose {
    pub fn label(self) -> &'static str {
        match self {
            Self::Cpr => "cpr",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_the_stored_ones_and_all_differ() {
        let case = Uuid::nil();
        let labels = [
            SealPurpose::AccountCpr.label(),
            SealPurpose::CaseCpr.label(),
            SealPurpose::StaffTotp.label(),
            SealPurpose::CaseKey(case).label(),
            SealPurpose::DataKey(case).label(),
            SealPurpose::DocumentTitle(case).label(),
            SealPurpose::VersionFileName(case).label(),
            SealPurpose::VersionNote(case).label(),
        ];
        assert_eq!(labels[0], "account.cpr");
        assert_eq!(labels[1], "case.cpr");
        assert_eq!(labels[2], "staff.totp");
        assert_eq!(labels[3], format!("case-key:{case}"));
        assert_eq!(labels[4], format!("data-key:{case}"));
        assert_eq!(labels[5], format!("document-title:{case}"));
        assert_eq!(labels[6], format!("version-file-name:{case}"));
        assert_eq!(labels[7], format!("version-note:{case}"));
        let distinct: std::collections::BTreeSet<_> = labels.iter().collect();
        assert_eq!(distinct.len(), labels.len());
        assert_eq!(LookupPurpose::Cpr.label(), "cpr");
    }
}

//! What the case page says about consent, worded for its reader: to the young person "Du har
//! ikke givet samtykke endnu", to a custody holder "Vi mangler dit samtykke" (and that it is
//! theirs to give as custody holder), to a professional who the young person withdrew and when,
//! and a green "shared" banner only to someone the consent actually shares with.

use super::display::{long_date, scope_labels};
use crate::cases::view::{CaseView, ConsentView};
use crate::i18n::{Catalogue, Lang};

pub enum ConsentStatus {
    /// The reader's own consent is active.
    Given {
        consent_id: String,
        given_on: String,
        scope: String,
    },
    /// The reader may consent and has not (or withdrew: `withdrawn_on`).
    NotGiven {
        as_parent: bool,
        withdrawn_on: Option<String>,
    },
    /// Shared, and with the reader.
    Shared,
    /// Shared, but not with the reader (outside the consent's scope, or an admin).
    NotForYou,
    /// The young person withdrew (on the day given), so nothing is shared.
    WithdrawnByYoungPerson { on: String },
    /// Nothing is shared yet: the case page lists what is missing.
    Awaiting,
}

impl ConsentStatus {
    pub fn of(case: &CaseView, lang: Lang, t: &Catalogue) -> Self {
        if case.permissions.give_consent {
            let own = own_consents(case);
            if let Some(active) = own.iter().find(|c| c.active) {
                return Self::Given {
                    consent_id: active.id.clone(),
                    given_on: long_date(&active.valid_from, lang),
                    scope: scope_labels(t, &active.scope),
                };
            }
            return Self::NotGiven {
                as_parent: case.my_role == "parent",
                withdrawn_on: own
                    .first()
                    .and_then(|c| c.withdrawn_at.as_deref())
                    .map(|at| long_date(at, lang)),
            };
        }
        if case.sharing.permitted {
            return if case.permissions.read_documents {
                Self::Shared
            } else {
                Self::NotForYou
            };
        }
        let young_person_active = case
            .consents
            .iter()
            .any(|c| c.giver == "young_person" && c.active);
        let last_withdrawal = case
            .consents
            .iter()
            .filter(|c| c.giver == "young_person")
            .filter_map(|c| c.withdrawn_at.as_deref())
            .max();
        match last_withdrawal {
            Some(at) if !young_person_active => Self::WithdrawnByYoungPerson {
                on: long_date(at, lang),
            },
            _ => Self::Awaiting,
        }
    }
}

/// The caller's own consents on the case, newest first.
pub(super) fn own_consents(case: &CaseView) -> Vec<&ConsentView> {
    let mut own: Vec<&ConsentView> = case
        .consents
        .iter()
        .filter(|c| match case.my_role.as_str() {
            "young_person" => c.giver == "young_person",
            _ => Some(&c.given_by_participant_id) == case.my_participant_id.as_ref(),
        })
        .collect();
    own.sort_by(|a, b| b.valid_from.cmp(&a.valid_from));
    own
}

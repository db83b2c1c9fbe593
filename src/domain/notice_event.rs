//! What a notification is about. Each event names who hears of it (DESIGN.md §6); the mail
//! says only that something changed in "a case you take part in", never what or by whom.

use super::unknown_value::words;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoticeEvent {
    /// A new document: every participant who may read it, but its author.
    DocumentAdded,
    /// A new version of a document: the same readers.
    DocumentVersion,
    /// The participant who was added.
    ParticipantAdded,
    /// The participant whose access changed.
    AccessChanged,
    /// The coordinator, when a consent is given or recorded.
    ConsentGiven,
    /// The coordinator, when a consent is withdrawn.
    ConsentWithdrawn,
    /// The coordinator, a week after a custody holder joined without consenting (a reminder).
    ConsentMissing,
    /// The coordinator and the young person, six months before the 18th birthday (a reminder).
    TurningEighteen,
    /// The coordinator, when a consent's last day has passed (a reminder).
    ConsentExpired,
    /// The coordinator, at most once a case a day, when an admin or someone with no part in
    /// the case acted on it (or tried to): the access log says who.
    OutsiderAccess,
    /// The coordinator, once an overdue period, when a case's access review is due (a reminder).
    AccessReviewDue,
    /// A daily recipient's one message a day about the document changes held for it.
    Digest,
    /// The link that confirms an address the person typed: the one message sent to an
    /// unconfirmed address.
    AddressConfirmation,
}

words!(NoticeEvent, "notification event", {
    DocumentAdded => "document_added",
    DocumentVersion => "document_version",
    ParticipantAdded => "participant_added",
    AccessChanged => "access_changed",
    ConsentGiven => "consent_given",
    ConsentWithdrawn => "consent_withdrawn",
    ConsentMissing => "consent_missing",
    TurningEighteen => "turning_eighteen",
    ConsentExpired => "consent_expired",
    OutsiderAccess => "outsider_access",
    AccessReviewDue => "access_review_due",
    Digest => "digest",
    AddressConfirmation => "address_confirmation",
});

impl NoticeEvent {
    /// Whether the recipient must be able to read the case's documents (else: see the case).
    pub fn about_documents(self) -> bool {
        matches!(self, Self::DocumentAdded | Self::DocumentVersion)
    }

    /// Whether the message is about no one case (it has no case link, and no case to check).
    pub fn about_the_account(self) -> bool {
        matches!(self, Self::Digest | Self::AddressConfirmation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_round_trips() {
        for event in NoticeEvent::ALL {
            assert_eq!(event.as_str().parse::<NoticeEvent>(), Ok(*event));
        }
        assert!("document_deleted".parse::<NoticeEvent>().is_err());
    }
}

//! Typed ids, so a case id can never be passed where an account id is meant. They deserialise
//! from a path segment or a body, and describe themselves to the OpenAPI document as UUIDs.

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
        )]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            pub fn new() -> Self {
                Self(Uuid::new_v4())
            }

            pub fn parse(raw: &str) -> Result<Self, uuid::Error> {
                Uuid::parse_str(raw).map(Self)
            }

            pub fn uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }
    };
}

typed_id!(
    /// A municipality (the tenant).
    MunicipalityId
);
typed_id!(
    /// A staff or citizen account.
    AccountId
);
typed_id!(
    /// A young person's case.
    CaseId
);
typed_id!(
    /// A participant of a case.
    ParticipantId
);
typed_id!(
    /// A document of a case (its versions share it).
    DocumentId
);
typed_id!(
    /// One version of a document; also the associated data its blob's chunks are bound to.
    VersionId
);
typed_id!(
    /// One outbox message: one recipient, one event; also its stable `Message-ID`.
    MessageId
);

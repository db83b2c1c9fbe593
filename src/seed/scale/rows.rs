//! The rows of one transaction of the seeder, table by table.

use super::ScaleError;
use crate::store::Db;
use crate::store::bulk::Rows;

/// The rows of one transaction, in the order their foreign keys need.
pub(super) struct Chunk {
    pub(super) staff: Rows,
    pub(super) citizens: Rows,
    pub(super) cases: Rows,
    pub(super) participants: Rows,
    pub(super) consents: Rows,
    pub(super) case_keys: Rows,
    pub(super) documents: Rows,
    pub(super) versions: Rows,
}

impl Chunk {
    pub(super) fn new() -> Self {
        Self {
            staff: Rows::new(
                "accounts",
                &[
                    "id",
                    "kind",
                    "municipality_id",
                    "name",
                    "email",
                    "department",
                    "created_at",
                    "may_create_cases",
                    "email_confirmed_at",
                ],
            ),
            citizens: Rows::new(
                "accounts",
                &[
                    "id",
                    "kind",
                    "name",
                    "cpr_hash",
                    "cpr_sealed",
                    "birth_date",
                    "created_at",
                ],
            ),
            cases: Rows::new(
                "cases",
                &[
                    "id",
                    "municipality_id",
                    "young_person_name",
                    "young_person_cpr_hash",
                    "young_person_cpr_sealed",
                    "young_person_birth_date",
                    "coordinator_id",
                    "status",
                    "created_at",
                    "created_by",
                ],
            ),
            participants: Rows::new(
                "participants",
                &[
                    "id",
                    "case_id",
                    "account_id",
                    "role",
                    "department",
                    "has_custody",
                    "access",
                    "added_at",
                    "added_by",
                ],
            ),
            consents: Rows::new(
                "consents",
                &[
                    "id",
                    "case_id",
                    "giver_kind",
                    "giver_participant_id",
                    "method",
                    "scope",
                    "valid_from",
                    "recorded_by",
                    "created_at",
                ],
            ),
            case_keys: Rows::new("case_keys", &["case_id", "wrapped_key", "created_at"]),
            documents: Rows::new(
                "documents",
                &[
                    "id",
                    "case_id",
                    "title",
                    "title_sealed",
                    "kind",
                    "current_version",
                    "created_at",
                    "created_by",
                    "updated_at",
                    "updated_by",
                ],
            ),
            versions: Rows::new(
                "document_versions",
                &[
                    "id",
                    "document_id",
                    "version",
                    "size",
                    "sha256",
                    "content_type",
                    "file_name",
                    "file_name_sealed",
                    "uploaded_by",
                    "uploaded_at",
                    "wrapped_data_key",
                    "blob_key",
                ],
            ),
        }
    }

    pub(super) async fn write(mut self, db: &Db) -> Result<(), ScaleError> {
        let mut tx = db.begin().await?;
        for rows in [
            &mut self.staff,
            &mut self.citizens,
            &mut self.cases,
            &mut self.participants,
            &mut self.consents,
            &mut self.case_keys,
            &mut self.documents,
            &mut self.versions,
        ] {
            rows.write(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

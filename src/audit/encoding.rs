//! The canonical encoding of an audit row and its SHA-256. Every hashed field, in a fixed order,
//! as `-` (absent) or `<length>:<text>`, so no two rows encode alike. Left out: `seq` (a row's
//! place is proven by `prev_hash`, so a moved row shows as reordered, not as changed) and
//! `client_address` (blanked by the retention sweeper).

use crate::store::audit::AuditRow;
use ring::digest::{SHA256, digest};

const VERSION: &str = "vejviser-audit-v1";

fn field(out: &mut String, value: Option<&str>) {
    out.push('|');
    match value {
        Some(text) => {
            out.push_str(&text.len().to_string());
            out.push(':');
            out.push_str(text);
        }
        None => out.push('-'),
    }
}

/// The bytes the row's hash is taken over (its predecessor's hash first).
pub fn canonical(row: &AuditRow) -> String {
    let version = row.target_version.map(|v| v.to_string());
    let mut out = String::from(VERSION);
    for value in [
        Some(row.prev_hash.as_str()),
        Some(row.id.as_str()),
        Some(row.chain.as_str()),
        Some(row.at.as_str()),
        row.municipality_id.as_deref(),
        row.case_id.as_deref(),
        row.actor_account_id.as_deref(),
        row.actor_role.as_deref(),
        row.actor_department.as_deref(),
        Some(row.action.as_str()),
        row.target_document_id.as_deref(),
        version.as_deref(),
        row.target_participant.as_deref(),
        row.target_consent.as_deref(),
        row.target_account_id.as_deref(),
        Some(row.outcome.as_str()),
        row.reason.as_deref(),
        row.request_id.as_deref(),
    ] {
        field(&mut out, value);
    }
    out
}

/// The hex SHA-256 of the row's canonical encoding.
pub fn hash(row: &AuditRow) -> String {
    hex::encode(digest(&SHA256, canonical(row).as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> AuditRow {
        AuditRow {
            id: "a".into(),
            chain: "c".into(),
            at: "2026-01-01T00:00:00.000000Z".into(),
            action: "view_case".into(),
            outcome: "allowed".into(),
            prev_hash: crate::store::audit::GENESIS.into(),
            ..AuditRow::default()
        }
    }

    #[test]
    fn every_hashed_field_changes_the_hash_and_the_others_do_not() {
        let base = hash(&row());
        let mut moved = row();
        moved.seq = 7;
        moved.client_address = Some("10.0.0.1".into());
        assert_eq!(
            hash(&moved),
            base,
            "seq and the address are outside the hash"
        );
        let mut changed = row();
        changed.target_version = Some(2);
        assert_ne!(hash(&changed), base);
        let mut changed = row();
        changed.reason = Some(String::new());
        assert_ne!(hash(&changed), base, "empty and absent differ");
        let mut changed = row();
        changed.prev_hash = "1".repeat(64);
        assert_ne!(hash(&changed), base);
    }

    #[test]
    fn field_boundaries_cannot_be_shifted() {
        let mut one = row();
        one.actor_role = Some("ab".into());
        one.actor_department = Some("c".into());
        let mut two = row();
        two.actor_role = Some("a".into());
        two.actor_department = Some("bc".into());
        assert_ne!(hash(&one), hash(&two));
    }
}

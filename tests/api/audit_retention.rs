//! Address retention (issue #11): the sweeper's blanking empties `client_address` of rows older
//! than `audit.address_retention_days` and of no younger row, deletes nothing, and the chain
//! still verifies.

use crate::access_log::rows;
use crate::documents::{Store, team};
use crate::helpers::{Backend, on_both_databases};
use std::sync::Arc;
use vejviser::audit::retention::blank_old_addresses;
use vejviser::clock::{FixedClock, SharedClock};
use vejviser::store::time_text::from_text;

on_both_databases!(addresses_older_than_the_retention_are_blanked_and_rows_kept);

async fn addresses_older_than_the_retention_are_blanked_and_rows_kept(backend: Backend) {
    let team = team(backend, Store::Local, "").await;
    let db = &team.app.app.db;
    let before = rows(&team).await;
    assert!(!before.is_empty());
    // Rows made by a request carry its address; the seed's staff rows (the operator's) have none.
    assert!(
        before
            .iter()
            .all(|r| r.client_address.is_some() == r.request_id.is_some()),
        "requests leave their address: {before:?}"
    );
    let addressed = |rows: &[vejviser::store::audit::AuditRow]| {
        rows.iter().filter(|r| r.client_address.is_some()).count()
    };
    let at = |text: &str| from_text(text).unwrap();
    let clock = |when: time::OffsetDateTime| -> SharedClock { Arc::new(FixedClock(when)) };
    let oldest = at(&before.first().unwrap().at);
    let newest = at(&before.last().unwrap().at);

    // 30 days after the oldest row, less a second: no row is 30 days old yet.
    let early = clock(oldest + time::Duration::days(30) - time::Duration::seconds(1));
    assert_eq!(blank_old_addresses(db, &early, 30).await, 0);
    assert_eq!(addressed(&rows(&team).await), addressed(&before));

    // A fresh row, then a sweep just after the others turned 30 days old: only they are blanked.
    let response = crate::team::get(
        &team.app,
        &team.coordinator,
        &format!("/api/v1/cases/{}", team.case),
    )
    .await;
    assert_eq!(response.status(), 200);
    let later = rows(&team).await;
    assert!(later.len() > before.len(), "the case view left a row");
    let cutoff = newest + time::Duration::microseconds(1);
    let blanked = blank_old_addresses(db, &clock(cutoff + time::Duration::days(30)), 30).await;
    assert_eq!(blanked, addressed(&before) as u64);
    let after = rows(&team).await;
    assert_eq!(after.len(), later.len(), "no row is deleted");
    for row in &after {
        assert_eq!(
            row.client_address.is_none(),
            at(&row.at) < cutoff,
            "{row:?}"
        );
    }
    assert!(
        after.last().unwrap().client_address.is_some(),
        "the fresh row keeps it"
    );
    assert_eq!(
        vejviser::audit::verify::all(db, None)
            .await
            .unwrap()
            .into_iter()
            .find_map(|r| r.broken),
        None,
        "blanking keeps the chain whole"
    );
}

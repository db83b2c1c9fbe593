//! The admin's search of the municipality's access log (`GET /api/v1/audit`, issue #11), on both
//! databases: the filters narrow what is shown, a bad filter is a 422 naming the field (as every invalid field is), another
//! municipality's admin never sees the case's rows, non-admins are refused, and each search is
//! itself a row (with nothing of the filter copied into it).

use crate::cases::other_municipality_admin;
use crate::documents::{Store, form, team, uploaded_id};
use crate::helpers::{Backend, assert_problem, on_both_databases};
use crate::team::{get, logged_in};
use serde_json::Value;
use vejviser::store::audit::{self as store, Filter};

on_both_databases!(an_admin_searches_their_own_municipality_only);

async fn entries(response: reqwest::Response) -> Vec<Value> {
    assert_eq!(response.status(), 200);
    let page: Value = response.json().await.unwrap();
    page["entries"].as_array().unwrap().clone()
}

async fn an_admin_searches_their_own_municipality_only(backend: Backend) {
    let team = team(backend, Store::Local, "").await;
    let app = &team.app;
    let document = uploaded_id(
        &team,
        &team.coordinator,
        form(b"Plan\n".to_vec(), "plan.txt", "Plan"),
    )
    .await;
    let download = get(
        app,
        &team.professional,
        &format!("/api/v1/documents/{document}/content"),
    )
    .await;
    assert_eq!(download.status(), 200);
    let admin = logged_in(app, "admin").await;

    let all = entries(get(app, &admin, "/api/v1/audit").await).await;
    assert!(
        all.iter().any(|e| e["action"] == "download_document"),
        "{all:?}"
    );
    let downloads = entries(get(app, &admin, "/api/v1/audit?action=download_document").await).await;
    assert_eq!(downloads.len(), 1, "{downloads:?}");
    assert_eq!(downloads[0]["case_id"], team.case.as_str());
    assert_eq!(downloads[0]["version"], 1);
    let on_case =
        entries(get(app, &admin, &format!("/api/v1/audit?case={}", team.case)).await).await;
    assert!(on_case.len() > 1 && on_case.iter().all(|e| e["case_id"] == team.case.as_str()));
    let future = entries(get(app, &admin, "/api/v1/audit?from=2999-01-01T00:00:00Z").await).await;
    assert!(future.is_empty(), "{future:?}");

    for (query, field) in [
        ("action=peek", "action"),
        ("case=nope", "case"),
        ("from=yesterday", "from"),
    ] {
        let refused = get(app, &admin, &format!("/api/v1/audit?{query}")).await;
        let problem = assert_problem(refused, 422).await;
        assert_eq!(problem["field"], field, "{problem}");
    }
    let refused = get(app, &team.coordinator, "/api/v1/audit").await;
    assert!(
        matches!(refused.status().as_u16(), 403 | 404),
        "{}",
        refused.status()
    );

    let aarhus = other_municipality_admin(app).await;
    let theirs = entries(get(app, &aarhus, "/api/v1/audit").await).await;
    assert!(
        theirs.iter().all(|e| e["case_id"] != team.case.as_str()),
        "{theirs:?}"
    );
    let probing =
        entries(get(app, &aarhus, &format!("/api/v1/audit?case={}", team.case)).await).await;
    assert!(probing.is_empty(), "{probing:?}");

    // Every search above is a row of its own, the admin's, with no filter copied into it.
    let rows = store::search(&app.app.db, &Filter::default(), 0, 10_000)
        .await
        .unwrap();
    let searches: Vec<_> = rows
        .iter()
        .filter(|r| r.action == "search_audit_log")
        .collect();
    assert!(searches.len() >= 5, "{}", searches.len());
    for row in searches {
        assert!(
            row.case_id.is_none() && row.target_document_id.is_none(),
            "{row:?}"
        );
        let text = format!("{row:?}");
        assert!(
            !text.contains("peek") && !text.contains("yesterday"),
            "{text}"
        );
    }
}

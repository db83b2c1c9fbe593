//! The admin's search of the municipality's access log (`GET /api/v1/audit`, issue #11), on both
//! databases: the filters narrow what is shown, a bad filter is a 422 naming the field (as every invalid field is), another
//! municipality's admin never sees the case's rows, non-admins are refused, and each search is
//! itself a row (with nothing of the filter copied into it).

use crate::cases::other_municipality_admin;
use crate::documents::{Store, Team, form, team, uploaded_id};
use crate::helpers::{Backend, assert_problem, on_both_databases};
use crate::team::{get, logged_in, page};
use serde_json::Value;
use vejviser::store::audit::{self as store, Filter};

on_both_databases!(
    an_admin_searches_their_own_municipality_only,
    an_admin_exports_the_search_and_uses_the_page,
);

async fn entries(response: reqwest::Response) -> Vec<Value> {
    assert_eq!(response.status(), 200);
    let page: Value = response.json().await.unwrap();
    page["entries"].as_array().unwrap().clone()
}

/// The team's case with a document titled `title` that the professional downloaded, and the
/// municipality's admin logged in.
async fn downloaded(backend: Backend, title: &str) -> (Team, reqwest::Client) {
    let team = team(backend, Store::Local, "").await;
    let document = uploaded_id(
        &team,
        &team.coordinator,
        form(b"Plan\n".to_vec(), "plan.txt", title),
    )
    .await;
    let download = get(
        &team.app,
        &team.professional,
        &format!("/api/v1/documents/{document}/content"),
    )
    .await;
    assert_eq!(download.status(), 200);
    let admin = logged_in(&team.app, "admin").await;
    (team, admin)
}

async fn an_admin_searches_their_own_municipality_only(backend: Backend) {
    let (team, admin) = downloaded(backend, "Plan").await;
    let app = &team.app;

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

/// The CSV export (`/api/v1/audit.csv`, and the page's `/admin/access-log.csv` by days) and the
/// page `/admin/access-log`: what an admin sees names no one and no document title, each export
/// is an `export_audit_log` row, a bad filter is shown at its field, non-admins are refused.
async fn an_admin_exports_the_search_and_uses_the_page(backend: Backend) {
    let (team, admin) = downloaded(backend, "Psykiatrisk udredning").await;
    let app = &team.app;

    let csv = get(app, &admin, "/api/v1/audit.csv?action=download_document").await;
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"),
    );
    let csv = csv.text().await.unwrap();
    let lines: Vec<_> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "tidspunkt,hvem,hvad,udfald,årsag,sag,konto,rolle,berørt konto,handling"
    );
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(
        lines[1].contains("downloadede et dokument version 1"),
        "{csv}"
    );
    assert!(lines[1].contains(team.case.as_str()), "{csv}");
    assert!(lines[1].contains("fagperson, Jobcenteret"), "{csv}");
    assert!(!csv.contains("Psykiatrisk"), "no title: {csv}");
    let jonas = crate::team::identity(app, "jobcentre").await;
    assert!(
        !csv.contains(jonas["name"].as_str().unwrap()),
        "no name: {csv}"
    );
    let bad = get(app, &admin, "/api/v1/audit.csv?to=soon").await;
    assert_eq!(assert_problem(bad, 422).await["field"], "to");
    let refused = get(app, &team.coordinator, "/api/v1/audit.csv").await;
    assert!(matches!(refused.status().as_u16(), 403 | 404));

    // The page: the search by days (today included), the same sentence, a link to the file.
    let today = vejviser::clock::copenhagen_date(time::OffsetDateTime::now_utc());
    let (status, html) = page(
        app,
        &admin,
        &format!("/admin/access-log?action=download_document&from={today}&to={today}"),
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("Kommunens adgangslog"), "{html}");
    assert!(html.contains("downloadede et dokument version 1"), "{html}");
    assert!(!html.contains("Psykiatrisk"), "{html}");
    assert!(
        html.contains(&format!(
            "/admin/access-log.csv?action=download_document&#38;from={today}&#38;to={today}"
        )),
        "{html}"
    );
    let tomorrow = today.next_day().unwrap();
    let (_, html) = page(app, &admin, &format!("/admin/access-log?from={tomorrow}")).await;
    assert!(html.contains("Ingen rækker passer til søgningen"), "{html}");
    let (status, html) = page(app, &admin, "/admin/access-log?case=nope").await;
    assert_eq!(status, 422);
    assert!(html.contains("form-error-message"), "{html}");
    let file = get(
        app,
        &admin,
        &format!("/admin/access-log.csv?action=download_document&from={today}&to={today}"),
    )
    .await;
    assert_eq!(file.status(), 200);
    assert_eq!(file.text().await.unwrap().lines().count(), 2);
    let (status, _) = page(app, &team.coordinator, "/admin/access-log").await;
    assert!(matches!(status, 403 | 404), "{status}");

    // Both exports were recorded, by the admin, with nothing of the filter in them.
    let rows = store::search(&app.app.db, &Filter::default(), 0, 10_000)
        .await
        .unwrap();
    let exports: Vec<_> = rows
        .iter()
        .filter(|r| r.action == "export_audit_log")
        .collect();
    assert_eq!(exports.len(), 2, "{exports:?}");
    assert!(
        exports
            .iter()
            .all(|r| r.actor_role.as_deref() == Some("admin") && r.case_id.is_none())
    );
}

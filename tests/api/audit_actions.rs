//! The access log's table test (issue #11): each action through the API leaves exactly one row,
//! with the actor, their part at that moment, the target and the outcome, on both databases.
//! (Logins refused at the provider, searches and exports, identity links, staff creation,
//! consent expiry, erasure and key rotation have their rows checked where those are tested:
//! login_oidc_provider, audit_search, cli, digests_and_reminders, key_operations.)

use crate::access_log::rows;
use crate::documents::{Store, Team, form, new_version, team, uploaded_id, young_person_id};
use crate::helpers::{Backend, on_both_databases};
use crate::notification_settings::account_of;
use crate::team::{add_citizen, get, identity, logged_in, post, staff_id};
use serde_json::{Value, json};
use vejviser::store::audit::AuditRow;

on_both_databases!(every_action_leaves_exactly_one_row);

/// What one step must leave: one row with these fields.
struct Expect<'a> {
    action: &'a str,
    actor: Option<String>,
    role: &'a str,
    outcome: &'a str,
}

/// Runs nothing itself: checks that exactly one row was added since `before` rows, as `expect`
/// says, and returns it for the step's own target checks.
async fn one_row(team: &Team, before: usize, expect: Expect<'_>) -> AuditRow {
    let row = the_new_row(team, before).await;
    assert_eq!(row.action, expect.action, "{row:?}");
    assert_eq!(row.actor_account_id, expect.actor, "{row:?}");
    assert_eq!(row.actor_role.as_deref(), Some(expect.role), "{row:?}");
    assert_eq!(row.outcome, expect.outcome, "{row:?}");
    if expect.action != "login" && expect.action != "logout" {
        assert_eq!(row.case_id.as_deref(), Some(team.case.as_str()), "{row:?}");
    }
    row
}

/// The one row added since `before` rows (outside any case: staff administration, logins).
async fn the_new_row(team: &Team, before: usize) -> AuditRow {
    let all = rows(team).await;
    let added = &all[before..];
    assert_eq!(added.len(), 1, "{added:#?}");
    added[0].clone()
}

async fn patch(
    team: &Team,
    client: &reqwest::Client,
    path: &str,
    body: Value,
) -> reqwest::Response {
    client
        .patch(team.app.url(path))
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn delete(team: &Team, client: &reqwest::Client, path: &str) -> reqwest::Response {
    client.delete(team.app.url(path)).send().await.unwrap()
}

fn ok(response: &reqwest::Response, what: &str) {
    assert!(
        response.status().is_success(),
        "{what}: {}",
        response.status()
    );
}

async fn every_action_leaves_exactly_one_row(backend: Backend) {
    let team = team(backend, Store::Local, "").await;
    let app = &team.app;
    let case = team.case.clone();
    let coordinator = Some(account_of(app, &team.coordinator).await.to_string());
    let professional = Some(account_of(app, &team.professional).await.to_string());
    let young = Some(account_of(app, &team.young).await.to_string());
    let young_pid = young_person_id(&team).await;
    let amira = staff_id(app, &team.coordinator, "Amira").await;
    let expect = |action, actor: &Option<String>, role| Expect {
        action,
        actor: actor.clone(),
        role,
        outcome: "allowed",
    };

    // Documents: upload, list, view, download, new version, rename, delete.
    let before = rows(&team).await.len();
    let document = uploaded_id(
        &team,
        &team.coordinator,
        form(b"Plan\n".to_vec(), "p.txt", "Plan"),
    )
    .await;
    let row = one_row(
        &team,
        before,
        expect("upload_document", &coordinator, "coordinator"),
    )
    .await;
    assert_eq!(row.target_document_id.as_deref(), Some(document.as_str()));
    assert_eq!(row.target_version, Some(1));

    let before = rows(&team).await.len();
    ok(
        &get(app, &team.professional, &format!("/api/v1/cases/{case}")).await,
        "view",
    );
    let row = one_row(
        &team,
        before,
        expect("view_case", &professional, "professional"),
    )
    .await;
    assert_eq!(row.actor_department.as_deref(), Some("job_centre"));

    let before = rows(&team).await.len();
    ok(
        &get(
            app,
            &team.professional,
            &format!("/api/v1/cases/{case}/documents"),
        )
        .await,
        "list",
    );
    one_row(
        &team,
        before,
        expect("list_documents", &professional, "professional"),
    )
    .await;

    let before = rows(&team).await.len();
    ok(
        &get(
            app,
            &team.professional,
            &format!("/api/v1/documents/{document}"),
        )
        .await,
        "doc",
    );
    let row = one_row(
        &team,
        before,
        expect("view_document", &professional, "professional"),
    )
    .await;
    assert_eq!(row.target_document_id.as_deref(), Some(document.as_str()));

    let before = rows(&team).await.len();
    let content = format!("/api/v1/documents/{document}/content");
    ok(&get(app, &team.professional, &content).await, "download");
    let row = one_row(
        &team,
        before,
        expect("download_document", &professional, "professional"),
    )
    .await;
    assert_eq!(row.target_version, Some(1));

    let before = rows(&team).await.len();
    let response = new_version(
        &team,
        &team.professional,
        &document,
        Some("\"1\""),
        b"Plan 2\n".to_vec(),
    )
    .await;
    ok(&response, "new version");
    let row = one_row(
        &team,
        before,
        expect("new_version", &professional, "professional"),
    )
    .await;
    assert_eq!(row.target_version, Some(2));
    assert_eq!(row.target_document_id.as_deref(), Some(document.as_str()));

    let before = rows(&team).await.len();
    let this_document = format!("/api/v1/documents/{document}");
    let renamed = patch(
        &team,
        &team.professional,
        &this_document,
        json!({ "title": "Plan, rettet" }),
    )
    .await;
    ok(&renamed, "rename");
    let row = one_row(
        &team,
        before,
        expect("rename_document", &professional, "professional"),
    )
    .await;
    assert_eq!(row.target_document_id.as_deref(), Some(document.as_str()));

    // A refused action: one denied row with the policy's reason and nothing of the request.
    let before = rows(&team).await.len();
    let refused = delete(&team, &team.professional, &this_document).await;
    assert_eq!(refused.status(), 403);
    let row = one_row(
        &team,
        before,
        Expect {
            outcome: "denied",
            ..expect("denied", &professional, "professional")
        },
    )
    .await;
    assert!(row.reason.is_some(), "{row:?}");

    let before = rows(&team).await.len();
    let deleted = delete(&team, &team.coordinator, &this_document).await;
    ok(&deleted, "delete");
    let row = one_row(
        &team,
        before,
        expect("delete_document", &coordinator, "coordinator"),
    )
    .await;
    assert_eq!(row.target_document_id.as_deref(), Some(document.as_str()));

    // The team: add, change access, remove.
    let before = rows(&team).await.len();
    let added = post(
        app,
        &team.coordinator,
        &format!("/api/v1/cases/{case}/participants"),
        json!({"role": "professional", "access": "read", "account_id": amira}),
    )
    .await;
    assert_eq!(added.status(), 201);
    let pid = added.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let row = one_row(
        &team,
        before,
        expect("add_participant", &coordinator, "coordinator"),
    )
    .await;
    assert_eq!(row.target_participant.as_deref(), Some(pid.as_str()));

    let participant = format!("/api/v1/cases/{case}/participants/{pid}");
    let before = rows(&team).await.len();
    let changed = patch(
        &team,
        &team.coordinator,
        &participant,
        json!({"access": "write"}),
    )
    .await;
    ok(&changed, "change access");
    let row = one_row(
        &team,
        before,
        expect("change_access", &coordinator, "coordinator"),
    )
    .await;
    assert_eq!(row.target_participant.as_deref(), Some(pid.as_str()));

    let before = rows(&team).await.len();
    ok(
        &delete(&team, &team.coordinator, &participant).await,
        "remove",
    );
    let row = one_row(
        &team,
        before,
        expect("remove_participant", &coordinator, "coordinator"),
    )
    .await;
    assert_eq!(row.target_participant.as_deref(), Some(pid.as_str()));

    // Consents: given, withdrawn, recorded on paper.
    let before = rows(&team).await.len();
    let given = post(
        app,
        &team.young,
        &format!("/api/v1/cases/{case}/consents"),
        json!({"scope": ["adult"]}),
    )
    .await;
    assert_eq!(given.status(), 201);
    let consent = given.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let row = one_row(
        &team,
        before,
        expect("give_consent", &young, "young_person"),
    )
    .await;
    assert_eq!(row.target_consent.as_deref(), Some(consent.as_str()));

    let before = rows(&team).await.len();
    let withdrawn = post(
        app,
        &team.young,
        &format!("/api/v1/cases/{case}/consents/{consent}/withdraw"),
        json!({}),
    )
    .await;
    ok(&withdrawn, "withdraw");
    let row = one_row(
        &team,
        before,
        expect("withdraw_consent", &young, "young_person"),
    )
    .await;
    assert_eq!(row.target_consent.as_deref(), Some(consent.as_str()));

    let before = rows(&team).await.len();
    let today = vejviser::clock::copenhagen_date(time::OffsetDateTime::now_utc());
    let paper = post(
        app,
        &team.coordinator,
        &format!("/api/v1/cases/{case}/consents"),
        json!({"given_by_participant_id": young_pid, "scope": ["adult"], "signed_on": today.to_string()}),
    )
    .await;
    assert_eq!(paper.status(), 201);
    let paper = paper.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let row = one_row(
        &team,
        before,
        expect("record_paper_consent", &coordinator, "coordinator"),
    )
    .await;
    assert_eq!(row.target_consent.as_deref(), Some(paper.as_str()));

    // A parent of the young adult, given access again by the young adult.
    let parent_pid = add_citizen(
        app,
        &team.coordinator,
        &case,
        "parent",
        "parent",
        Some(true),
    )
    .await;
    let before = rows(&team).await.len();
    let granted = post(
        app,
        &team.young,
        &format!("/api/v1/cases/{case}/participants/{parent_pid}/grant"),
        json!({}),
    )
    .await;
    ok(&granted, "grant");
    let row = one_row(
        &team,
        before,
        expect("grant_parent_access", &young, "young_person"),
    )
    .await;
    assert_eq!(row.target_participant.as_deref(), Some(parent_pid.as_str()));

    // The case: closed, reopened, handed over by an admin (who shows as an admin).
    for action in ["close", "reopen"] {
        let before = rows(&team).await.len();
        let done = post(
            app,
            &team.coordinator,
            &format!("/api/v1/cases/{case}/{action}"),
            json!({}),
        )
        .await;
        ok(&done, action);
        let expected = if action == "close" {
            "close_case"
        } else {
            "reopen_case"
        };
        one_row(&team, before, expect(expected, &coordinator, "coordinator")).await;
    }
    let admin = logged_in(app, "admin").await;
    let admin_id = Some(account_of(app, &admin).await.to_string());
    let guidance = identity(app, "guidance").await;
    let to = staff_id(app, &admin, guidance["name"].as_str().unwrap()).await;
    let before = rows(&team).await.len();
    let handed = post(
        app,
        &admin,
        &format!("/api/v1/cases/{case}/coordinator"),
        json!({ "account_id": to }),
    )
    .await;
    ok(&handed, "hand over");
    let row = one_row(&team, before, expect("hand_over", &admin_id, "admin")).await;
    assert_eq!(row.target_account_id.as_deref(), Some(to.as_str()));

    // Staff administration: outside any case, in the municipality's chain.
    let before = rows(&team).await.len();
    let jonas = professional.clone().unwrap();
    let flags = patch(
        &team,
        &admin,
        &format!("/api/v1/staff/{jonas}"),
        json!({"is_admin": true}),
    )
    .await;
    ok(&flags, "flags");
    let row = the_new_row(&team, before).await;
    assert_eq!(row.action, "change_staff_flags");
    assert_eq!(row.actor_account_id, admin_id);
    assert_eq!(row.target_account_id.as_deref(), Some(jonas.as_str()));
    assert!(row.municipality_id.is_some() && row.case_id.is_none());

    // Logging out and in again: one row each.
    let before = rows(&team).await.len();
    let out = post(app, &team.young, "/auth/logout", json!({})).await;
    assert!(
        out.status().is_success() || out.status().is_redirection(),
        "{}",
        out.status()
    );
    let row = the_new_row(&team, before).await;
    assert_eq!(
        (row.action.as_str(), &row.actor_account_id),
        ("logout", &young)
    );
    let before = rows(&team).await.len();
    let _again = logged_in(app, "young19").await;
    let row = the_new_row(&team, before).await;
    assert_eq!(
        (row.action.as_str(), &row.actor_account_id),
        ("login", &young)
    );
    assert_eq!(row.actor_role.as_deref(), Some("citizen"));

    let reports = vejviser::audit::verify::all(&app.app.db, None)
        .await
        .unwrap();
    assert!(reports.iter().all(|r| r.broken.is_none()), "{reports:?}");
}

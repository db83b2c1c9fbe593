//! The periodic access review (issue #16): the coordinator keeps or removes each participant's
//! access in one decision naming the whole team but the young person; each decision is a row,
//! removals take effect at once, and an overdue review shows on the admin overview. Fails on the
//! code before: there was no review.

use crate::digests_and_reminders::deliver_all;
use crate::documents::{Store, Team, team};
use crate::helpers::{Backend, assert_problem, audit_rows_of, on_both_databases, spawn_app_with};
use crate::notification_settings::account_of;
use crate::support::mail::{arrived, plain_server, smtp_settings};
use crate::team::{add_citizen, add_professional, case_of, create_case, get, logged_in, post};
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};
use vejviser::domain::ids::CaseId;
use vejviser::domain::notice_event::NoticeEvent;
use vejviser::notify::reminders;
use vejviser::store::{outbox, time_text::to_text};

on_both_databases!(the_coordinator_reviews_the_teams_access);
on_both_databases!(an_overdue_review_reminds_the_coordinator_once_a_period);

/// The documents tests' team (young person, Jonas), with a custody-holding parent added.
async fn team_with_parent(backend: Backend) -> Team {
    let team = team(backend, Store::Local, "").await;
    let (app, case) = (&team.app, &team.case);
    add_citizen(app, &team.coordinator, case, "parent", "parent", Some(true)).await;
    team
}

/// The id of the case's participant in `role`.
fn id_of(case: &Value, role: &str) -> String {
    case["participants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["role"] == role)
        .unwrap_or_else(|| panic!("no {role} in {case}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn the_coordinator_reviews_the_teams_access(backend: Backend) {
    let team = team_with_parent(backend).await;
    let app = &team.app;
    let (_, case) = case_of(app, &team.coordinator, &team.case).await;
    let (jonas, parent, young) = (
        id_of(&case, "professional"),
        id_of(&case, "parent"),
        id_of(&case, "young_person"),
    );

    // Created a year ago and never reviewed: overdue.
    let year_ago = to_text(time::OffsetDateTime::now_utc() - time::Duration::days(365));
    sqlx::query("UPDATE cases SET created_at = $1 WHERE id = $2")
        .bind(&year_ago)
        .bind(&team.case)
        .execute(app.app.db.pool())
        .await
        .unwrap();
    let admin = logged_in(app, "admin").await;
    let overdue = || async {
        let overview: Value = get(app, &admin, "/api/v1/admin/overview")
            .await
            .json()
            .await
            .unwrap();
        overview["access_reviews_overdue"].clone()
    };
    assert_eq!(overdue().await, 1);

    let path = format!("/api/v1/cases/{}/access-review", team.case);
    let review = |client: &reqwest::Client, decisions: Value| {
        let (client, path) = (client.clone(), path.clone());
        async move { post(app, &client, &path, json!({ "decisions": decisions })).await }
    };
    let both = json!({ jonas.clone(): "keep", parent.clone(): "remove" });
    assert_problem(review(&team.professional, both.clone()).await, 403).await;
    let by_admin = assert_problem(review(&admin, both.clone()).await, 403).await;
    assert_eq!(by_admin["reason"], "coordinator_only", "{by_admin}");
    assert_problem(
        review(&team.coordinator, json!({ jonas.clone(): "keep" })).await,
        422,
    )
    .await;
    let with_young =
        json!({ jonas.clone(): "keep", parent.clone(): "keep", young.clone(): "remove" });
    assert_problem(review(&team.coordinator, with_young).await, 422).await;
    assert_eq!(overdue().await, 1, "nothing recorded by a refusal");

    let done = review(&team.coordinator, both).await;
    assert_eq!(done.status(), 204, "{}", done.text().await.unwrap());
    let (_, after) = case_of(app, &team.coordinator, &team.case).await;
    let roles: Vec<_> = after["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["role"].clone())
        .collect();
    assert!(
        !roles.contains(&json!("parent")),
        "removed at once: {roles:?}"
    );
    assert!(roles.contains(&json!("professional")));
    assert_eq!(audit_rows_of(app, "confirm_access").await, 1);
    assert_eq!(audit_rows_of(app, "remove_participant").await, 1);
    assert_eq!(overdue().await, 0, "reviewed now");
}

/// The worker's sweep reminds the coordinator by e-mail of an overdue review, once for each
/// overdue period: not before it is due, not twice, not after the review, and again when the
/// next period runs out; a case with nobody but the young person has nothing to review.
async fn an_overdue_review_reminds_the_coordinator_once_a_period(backend: Backend) {
    let (port, maildir) = plain_server();
    let settings = smtp_settings(port, "").replace("worker = true", "worker = false");
    let app = &spawn_app_with(backend, &settings).await;
    let coordinator = logged_in(app, "coordinator").await;
    let case = create_case(app, &coordinator, "young19").await;
    add_citizen(app, &coordinator, &case, "young19", "young_person", None).await;
    let now = OffsetDateTime::now_utc();
    let year_ago = to_text(now - Duration::days(365));
    sqlx::query("UPDATE cases SET created_at = $1 WHERE id = $2")
        .bind(&year_ago)
        .bind(&case)
        .execute(app.app.db.pool())
        .await
        .unwrap();
    let sweep = |at| async move { reminders::sweep(&app.app, at).await.unwrap() };
    assert_eq!(
        sweep(now).await,
        0,
        "only the young person: nothing to review"
    );
    add_professional(app, &coordinator, &case, "Jonas", "read").await;
    assert_eq!(sweep(now).await, 1);
    assert_eq!(sweep(now).await, 0, "once a period");
    let case_id = CaseId::parse(&case).unwrap();
    let due = || async {
        outbox::for_case(&app.app.db, case_id)
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r.event == NoticeEvent::AccessReviewDue)
            .collect::<Vec<_>>()
    };
    let rows = due().await;
    assert_eq!(rows[0].recipient, account_of(app, &coordinator).await);
    deliver_all(app).await;
    let mails = arrived(&maildir, &due().await, 1).await;
    assert!(
        mails[0]
            .subject
            .starts_with("Det er tid til at gennemgå adgangene"),
        "{}",
        mails[0].subject
    );
    assert!(
        mails[0].text.contains(&format!("/cases/{case}")),
        "{}",
        mails[0].text
    );

    let (_, team) = case_of(app, &coordinator, &case).await;
    let decisions = json!({ id_of(&team, "professional"): "keep" });
    let path = format!("/api/v1/cases/{case}/access-review");
    let done = post(app, &coordinator, &path, json!({ "decisions": decisions })).await;
    assert_eq!(done.status(), 204);
    assert_eq!(sweep(OffsetDateTime::now_utc()).await, 0, "reviewed now");
    let next_period = OffsetDateTime::now_utc() + Duration::days(190);
    assert_eq!(sweep(next_period).await, 1, "the next period runs out");
    assert_eq!(due().await.len(), 2);
}

/// The same review on the case page: the ticked participants keep their access.
#[tokio::test]
async fn the_review_form_on_the_case_page_removes_the_unticked() {
    let team = team_with_parent(Backend::Sqlite).await;
    let app = &team.app;
    let (_, html) =
        crate::team::page(app, &team.coordinator, &format!("/cases/{}", team.case)).await;
    assert!(html.contains("Gennemgå teamets adgang"), "{html}");
    let (_, seen_by_jonas) =
        crate::team::page(app, &team.professional, &format!("/cases/{}", team.case)).await;
    assert!(
        !seen_by_jonas.contains("Gennemgå teamets adgang"),
        "the coordinator's form only"
    );
    let (_, case) = case_of(app, &team.coordinator, &team.case).await;
    let jonas = id_of(&case, "professional");
    let form = [("csrf_token", crate::team::csrf_of(&html)), ("keep", jonas)];
    let response = team
        .coordinator
        .post(app.url(&format!("/cases/{}/access-review", team.case)))
        .header("accept", "text/html")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let (_, after) = case_of(app, &team.coordinator, &team.case).await;
    let roles: Vec<_> = after["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["role"].as_str().unwrap().to_owned())
        .collect();
    assert!(roles.contains(&"professional".to_owned()), "{roles:?}");
    assert!(
        !roles.contains(&"parent".to_owned()),
        "unticked, removed: {roles:?}"
    );
    assert!(
        roles.contains(&"young_person".to_owned()),
        "never part of the review"
    );
}

//! Admins and leavers (issue #16): the grants overview of one staff member, and offboarding, which
//! deactivates a leaver and hands each case they coordinate to a successor in one transaction.
//! Fails on the code before: neither route existed, and a coordinator could not be deactivated.

use crate::documents::{Store, form, team, uploaded};
use crate::helpers::{Backend, TestApp, assert_problem, audit_rows_of, on_both_databases};
use crate::team::{
    add_professional, case_of, create_case, csrf_of, get, identity, logged_in, page, post, staff_id,
};
use serde_json::{Value, json};
use vejviser::store::audit::{self as store, Filter};

on_both_databases!(
    the_grants_overview_shows_each_case_and_whether_they_may_read,
    a_leaver_hands_every_case_on_and_keeps_no_way_in,
    the_admin_offboards_the_coordinator_through_the_pages,
    the_overview_counts_what_needs_attention,
    a_move_is_previewed_then_takes_effect_at_once,
    an_admin_creates_a_joiner,
);

async fn name_of(app: &TestApp, hint: &str) -> String {
    identity(app, hint).await["name"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn offboard(
    app: &TestApp,
    admin: &reqwest::Client,
    leaver: &str,
    body: Value,
) -> reqwest::Response {
    post(
        app,
        admin,
        &format!("/api/v1/admin/staff/{leaver}/offboard"),
        body,
    )
    .await
}

async fn the_grants_overview_shows_each_case_and_whether_they_may_read(backend: Backend) {
    // Jonas writes on a case whose young person consented to the job centre, and reads on one
    // without consent.
    let team = team(backend, Store::Local, "").await;
    let app = &team.app;
    let title = "Psykiatrisk udredning";
    uploaded(
        &team,
        &team.coordinator,
        form(b"notat".to_vec(), "notat.txt", title),
    )
    .await;
    let unconsented = create_case(app, &team.coordinator, "young17").await;
    add_professional(app, &team.coordinator, &unconsented, "Jonas", "read").await;
    let admin = logged_in(app, "admin").await;
    let jonas = staff_id(app, &admin, &name_of(app, "jobcentre").await).await;

    let response = get(app, &admin, &format!("/api/v1/admin/staff/{jonas}/cases")).await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert!(!text.contains(title), "no document title: {text}");
    let grants: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(grants["department"], "job_centre");
    let case = |id: &str| {
        grants["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["case_id"] == id)
            .unwrap_or_else(|| panic!("{id} in {grants}"))
            .clone()
    };
    let consented = case(&team.case);
    assert_eq!(consented["part"], "professional");
    assert_eq!(consented["access"], "write");
    assert_eq!(consented["may_read"], true);
    let waiting = case(&unconsented);
    assert_eq!(waiting["access"], "read");
    assert_eq!(waiting["may_read"], false, "no consent yet");
    assert_eq!(grants["cases"].as_array().unwrap().len(), 2);

    let karen = staff_id(app, &admin, &name_of(app, "coordinator").await).await;
    let karens: Value = get(app, &admin, &format!("/api/v1/admin/staff/{karen}/cases"))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        karens["cases"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["part"] == "coordinator")
    );

    // Only an admin, only staff of the admin's municipality.
    let refused = get(
        app,
        &team.professional,
        &format!("/api/v1/admin/staff/{karen}/cases"),
    )
    .await;
    assert_problem(refused, 403).await;
    let nobody = vejviser::domain::ids::AccountId::new();
    assert_problem(
        get(app, &admin, &format!("/api/v1/admin/staff/{nobody}/cases")).await,
        404,
    )
    .await;

    // The page says the same, in Danish, without the title.
    let (status, html) = page(app, &admin, &format!("/admin/staff/{jonas}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Kan læse dokumenterne nu"), "{html}");
    assert!(html.contains(&name_of(app, "young19").await));
    assert!(!html.contains(title));
}

async fn a_leaver_hands_every_case_on_and_keeps_no_way_in(backend: Backend) {
    let team = team(backend, Store::Local, "").await;
    let app = &team.app;
    let second = create_case(app, &team.coordinator, "young17").await;
    let admin = logged_in(app, "admin").await;
    let karen = staff_id(app, &admin, &name_of(app, "coordinator").await).await;
    let jonas = staff_id(app, &admin, &name_of(app, "jobcentre").await).await;
    let amira = staff_id(app, &admin, &name_of(app, "guidance").await).await;
    let me: Value = get(app, &admin, "/api/v1/me").await.json().await.unwrap();
    let admin_id = me["id"].as_str().unwrap().to_owned();

    // Each refusal changes nothing: Karen stays active, logged in and coordinator.
    let refusals = [
        (json!({ "hand_over_to": admin_id }), 403, "self_hand_over"),
        (json!({ "hand_over_to": karen }), 422, "successor_is_leaver"),
        (json!({}), 422, "successor_missing"),
        (
            json!({ "hand_over": { team.case.clone(): jonas } }),
            422,
            "successor_missing",
        ),
        (
            json!({ "hand_over_to": jonas, "hand_over": { team.case.clone(): jonas } }),
            422,
            "one_way",
        ),
        (
            json!({ "hand_over_to": vejviser::domain::ids::AccountId::new() }),
            422,
            "no_such_staff",
        ),
    ];
    for (body, status, why) in refusals {
        let problem =
            assert_problem(offboard(app, &admin, &karen, body.clone()).await, status).await;
        assert_eq!(
            get(app, &team.coordinator, "/api/v1/me").await.status(),
            200,
            "{why}: {problem}"
        );
        assert_eq!(
            case_of(app, &team.coordinator, &team.case).await.0,
            200,
            "{why}"
        );
        if status == 403 {
            assert_eq!(problem["reason"], why, "{problem}");
        }
    }
    assert_problem(offboard(app, &admin, &admin_id, json!({})).await, 403).await;
    let by_staff = offboard(
        app,
        &team.professional,
        &karen,
        json!({ "hand_over_to": jonas }),
    )
    .await;
    assert_problem(by_staff, 403).await;
    assert_eq!(audit_rows_of(app, "hand_over").await, 0);

    // Karen leaves: one case to Jonas, one to Amira.
    let response = offboard(
        app,
        &admin,
        &karen,
        json!({ "hand_over": { team.case.clone(): jonas, second.clone(): amira } }),
    )
    .await;
    assert_eq!(response.status(), 200);
    let done: Value = response.json().await.unwrap();
    assert_eq!(done["handed_over"].as_array().unwrap().len(), 2, "{done}");
    assert!(done["sessions_ended"].as_u64().unwrap() >= 1, "{done}");
    assert_eq!(
        get(app, &team.coordinator, "/api/v1/me").await.status(),
        401,
        "logged out at once"
    );
    let (status, first) = case_of(app, &team.professional, &team.case).await;
    assert_eq!(status, 200);
    assert_eq!(first["coordinator"]["id"], jonas.as_str(), "{first}");
    let amira_client = logged_in(app, "guidance").await;
    assert_eq!(
        case_of(app, &amira_client, &second).await.0,
        200,
        "Amira coordinates it now"
    );
    assert_eq!(audit_rows_of(app, "hand_over").await, 2);

    // Jonas leaves too: his place on the team ends with him, the case goes to Amira.
    let response = offboard(app, &admin, &jonas, json!({ "hand_over_to": amira })).await;
    assert_eq!(response.status(), 200);
    let done: Value = response.json().await.unwrap();
    assert_eq!(done["participations_ended"], 1, "{done}");
    assert_eq!(audit_rows_of(app, "remove_participant").await, 1);
    let (_, case) = case_of(app, &amira_client, &team.case).await;
    let jonas_name = name_of(app, "jobcentre").await;
    let on_team = case["participants"].as_array().unwrap();
    assert!(
        on_team.iter().all(|p| p["name"] != jonas_name.as_str()),
        "{case}"
    );
    // Nobody is left coordinating nothing: every case has an active coordinator.
    let left: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM cases c JOIN accounts a ON a.id = c.coordinator_id WHERE a.is_active = 0",
    )
    .fetch_one(app.app.db.pool())
    .await
    .unwrap();
    assert_eq!(left, 0);
    // Karen cannot log in again: the development provider finds an inactive account.
    let again = logged_in(app, "coordinator").await;
    assert_eq!(get(app, &again, "/api/v1/me").await.status(), 401);
}

/// The "done when": on the embedded default, the admin deactivates the coordinator on the
/// pages, chooses a successor, and the case keeps a coordinator.
async fn the_admin_offboards_the_coordinator_through_the_pages(backend: Backend) {
    let team = team(backend, Store::Local, "").await;
    let app = &team.app;
    let admin = logged_in(app, "admin").await;
    let karen = staff_id(app, &admin, &name_of(app, "coordinator").await).await;
    let jonas = staff_id(app, &admin, &name_of(app, "jobcentre").await).await;
    let (_, list) = page(app, &admin, "/admin").await;
    assert!(
        list.contains(&format!("href=\"/admin/staff/{karen}\"")),
        "the name leads there"
    );
    let (status, html) = page(app, &admin, &format!("/admin/staff/{karen}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Deaktivér og overdrag sagerne"), "{html}");
    assert!(
        html.contains(&format!("<option value=\"{jonas}\">")),
        "Jonas is offered"
    );
    let response = admin
        .post(app.url(&format!("/admin/staff/{karen}/offboard")))
        .header("accept", "text/html")
        .form(&[
            ("csrf_token", csrf_of(&html).as_str()),
            ("hand_over_to", jonas.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let back = response.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(back, format!("/admin/staff/{karen}?done=offboarded"));
    let (_, after) = page(app, &admin, &back).await;
    assert!(after.contains("Medarbejderen er deaktiveret"), "{after}");
    assert!(
        !after.contains("Deaktivér og overdrag sagerne"),
        "nothing left to offboard"
    );
    let (status, case) = case_of(app, &team.professional, &team.case).await;
    assert_eq!(status, 200);
    assert_eq!(case["coordinator"]["id"], jonas.as_str());
}

/// The municipality overview (#16): counts that need attention, and staff who reach many cases.
async fn the_overview_counts_what_needs_attention(backend: Backend) {
    let team = team(backend, Store::Local, "[admin]\nmany_cases = 1").await;
    let app = &team.app;
    let waiting = create_case(app, &team.coordinator, "young17").await;
    let closing = &team.case;
    let closed = post(
        app,
        &team.coordinator,
        &format!("/api/v1/cases/{closing}/close"),
        json!({}),
    )
    .await;
    assert!(closed.status().is_success(), "{}", closed.status());
    let admin = logged_in(app, "admin").await;
    let overview: Value = get(app, &admin, "/api/v1/admin/overview")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(overview["active_cases"], 1, "{overview}");
    assert_eq!(overview["closed_cases"], 1);
    assert_eq!(
        overview["cases_without_consent"], 1,
        "young17's case has none: {overview}"
    );
    assert_eq!(overview["cases_without_active_coordinator"], 0);
    // The 18th-birthday count agrees with what the one active case's view says.
    let near = case_of(app, &team.coordinator, &waiting).await.1["approaching_18"] == true;
    assert_eq!(overview["cases_near_18"], i64::from(near));
    let many = overview["staff_with_many_cases"].as_array().unwrap();
    let karen = name_of(app, "coordinator").await;
    assert_eq!(
        many.len(),
        1,
        "only Karen reaches more than one: {overview}"
    );
    assert_eq!(many[0]["name"], karen.as_str());
    assert_eq!(many[0]["cases"], 2);

    let (status, html) = page(app, &admin, "/admin").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Aktive sager uden den unges samtykke"),
        "{html}"
    );
    assert_problem(
        get(app, &team.professional, "/api/v1/admin/overview").await,
        403,
    )
    .await;
}

/// Movers (#16): the preview shows which cases a move stops or starts letting the staff member
/// read, saves nothing, and the move takes effect on the next request.
async fn a_move_is_previewed_then_takes_effect_at_once(backend: Backend) {
    let team = team(backend, Store::Local, "").await;
    let app = &team.app;
    let admin = logged_in(app, "admin").await;
    let jonas = staff_id(app, &admin, &name_of(app, "jobcentre").await).await;
    let documents = format!("/api/v1/cases/{}/documents", team.case);
    assert_eq!(get(app, &team.professional, &documents).await.status(), 200);
    let preview = |to: &'static str| {
        let path = format!("/api/v1/admin/staff/{jonas}/department-preview?department={to}");
        let admin = admin.clone();
        async move { get(app, &admin, &path).await.json::<Value>().await.unwrap() }
    };
    let to_adult = preview("adult").await;
    assert_eq!(to_adult["department_now"], "job_centre", "{to_adult}");
    let effect = &to_adult["cases"][0];
    assert_eq!(effect["case_id"], team.case.as_str());
    assert_eq!(effect["may_read_now"], true);
    assert_eq!(
        effect["may_read_after"], false,
        "the consent covers the job centre only"
    );
    assert_eq!(
        get(app, &team.professional, &documents).await.status(),
        200,
        "nothing saved"
    );
    let (status, html) = page(app, &admin, &format!("/admin/staff/{jonas}?move_to=adult")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Kan læse efter flytningen"), "{html}");

    let me: Value = get(app, &admin, "/api/v1/me").await.json().await.unwrap();
    let own = format!(
        "/api/v1/admin/staff/{}/department-preview?department=adult",
        me["id"].as_str().unwrap()
    );
    assert_problem(get(app, &admin, &own).await, 403).await;
    let by_staff = format!("/api/v1/admin/staff/{jonas}/department-preview?department=adult");
    assert_problem(get(app, &team.professional, &by_staff).await, 403).await;

    let moved = admin
        .patch(app.url(&format!("/api/v1/staff/{jonas}")))
        .json(&json!({ "department": "adult" }))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), 204);
    assert_eq!(
        get(app, &team.professional, &documents).await.status(),
        403,
        "on the next request"
    );
    let back = preview("job_centre").await;
    assert_eq!(back["cases"][0]["may_read_now"], false);
    assert_eq!(
        back["cases"][0]["may_read_after"], true,
        "moving back lets him read again"
    );
}

/// Joiners (#16): an admin creates staff on the page or the API, in their own municipality, with
/// a row naming the admin; the new account reaches no case.
async fn an_admin_creates_a_joiner(backend: Backend) {
    let app = crate::helpers::spawn_app(backend).await;
    let admin = logged_in(&app, "admin").await;
    let body = json!({ "name": "Ida Nyansat", "email": "ida@demo-kommune.example", "department": "school" });
    let created = post(&app, &admin, "/api/v1/staff", body.clone()).await;
    assert_eq!(created.status(), 201);
    let ida = created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(staff_id(&app, &admin, "Ida").await, ida);
    assert_problem(post(&app, &admin, "/api/v1/staff", body).await, 409).await;
    let bad = json!({ "name": "Ida", "email": "not-an-address", "department": "school" });
    assert_problem(post(&app, &admin, "/api/v1/staff", bad).await, 422).await;
    let coordinator = logged_in(&app, "coordinator").await;
    let by_staff =
        json!({ "name": "Egen", "email": "egen@demo-kommune.example", "department": "adult" });
    assert_problem(
        post(&app, &coordinator, "/api/v1/staff", by_staff).await,
        403,
    )
    .await;
    let grants: Value = get(&app, &admin, &format!("/api/v1/admin/staff/{ida}/cases"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(grants["cases"], json!([]));
    assert_eq!(grants["department"], "school");
    let me: Value = get(&app, &admin, "/api/v1/me").await.json().await.unwrap();
    let filter = Filter {
        action: Some("create_staff".into()),
        ..Filter::default()
    };
    let rows = store::search(&app.app.db, &filter, 0, 100).await.unwrap();
    let admin_id = me["id"].as_str().map(str::to_owned);
    assert!(
        rows.iter()
            .any(|r| r.actor_account_id == admin_id && r.actor_role.as_deref() == Some("admin")),
        "{rows:?}"
    );

    let (_, html) = page(&app, &admin, "/admin").await;
    let form = [
        ("csrf_token", csrf_of(&html)),
        ("name", "Ole Ny".to_owned()),
        ("email", "ole@demo-kommune.example".to_owned()),
        ("department", "adult".to_owned()),
    ];
    let response = admin
        .post(app.url("/admin/staff"))
        .header("accept", "text/html")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let ole = staff_id(&app, &admin, "Ole").await;
    assert_eq!(
        response.headers()["location"],
        format!("/admin/staff/{ole}").as_str()
    );
}

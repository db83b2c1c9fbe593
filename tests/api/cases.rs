//! Cases, participants, grants and consent over HTTP: the allowed paths, 403 for participants
//! who may not, 404 for strangers, tenancy, withdrawal on the very next request, bad input.

use crate::helpers::{
    Backend, TestApp, assert_problem, on_both_databases, spawn_app, spawn_app_with,
};
use crate::team::{
    add_citizen, add_professional, case_of, consent, create_case, get, identity, logged_in,
    missing_codes, post, session_for, staff_id,
};
use serde_json::{Value, json};
use vejviser::domain::assurance_level::AssuranceLevel;
use vejviser::domain::department::Department;
use vejviser::domain::email::Email;
use vejviser::domain::municipality_code::MunicipalityCode;
use vejviser::domain::person_name::PersonName;
use vejviser::store::accounts::NewStaff;
use vejviser::store::municipalities;

on_both_databases!(
    consent_first_then_sharing_then_withdrawal_shuts_out_at_once,
    strangers_and_other_municipalities_get_404,
    participants_who_may_not_get_403_with_the_reason,
);

async fn consent_first_then_sharing_then_withdrawal_shuts_out_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let coordinator = logged_in(&app, "coordinator").await;
    let case = create_case(&app, &coordinator, "young17").await;
    add_citizen(&app, &coordinator, &case, "young17", "young_person", None).await;
    add_citizen(&app, &coordinator, &case, "parent", "parent", Some(true)).await;
    add_professional(&app, &coordinator, &case, "Jonas", "write").await;

    let professional = logged_in(&app, "jobcentre").await;
    let (status, seen) = case_of(&app, &professional, &case).await;
    assert_eq!(status, 200, "{seen}");
    assert_eq!(seen["sharing"]["permitted"], false);
    assert_eq!(
        missing_codes(&seen),
        ["consent_young_person", "consent_custody_holder"]
    );
    assert_eq!(seen["permissions"]["read_documents"], false);
    assert_eq!(
        seen["permissions"]["documents_denied"]["code"],
        "awaiting_consent"
    );
    assert_eq!(seen["young_person"]["age"], 17);
    assert!(
        seen["young_person"]["cpr_masked"]
            .as_str()
            .unwrap()
            .ends_with("-xxxx")
    );

    // The young person and the parent log in for the first time: their invitations are theirs.
    let young = logged_in(&app, "young17").await;
    let parent = logged_in(&app, "parent").await;
    let young_consent = consent(&app, &young, &case, &["job_centre", "youth_guidance"]).await;
    let (_, seen) = case_of(&app, &professional, &case).await;
    assert_eq!(missing_codes(&seen), ["consent_custody_holder"]);
    assert_eq!(
        seen["permissions"]["documents_denied"]["text_da"],
        "Afventer samtykke fra forældre."
    );
    consent(
        &app,
        &parent,
        &case,
        &["job_centre", "youth_guidance", "children_youth"],
    )
    .await;

    let (_, seen) = case_of(&app, &professional, &case).await;
    assert_eq!(seen["sharing"]["permitted"], true);
    assert_eq!(seen["permissions"]["read_documents"], true);
    assert_eq!(seen["permissions"]["write_documents"], true);

    let withdrawn = post(
        &app,
        &young,
        &format!("/api/v1/cases/{case}/consents/{young_consent}/withdraw"),
        json!({}),
    )
    .await;
    assert_eq!(withdrawn.status(), 204);
    let (_, seen) = case_of(&app, &professional, &case).await;
    assert_eq!(seen["sharing"]["permitted"], false, "the very next request");
    assert_eq!(seen["permissions"]["read_documents"], false);
    assert_eq!(missing_codes(&seen), ["consent_young_person"]);
    // Consents are withdrawn, never deleted: the history stays on the case.
    let withdrawn_entry = seen["consents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == young_consent.as_str())
        .unwrap()
        .clone();
    assert_eq!(withdrawn_entry["active"], false);
    assert!(withdrawn_entry["withdrawn_at"].is_string());
}

async fn strangers_and_other_municipalities_get_404(backend: Backend) {
    let app = spawn_app(backend).await;
    let coordinator = logged_in(&app, "coordinator").await;
    let case = create_case(&app, &coordinator, "young17").await;

    // Staff of the same municipality with no role, a citizen with no role: the case does not exist.
    let guidance = logged_in(&app, "guidance").await;
    assert_problem(
        get(&app, &guidance, &format!("/api/v1/cases/{case}")).await,
        404,
    )
    .await;
    let stranger = logged_in(&app, "young19").await;
    assert_problem(
        get(&app, &stranger, &format!("/api/v1/cases/{case}")).await,
        404,
    )
    .await;
    // Exactly as a case that does not exist at all.
    let unknown = get(
        &app,
        &guidance,
        "/api/v1/cases/00000000-0000-4000-8000-000000000000",
    )
    .await;
    assert_problem(unknown, 404).await;
    assert_problem(get(&app, &guidance, "/api/v1/cases/not-an-id").await, 404).await;

    // An admin of another municipality sees nothing, searches nothing.
    let other = other_municipality_admin(&app).await;
    assert_problem(
        get(&app, &other, &format!("/api/v1/cases/{case}")).await,
        404,
    )
    .await;
    let young = identity(&app, "young17").await;
    let found: Vec<Value> = get(
        &app,
        &other,
        &format!("/api/v1/cases?q={}", young["cpr"].as_str().unwrap()),
    )
    .await
    .json()
    .await
    .unwrap();
    assert!(
        found.is_empty(),
        "a CPR number of another municipality is not revealed"
    );
    let adding = post(&app, &other, &format!("/api/v1/cases/{case}/participants"), json!({"role": "professional", "access": "read", "account_id": "00000000-0000-4000-8000-000000000000"})).await;
    assert_problem(adding, 404).await;
}

pub(crate) async fn other_municipality_admin(app: &TestApp) -> reqwest::Client {
    let db = &app.app.db;
    let now = time::OffsetDateTime::now_utc();
    let aarhus = municipalities::create(
        db,
        MunicipalityCode::parse("751").unwrap(),
        "Aarhus Kommune",
        now,
    )
    .await
    .unwrap();
    let staff = NewStaff {
        municipality_id: aarhus.id,
        name: PersonName::parse("Anna Aarhus").unwrap(),
        email: Email::parse("anna@aarhus.dk").unwrap(),
        department: Department::ChildrenYouth,
        is_admin: true,
    };
    let id = vejviser::staff::create::by_operator(db, &staff, now)
        .await
        .unwrap();
    session_for(app, id, AssuranceLevel::Substantial).await
}

async fn participants_who_may_not_get_403_with_the_reason(backend: Backend) {
    let app = spawn_app(backend).await;
    let coordinator = logged_in(&app, "coordinator").await;
    let case = create_case(&app, &coordinator, "young17").await;
    add_professional(&app, &coordinator, &case, "Jonas", "read").await;
    let professional = logged_in(&app, "jobcentre").await;
    let refused = post(
        &app,
        &professional,
        &format!("/api/v1/cases/{case}/participants"),
        json!({
            "role": "trusted_adult", "access": "read", "cpr": "0101801234", "name": "Ole Onkel"
        }),
    )
    .await;
    let body = assert_problem(refused, 403).await;
    assert_eq!(body["reason"], "coordinator_only");
    assert_eq!(body["detail_da"], "Kun sagens koordinator kan gøre dette.");
    let refused = post(
        &app,
        &professional,
        &format!("/api/v1/cases/{case}/close"),
        json!({}),
    )
    .await;
    assert_eq!(
        assert_problem(refused, 403).await["reason"],
        "coordinator_only"
    );
    let (_, seen) = case_of(&app, &professional, &case).await;
    assert_eq!(seen["permissions"]["write_documents"], false);

    // A citizen cannot create cases.
    let young = logged_in(&app, "young17").await;
    let refused = post(
        &app,
        &young,
        "/api/v1/cases",
        json!({"young_person": {"cpr": "0101081234", "name": "X"}}),
    )
    .await;
    assert_eq!(assert_problem(refused, 403).await["reason"], "staff_only");
}

#[tokio::test]
async fn access_changes_and_removal_take_effect_at_once() {
    let app = spawn_app(Backend::Sqlite).await;
    let coordinator = logged_in(&app, "coordinator").await;
    let case = create_case(&app, &coordinator, "young19").await;
    add_citizen(&app, &coordinator, &case, "young19", "young_person", None).await;
    let pid = add_professional(&app, &coordinator, &case, "Jonas", "read").await;
    let young = logged_in(&app, "young19").await;
    consent(&app, &young, &case, &["job_centre"]).await;
    let professional = logged_in(&app, "jobcentre").await;
    let (_, seen) = case_of(&app, &professional, &case).await;
    assert_eq!(
        (
            seen["permissions"]["read_documents"].clone(),
            seen["permissions"]["write_documents"].clone()
        ),
        (json!(true), json!(false))
    );

    let patch = coordinator
        .patch(app.url(&format!("/api/v1/cases/{case}/participants/{pid}")))
        .json(&json!({"access": "write"}))
        .send()
        .await
        .unwrap();
    assert_eq!(patch.status(), 204);
    assert_eq!(
        case_of(&app, &professional, &case).await.1["permissions"]["write_documents"],
        true
    );

    let removed = coordinator
        .delete(app.url(&format!("/api/v1/cases/{case}/participants/{pid}")))
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), 204);
    assert_eq!(
        case_of(&app, &professional, &case).await.0,
        404,
        "removed: the case is gone for them"
    );
}

#[tokio::test]
async fn a_professional_outside_the_consents_scope_sees_no_documents() {
    let app = spawn_app(Backend::Sqlite).await;
    let coordinator = logged_in(&app, "coordinator").await;
    let case = create_case(&app, &coordinator, "young19").await;
    add_citizen(&app, &coordinator, &case, "young19", "young_person", None).await;
    add_professional(&app, &coordinator, &case, "Amira", "read").await;
    let young = logged_in(&app, "young19").await;
    consent(&app, &young, &case, &["job_centre"]).await;
    let guidance = logged_in(&app, "guidance").await;
    let (_, seen) = case_of(&app, &guidance, &case).await;
    assert_eq!(seen["sharing"]["permitted"], true);
    assert_eq!(
        seen["permissions"]["documents_denied"]["code"],
        "outside_consent_scope"
    );
}

#[tokio::test]
async fn custody_rule_any_needs_one_custody_holder() {
    let app = spawn_app_with(Backend::Sqlite, "[consent]\ncustody_rule = \"any\"").await;
    let coordinator = logged_in(&app, "coordinator").await;
    let case = create_case(&app, &coordinator, "young17").await;
    add_citizen(&app, &coordinator, &case, "young17", "young_person", None).await;
    add_citizen(&app, &coordinator, &case, "parent", "parent", Some(true)).await;
    add_citizen(
        &app,
        &coordinator,
        &case,
        "parent_nocustody",
        "parent",
        Some(true),
    )
    .await;
    let young = logged_in(&app, "young17").await;
    consent(&app, &young, &case, &["job_centre"]).await;
    assert_eq!(
        case_of(&app, &coordinator, &case).await.1["sharing"]["permitted"],
        false
    );
    let parent = logged_in(&app, "parent").await;
    consent(&app, &parent, &case, &["job_centre"]).await;
    assert_eq!(
        case_of(&app, &coordinator, &case).await.1["sharing"]["permitted"],
        true,
        "one custody holder is enough"
    );
}

#[tokio::test]
async fn a_parent_without_custody_never_consents_and_parents_lose_access_at_18() {
    let app = spawn_app(Backend::Sqlite).await;
    let coordinator = logged_in(&app, "coordinator").await;
    // young17's case: the parent without custody may look but not consent.
    let minor_case = create_case(&app, &coordinator, "young17").await;
    add_citizen(
        &app,
        &coordinator,
        &minor_case,
        "parent_nocustody",
        "parent",
        Some(false),
    )
    .await;
    let no_custody = logged_in(&app, "parent_nocustody").await;
    assert_eq!(case_of(&app, &no_custody, &minor_case).await.0, 200);
    let refused = post(
        &app,
        &no_custody,
        &format!("/api/v1/cases/{minor_case}/consents"),
        json!({"scope": ["job_centre"]}),
    )
    .await;
    assert_eq!(
        assert_problem(refused, 403).await["reason"],
        "not_a_consenter"
    );

    // young19's case: a parent's access ended at 18, until the young adult grants it again.
    let adult_case = create_case(&app, &coordinator, "young19").await;
    add_citizen(
        &app,
        &coordinator,
        &adult_case,
        "young19",
        "young_person",
        None,
    )
    .await;
    let parent_pid = add_citizen(
        &app,
        &coordinator,
        &adult_case,
        "parent",
        "parent",
        Some(true),
    )
    .await;
    let parent = logged_in(&app, "parent").await;
    let refused = get(&app, &parent, &format!("/api/v1/cases/{adult_case}")).await;
    assert_eq!(
        assert_problem(refused, 403).await["reason"],
        "parent_access_ended"
    );
    // Only the young adult may grant it; the parent cannot grant it to themselves.
    let refused = post(
        &app,
        &parent,
        &format!("/api/v1/cases/{adult_case}/participants/{parent_pid}/grant"),
        json!({}),
    )
    .await;
    assert_eq!(refused.status(), 403);
    let young = logged_in(&app, "young19").await;
    let granted = post(
        &app,
        &young,
        &format!("/api/v1/cases/{adult_case}/participants/{parent_pid}/grant"),
        json!({}),
    )
    .await;
    assert_eq!(granted.status(), 204);
    assert_eq!(case_of(&app, &parent, &adult_case).await.0, 200);
}

#[tokio::test]
async fn the_coordinator_records_and_withdraws_a_paper_consent() {
    let app = spawn_app(Backend::Sqlite).await;
    let coordinator = logged_in(&app, "coordinator").await;
    let case = create_case(&app, &coordinator, "young19").await;
    let young_pid = add_citizen(&app, &coordinator, &case, "young19", "young_person", None).await;
    let today = time::OffsetDateTime::now_utc().date();
    let paper = post(&app, &coordinator, &format!("/api/v1/cases/{case}/consents"), json!({
        "given_by_participant_id": young_pid, "scope": ["job_centre", "adult"], "signed_on": today.to_string()
    }))
    .await;
    assert_eq!(paper.status(), 201);
    let consent_id = paper.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, seen) = case_of(&app, &coordinator, &case).await;
    assert_eq!(seen["sharing"]["permitted"], true);
    assert_eq!(seen["consents"][0]["method"], "paper");
    let future = post(&app, &coordinator, &format!("/api/v1/cases/{case}/consents"), json!({
        "given_by_participant_id": young_pid, "scope": ["adult"], "signed_on": (today + time::Duration::days(3)).to_string()
    }))
    .await;
    assert_eq!(assert_problem(future, 422).await["field"], "signed_on");
    let before_birth = post(
        &app,
        &coordinator,
        &format!("/api/v1/cases/{case}/consents"),
        json!({
            "given_by_participant_id": young_pid, "scope": ["adult"], "signed_on": "2000-01-01"
        }),
    )
    .await;
    let refused = assert_problem(before_birth, 422).await;
    assert_eq!(refused["field"], "signed_on");
    assert!(
        refused["detail"].as_str().unwrap().contains("born"),
        "{refused}"
    );
    let withdrawn = post(
        &app,
        &coordinator,
        &format!("/api/v1/cases/{case}/consents/{consent_id}/withdraw"),
        json!({}),
    )
    .await;
    assert_eq!(withdrawn.status(), 204);
    assert_eq!(
        case_of(&app, &coordinator, &case).await.1["sharing"]["permitted"],
        false
    );
}

#[tokio::test]
async fn bad_input_is_answered_with_problems_naming_the_field() {
    let app = spawn_app(Backend::Sqlite).await;
    let coordinator = logged_in(&app, "coordinator").await;
    let create = |body: Value| post(&app, &coordinator, "/api/v1/cases", body);
    let body = assert_problem(
        create(json!({"young_person": {"cpr": "12345", "name": "X"}})).await,
        422,
    )
    .await;
    assert_eq!(body["field"], "young_person.cpr");
    let body = assert_problem(
        create(json!({"young_person": {"cpr": "3102081234", "name": "X"}})).await,
        422,
    )
    .await;
    assert!(
        body["detail"].as_str().unwrap().contains("real date"),
        "{body}"
    );
    let body = assert_problem(
        create(json!({"young_person": {"cpr": "0101081234", "name": "x".repeat(201)}})).await,
        422,
    )
    .await;
    assert_eq!(body["field"], "young_person.name");
    assert_problem(
        create(json!({"young_person": {"cpr": "0101081234"}})).await,
        422,
    )
    .await;
    assert_problem(
        create(json!({"young_person": {"cpr": "0101081234", "name": "X"}, "colour": "blue"})).await,
        422,
    )
    .await;
    let not_json = coordinator
        .post(app.url("/api/v1/cases"))
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_problem(not_json, 400).await;

    let case = create_case(&app, &coordinator, "young17").await;
    let dup = create(
        json!({"young_person": {"cpr": identity(&app, "young17").await["cpr"], "name": "Sofie"}}),
    )
    .await;
    assert_problem(dup, 409).await;
    let participants_path = format!("/api/v1/cases/{case}/participants");
    let add = |body: Value| post(&app, &coordinator, &participants_path, body);
    let body = assert_problem(add(json!({"role": "uncle", "access": "read"})).await, 422).await;
    assert!(
        body["detail"].as_str().unwrap().contains("unknown variant"),
        "{body}"
    );
    assert_problem(
        add(json!({"role": "parent", "access": "everything", "cpr": "0101801234", "name": "P"}))
            .await,
        422,
    )
    .await;
    let body = assert_problem(
        add(json!({"role": "parent", "access": "read", "cpr": "01018", "name": "P"})).await,
        422,
    )
    .await;
    assert_eq!(body["field"], "cpr");
    let body = assert_problem(
        add(json!({"role": "young_person", "access": "read", "cpr": "0101801234", "name": "P"}))
            .await,
        422,
    )
    .await;
    assert_eq!(body["field"], "cpr", "not the young person's CPR");
    let body = assert_problem(add(json!({"role": "parent", "access": "read", "cpr": "0101801234", "name": "P", "email": "nope"})).await, 422).await;
    assert_eq!(body["field"], "email");
    let body = assert_problem(
        add(json!({"role": "professional", "access": "read"})).await,
        422,
    )
    .await;
    assert_eq!(body["field"], "account_id");
    add_citizen(&app, &coordinator, &case, "parent", "parent", Some(true)).await;
    let person = identity(&app, "parent").await;
    let again =
        add(json!({"role": "parent", "access": "read", "cpr": person["cpr"], "name": "Hanne"}))
            .await;
    assert_problem(again, 409).await;
}

#[tokio::test]
async fn admins_manage_but_read_no_documents() {
    let app = spawn_app(Backend::Sqlite).await;
    let coordinator = logged_in(&app, "coordinator").await;
    let case = create_case(&app, &coordinator, "young19").await;
    add_citizen(&app, &coordinator, &case, "young19", "young_person", None).await;
    let young = logged_in(&app, "young19").await;
    consent(&app, &young, &case, &["other"]).await;
    let admin = logged_in(&app, "admin").await;
    let (status, seen) = case_of(&app, &admin, &case).await;
    assert_eq!(status, 200);
    assert_eq!(seen["my_role"], "admin");
    assert_eq!(seen["permissions"]["read_documents"], false);
    assert_eq!(
        seen["permissions"]["documents_denied"]["code"],
        "admin_no_documents"
    );

    // The admin reassigns the coordinator to the job-centre consultant.
    let jonas = staff_id(&app, &admin, "Jonas").await;
    let moved = post(
        &app,
        &admin,
        &format!("/api/v1/cases/{case}/coordinator"),
        json!({"account_id": jonas}),
    )
    .await;
    assert_eq!(moved.status(), 200);
    let jobcentre = logged_in(&app, "jobcentre").await;
    assert_eq!(
        case_of(&app, &jobcentre, &case).await.1["my_role"],
        "coordinator"
    );
    assert_eq!(
        case_of(&app, &coordinator, &case).await.0,
        404,
        "the former coordinator has no role now"
    );

    // A coordinator cannot be deactivated: the case would have no one (#16). Refused, nothing
    // changed; once the case is handed back, it works.
    let patch = admin
        .patch(app.url(&format!("/api/v1/staff/{jonas}")))
        .json(&json!({"is_active": false}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(patch, 409).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("coordinat")
            || problem["detail"].as_str().unwrap().contains("koordinator"),
        "{problem}"
    );
    assert_eq!(get(&app, &jobcentre, "/api/v1/me").await.status(), 200);
    let karen = identity(&app, "coordinator").await["name"]
        .as_str()
        .unwrap()
        .to_owned();
    let karen = staff_id(&app, &admin, &karen).await;
    let back = post(
        &app,
        &admin,
        &format!("/api/v1/cases/{case}/coordinator"),
        json!({"account_id": karen}),
    )
    .await;
    assert_eq!(back.status(), 200);

    // Deactivating a staff member ends their sessions at once.
    let patch = admin
        .patch(app.url(&format!("/api/v1/staff/{jonas}")))
        .json(&json!({"is_active": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(patch.status(), 204);
    assert_problem(get(&app, &jobcentre, "/api/v1/me").await, 401).await;
    // Non-admins cannot.
    let refused = coordinator
        .patch(app.url(&format!("/api/v1/staff/{jonas}")))
        .json(&json!({"is_active": true}))
        .send()
        .await
        .unwrap();
    assert_problem(refused, 403).await;
    // Nor can an admin change their own account, either way (the policy's OwnAccount).
    let me: Value = get(&app, &admin, "/api/v1/me").await.json().await.unwrap();
    let own = me["id"].as_str().unwrap();
    for change in [
        json!({"is_admin": false}),
        json!({"is_active": false}),
        json!({"is_admin": true}),
    ] {
        let response = admin
            .patch(app.url(&format!("/api/v1/staff/{own}")))
            .json(&change)
            .send()
            .await
            .unwrap();
        assert_eq!(
            assert_problem(response, 403).await["reason"],
            "own_account",
            "{change}"
        );
    }
    assert_eq!(
        get(&app, &admin, "/api/v1/me")
            .await
            .json::<Value>()
            .await
            .unwrap()["is_admin"],
        true
    );
}

#[tokio::test]
async fn closed_cases_are_read_only_until_reopened() {
    let app = spawn_app(Backend::Sqlite).await;
    let coordinator = logged_in(&app, "coordinator").await;
    let case = create_case(&app, &coordinator, "young19").await;
    let closed = post(
        &app,
        &coordinator,
        &format!("/api/v1/cases/{case}/close"),
        json!({}),
    )
    .await;
    assert_eq!(closed.json::<Value>().await.unwrap()["status"], "closed");
    let person = identity(&app, "young19").await;
    let refused = post(
        &app,
        &coordinator,
        &format!("/api/v1/cases/{case}/participants"),
        json!({
            "role": "young_person", "access": "read", "cpr": person["cpr"], "name": person["name"]
        }),
    )
    .await;
    assert_eq!(assert_problem(refused, 403).await["reason"], "case_closed");
    post(
        &app,
        &coordinator,
        &format!("/api/v1/cases/{case}/reopen"),
        json!({}),
    )
    .await;
    add_citizen(&app, &coordinator, &case, "young19", "young_person", None).await;
}

#[tokio::test]
async fn low_assurance_citizens_see_nothing_of_their_case() {
    let app = spawn_app(Backend::Sqlite).await;
    let coordinator = logged_in(&app, "coordinator").await;
    let case = create_case(&app, &coordinator, "young19").await;
    add_citizen(&app, &coordinator, &case, "young19", "young_person", None).await;
    logged_in(&app, "young19").await;
    let (account,): (String,) = sqlx::query_as("SELECT id FROM accounts WHERE kind = 'citizen'")
        .fetch_one(app.app.db.pool())
        .await
        .unwrap();
    let low = session_for(
        &app,
        vejviser::domain::ids::AccountId::parse(&account).unwrap(),
        AssuranceLevel::Low,
    )
    .await;
    let refused = get(&app, &low, &format!("/api/v1/cases/{case}")).await;
    assert_eq!(
        assert_problem(refused, 403).await["reason"],
        "assurance_too_low"
    );
}

#[tokio::test]
async fn mine_search_and_the_18_warning() {
    let app = spawn_app(Backend::Sqlite).await;
    let coordinator = logged_in(&app, "coordinator").await;
    let minor = create_case(&app, &coordinator, "young17").await;
    create_case(&app, &coordinator, "young19").await;
    let mine: Vec<Value> = get(&app, &coordinator, "/api/v1/cases")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine.len(), 2);
    let entry = mine.iter().find(|c| c["id"] == minor.as_str()).unwrap();
    assert_eq!(entry["role"], "coordinator");
    // young17 is 17 and about 200 days (config/dev-identities.toml): inside the six months.
    assert_eq!(entry["approaching_18"], true);
    let found: Vec<Value> = get(&app, &coordinator, "/api/v1/cases?q=sofie")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    let cpr = identity(&app, "young19").await["cpr"]
        .as_str()
        .unwrap()
        .to_owned();
    let found: Vec<Value> = get(&app, &coordinator, &format!("/api/v1/cases?q={cpr}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found[0]["young_person_name"], "Mikkel Jensen");
    // A professional with no role finds nothing, even by exact CPR.
    let guidance = logged_in(&app, "guidance").await;
    let found: Vec<Value> = get(&app, &guidance, &format!("/api/v1/cases?q={cpr}"))
        .await
        .json()
        .await
        .unwrap();
    assert!(found.is_empty());
}

/// The search's limit counts the cases the caller may see: a professional finds their own case
/// among more same-named cases than one page holds.
#[tokio::test]
async fn case_search_finds_a_professionals_case_among_many() {
    let app = spawn_app(Backend::Sqlite).await;
    let coordinator = logged_in(&app, "coordinator").await;
    for n in 0..55 {
        // Born in 2008 (the seventh digit 4 puts a year 08 in the 2000s).
        let created = post(
            &app,
            &coordinator,
            "/api/v1/cases",
            json!({ "young_person": { "cpr": format!("0101084{n:03}"), "name": format!("Anna Hansen {n:02}") } }),
        )
        .await;
        assert_eq!(created.status(), 201);
    }
    let created = post(
        &app,
        &coordinator,
        "/api/v1/cases",
        json!({ "young_person": { "cpr": "0202084999", "name": "Anna Hansen Zeta" } }),
    )
    .await;
    let mine = created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    add_professional(&app, &coordinator, &mine, "Jonas", "read").await;

    let jonas = logged_in(&app, "jobcentre").await;
    let found: Vec<Value> = get(&app, &jonas, "/api/v1/cases?q=Anna%20Hansen")
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = found.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [mine.as_str()],
        "only and exactly the professional's own case"
    );
    let all: Vec<Value> = get(&app, &coordinator, "/api/v1/cases?q=Anna%20Hansen")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all.len(), 50, "the coordinator's page is full");
}

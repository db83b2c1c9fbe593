//! Separation of duties over the API, on both databases: no route lets an account widen its own
//! access (a table of every route that changes who may read), a professional's department is
//! their staff account's and only another admin changes it, consent stays its giver's when they
//! are removed from the case, and case creation reveals no case to a caseworker without a part.

use crate::helpers::{Backend, TestApp, assert_problem, on_both_databases, spawn_app};
use crate::team::{
    add_citizen, add_professional, case_of, consent, create_case, get, identity, logged_in, post,
    session_for, staff_id,
};
use serde_json::{Value, json};
use vejviser::crypto::purpose::LookupPurpose;
use vejviser::domain::assurance_level::AssuranceLevel;
use vejviser::domain::department::Department;
use vejviser::domain::email::Email;
use vejviser::domain::ids::AccountId;
use vejviser::domain::municipality_code::MunicipalityCode;
use vejviser::domain::person_name::PersonName;
use vejviser::store::accounts::NewStaff;
use vejviser::store::audit::{self as audit_store, AuditRow, Filter};
use vejviser::store::{municipalities, staff_duties};

on_both_databases!(
    no_route_widens_ones_own_access,
    a_professionals_department_is_their_staff_accounts,
    a_removed_giver_keeps_their_consents_but_shares_nothing,
    case_creation_reveals_no_case_to_a_caseworker_without_a_part,
);

/// The access log's rows with `action`, newest first.
async fn audit_rows(app: &TestApp, action: &str) -> Vec<AuditRow> {
    let filter = Filter {
        action: Some(action.into()),
        ..Filter::default()
    };
    audit_store::search(&app.app.db, &filter, 0, 1000)
        .await
        .unwrap()
}

async fn patch(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    body: Value,
) -> reqwest::Response {
    client
        .patch(app.url(path))
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// Records `cpr` as the own CPR number of the staff account `staff` (as `staff set-cpr` does).
async fn own_cpr(app: &TestApp, staff: &str, cpr: &str) {
    let id = AccountId::parse(staff).unwrap();
    let hash = app.app.lookup.hash(LookupPurpose::Cpr, cpr);
    let mut tx = app.app.db.begin().await.unwrap();
    staff_duties::set_own_cpr_hash(&mut tx, id, &hash)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// A second children-and-youth caseworker of the demo municipality (may create cases).
async fn second_caseworker(app: &TestApp) -> reqwest::Client {
    let db = &app.app.db;
    let demo = municipalities::find_by_code(db, MunicipalityCode::parse("999").unwrap())
        .await
        .unwrap();
    let staff = NewStaff {
        municipality_id: demo.id,
        name: PersonName::parse("Bo Børnesag").unwrap(),
        email: Email::parse("bo@demo-kommune.example").unwrap(),
        department: Department::ChildrenYouth,
        is_admin: false,
    };
    let id = vejviser::staff::create::by_operator(db, &staff, time::OffsetDateTime::now_utc())
        .await
        .unwrap();
    session_for(app, id, AssuranceLevel::Substantial).await
}

async fn no_route_widens_ones_own_access(backend: Backend) {
    let app = spawn_app(backend).await;
    let coordinator = logged_in(&app, "coordinator").await;
    let admin = logged_in(&app, "admin").await;
    let case = create_case(&app, &coordinator, "young19").await;
    let karen = staff_id(&app, &coordinator, "Karen").await;
    let peter = staff_id(&app, &coordinator, "Peter").await;
    let young_pid = add_citizen(&app, &coordinator, &case, "young19", "young_person", None).await;
    let citizen = logged_in(&app, "young19").await;
    // An admin the coordinator added (read-only) and a trusted adult whose CPR is then recorded
    // as the coordinator's own: the routes below must not widen either's access.
    let admin_pid = add_professional(&app, &coordinator, &case, "Peter", "read").await;
    let uncle = "0101801234";
    let added = post(
        &app,
        &coordinator,
        &format!("/api/v1/cases/{case}/participants"),
        json!({"role": "trusted_adult", "access": "read", "cpr": uncle, "name": "Ole Onkel"}),
    )
    .await;
    assert_eq!(added.status(), 201);
    let uncle_pid = added.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    own_cpr(&app, &karen, uncle).await;
    let participants = format!("/api/v1/cases/{case}/participants");

    let table: Vec<(&str, &reqwest::Client, &str, String, Value, &str)> = vec![
        (
            "admin hands the case over to themselves",
            &admin,
            "POST",
            format!("/api/v1/cases/{case}/coordinator"),
            json!({"account_id": peter}),
            "self_hand_over",
        ),
        (
            "the coordinator hands the case over to themselves",
            &coordinator,
            "POST",
            format!("/api/v1/cases/{case}/coordinator"),
            json!({"account_id": karen}),
            "self_hand_over",
        ),
        (
            "admin adds themselves as a professional",
            &admin,
            "POST",
            participants.clone(),
            json!({"role": "professional", "access": "write", "account_id": peter}),
            "self_participant",
        ),
        (
            "admin raises their own access",
            &admin,
            "PATCH",
            format!("{participants}/{admin_pid}"),
            json!({"access": "write"}),
            "own_access",
        ),
        (
            "the coordinator adds their own CPR as a trusted adult",
            &coordinator,
            "POST",
            participants.clone(),
            json!({"role": "trusted_adult", "access": "read", "cpr": uncle, "name": "Karen Holm"}),
            "own_identity",
        ),
        (
            "the coordinator records a paper consent for their own CPR",
            &coordinator,
            "POST",
            format!("/api/v1/cases/{case}/consents"),
            json!({"scope": ["job_centre"], "given_by_participant_id": uncle_pid, "signed_on": "2025-01-02"}),
            "own_identity",
        ),
        (
            "the coordinator opens a case about their own CPR",
            &coordinator,
            "POST",
            "/api/v1/cases".into(),
            json!({"young_person": {"cpr": uncle, "name": "Karen Holm"}}),
            "own_identity",
        ),
        (
            "the young adult grants their own participation",
            &citizen,
            "POST",
            format!("{participants}/{young_pid}/grant"),
            json!({}),
            "self_grant",
        ),
        (
            "admin moves themselves to another department",
            &admin,
            "PATCH",
            format!("/api/v1/staff/{peter}"),
            json!({"department": "job_centre"}),
            "own_account",
        ),
        (
            "admin lets themselves create cases",
            &admin,
            "PATCH",
            format!("/api/v1/staff/{peter}"),
            json!({"may_create_cases": true}),
            "own_account",
        ),
    ];
    for (label, client, method, path, body, reason) in table {
        let denied_before = audit_rows(&app, "denied").await.len();
        let response = match method {
            "PATCH" => patch(&app, client, &path, body).await,
            _ => post(&app, client, &path, body).await,
        };
        let problem = assert_problem(response, 403).await;
        assert_eq!(problem["reason"], reason, "{label}: {problem}");
        // The attempt is a denied row of the access log, with the reason.
        let denied = audit_rows(&app, "denied").await;
        assert_eq!(denied.len(), denied_before + 1, "{label}");
        assert_eq!(denied[0].reason.as_deref(), Some(reason), "{label}");
        assert_eq!(denied[0].outcome, "denied", "{label}");
        assert!(!problem["detail"].as_str().unwrap().is_empty(), "{label}");
        assert!(
            !problem["detail_da"].as_str().unwrap().is_empty(),
            "{label}"
        );
    }

    // Nothing changed: the coordinator, the admin's read-only access, the team, the flags.
    let (_, view) = case_of(&app, &coordinator, &case).await;
    assert_eq!(view["coordinator"]["id"], karen, "{view}");
    let team = view["participants"].as_array().unwrap();
    assert_eq!(team.len(), 3, "{view}");
    let admin_row = team.iter().find(|p| p["id"] == admin_pid.as_str()).unwrap();
    assert_eq!(admin_row["access"], "read");
    assert!(view["consents"].as_array().unwrap().is_empty());
    let found: Vec<Value> = get(&app, &admin, "/api/v1/staff?q=Peter")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found[0]["department"], "other");
    assert_eq!(found[0]["may_create_cases"], false);
    let (status, _) = case_of(&app, &citizen, &case).await;
    assert_eq!(status, 200, "the young person still sees their case");

    // The same grants to someone else go through: the refusals are about the self only.
    let colleague = staff_id(&app, &coordinator, "Amira").await;
    let handed = post(
        &app,
        &admin,
        &format!("/api/v1/cases/{case}/coordinator"),
        json!({"account_id": colleague}),
    )
    .await;
    assert!(handed.status().is_success(), "{}", handed.status());
    let (_, view) = case_of(&app, &admin, &case).await;
    assert_eq!(view["coordinator"]["id"], colleague.as_str());
    let jonas = staff_id(&app, &admin, "Jonas").await;
    let moved = patch(
        &app,
        &admin,
        &format!("/api/v1/staff/{jonas}"),
        json!({"department": "school"}),
    )
    .await;
    assert_eq!(moved.status(), 204);
    // The move is recorded as what it is, naming the staff member moved.
    let recorded = audit_rows(&app, "change_department").await;
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    assert_eq!(
        recorded[0].target_account_id.as_deref(),
        Some(jonas.as_str())
    );
    assert_eq!(recorded[0].actor_role.as_deref(), Some("admin"));
    assert!(audit_rows(&app, "change_staff_flags").await.is_empty());
}

async fn a_professionals_department_is_their_staff_accounts(backend: Backend) {
    let app = spawn_app(backend).await;
    let coordinator = logged_in(&app, "coordinator").await;
    let admin = logged_in(&app, "admin").await;
    let case = create_case(&app, &coordinator, "young19").await;
    add_citizen(&app, &coordinator, &case, "young19", "young_person", None).await;
    let jonas = staff_id(&app, &coordinator, "Jonas").await;
    // A request naming another department than the staff account's is refused.
    let refused = post(&app, &coordinator, &format!("/api/v1/cases/{case}/participants"),
        json!({"role": "professional", "access": "read", "account_id": jonas, "department": "children_youth"})).await;
    let problem = assert_problem(refused, 422).await;
    assert_eq!(problem["field"], "department");
    add_professional(&app, &coordinator, &case, "Jonas", "read").await;
    let citizen = logged_in(&app, "young19").await;
    consent(&app, &citizen, &case, &["job_centre"]).await;
    let professional = logged_in(&app, "jobcentre").await;
    let (_, view) = case_of(&app, &professional, &case).await;
    assert_eq!(view["permissions"]["read_documents"], true, "{view}");

    // Only an admin moves Jonas, and the case follows his account at once: the consent covers
    // the job centre, not the school.
    let not_admin = patch(
        &app,
        &coordinator,
        &format!("/api/v1/staff/{jonas}"),
        json!({"department": "school"}),
    )
    .await;
    assert_eq!(assert_problem(not_admin, 403).await["reason"], "admin_only");
    let moved = patch(
        &app,
        &admin,
        &format!("/api/v1/staff/{jonas}"),
        json!({"department": "school"}),
    )
    .await;
    assert_eq!(moved.status(), 204);
    let (_, view) = case_of(&app, &professional, &case).await;
    assert_eq!(view["permissions"]["read_documents"], false, "{view}");
    assert_eq!(
        view["permissions"]["documents_denied"]["code"], "outside_consent_scope",
        "{view}"
    );
    let team = view["participants"].as_array().unwrap();
    assert!(team.iter().any(|p| p["department"] == "school"), "{view}");
    let unknown = patch(
        &app,
        &admin,
        &format!("/api/v1/staff/{jonas}"),
        json!({"department": "uncle"}),
    )
    .await;
    assert!(unknown.status().is_client_error(), "{}", unknown.status());
}

async fn a_removed_giver_keeps_their_consents_but_shares_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let coordinator = logged_in(&app, "coordinator").await;
    let case = create_case(&app, &coordinator, "young19").await;
    let young_pid = add_citizen(&app, &coordinator, &case, "young19", "young_person", None).await;
    add_professional(&app, &coordinator, &case, "Jonas", "read").await;
    let citizen = logged_in(&app, "young19").await;
    let given = consent(&app, &citizen, &case, &["job_centre"]).await;
    let professional = logged_in(&app, "jobcentre").await;
    let may_read = |view: &Value| view["permissions"]["read_documents"] == true;
    assert!(may_read(&case_of(&app, &professional, &case).await.1));

    let remove = |pid: String| {
        let (app, coordinator, case) = (&app, &coordinator, &case);
        async move {
            let response = coordinator
                .delete(app.url(&format!("/api/v1/cases/{case}/participants/{pid}")))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 204);
        }
    };
    remove(young_pid).await;
    let (_, view) = case_of(&app, &professional, &case).await;
    assert!(
        !may_read(&view),
        "removal stops sharing by their consent: {view}"
    );
    assert_eq!(
        view["sharing"]["missing"][0]["code"],
        "consent_young_person"
    );
    // Out of the case, but still the giver: their consent is theirs to see and withdraw.
    assert_eq!(case_of(&app, &citizen, &case).await.0, 404);
    let mine: Vec<Value> = get(
        &app,
        &citizen,
        &format!("/api/v1/cases/{case}/consents/mine"),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["id"], given.as_str());
    assert_eq!(mine[0]["may_withdraw"], true);

    // Re-added, their consent counts again; removed again, they withdraw it from outside.
    let again = add_citizen(&app, &coordinator, &case, "young19", "young_person", None).await;
    assert!(may_read(&case_of(&app, &professional, &case).await.1));
    remove(again).await;
    let withdrawn = post(
        &app,
        &citizen,
        &format!("/api/v1/cases/{case}/consents/{given}/withdraw"),
        json!({}),
    )
    .await;
    assert_eq!(withdrawn.status(), 204);
    add_citizen(&app, &coordinator, &case, "young19", "young_person", None).await;
    let (_, view) = case_of(&app, &professional, &case).await;
    assert!(
        !may_read(&view),
        "a withdrawn consent stays withdrawn: {view}"
    );
    // Strangers learn nothing from the new route.
    let stranger = logged_in(&app, "young17").await;
    assert_eq!(
        get(
            &app,
            &stranger,
            &format!("/api/v1/cases/{case}/consents/mine")
        )
        .await
        .status(),
        404
    );
}

async fn case_creation_reveals_no_case_to_a_caseworker_without_a_part(backend: Backend) {
    let app = spawn_app(backend).await;
    let coordinator = logged_in(&app, "coordinator").await;
    let case = create_case(&app, &coordinator, "young17").await;
    let young = identity(&app, "young17").await;
    let body = json!({"young_person": {"cpr": young["cpr"], "name": young["name"]}});

    // Without the flag: refused before the CPR number is looked at, the same for any CPR.
    let jobcentre = logged_in(&app, "jobcentre").await;
    for cpr in [young["cpr"].clone(), json!("0101801234")] {
        let response = post(
            &app,
            &jobcentre,
            "/api/v1/cases",
            json!({"young_person": {"cpr": cpr, "name": "Sofie Nielsen"}}),
        )
        .await;
        assert_eq!(
            assert_problem(response, 403).await["reason"],
            "may_not_create_cases"
        );
    }
    // A second caseworker: a neutral answer naming the coordinator's department, no case.
    let second = second_caseworker(&app).await;
    let response = post(&app, &second, "/api/v1/cases", body.clone()).await;
    let problem = assert_problem(response, 409).await;
    assert_eq!(problem["reason"], "case_elsewhere", "{problem}");
    // Logged for audit on the existing case: the young person sees that someone tried.
    let denied = audit_rows(&app, "denied").await;
    assert_eq!(denied[0].reason.as_deref(), Some("case_held_elsewhere"));
    assert_eq!(denied[0].case_id.as_deref(), Some(case.as_str()));
    assert_eq!(problem["department"], "children_youth");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("Children and youth services"),
        "{problem}"
    );
    assert!(
        problem["detail_da"]
            .as_str()
            .unwrap()
            .contains("Børne- og ungeforvaltningen"),
        "{problem}"
    );
    assert!(
        !problem.to_string().contains(&case),
        "the case id is not revealed: {problem}"
    );
    assert!(
        !problem.to_string().contains("Karen"),
        "nor the coordinator: {problem}"
    );
    // The coordinator is told plainly; an admin grants the flag and the job centre may create.
    let response = post(&app, &coordinator, "/api/v1/cases", body).await;
    assert_eq!(
        assert_problem(response, 409).await["detail"],
        "This municipality already has a case for this young person."
    );
    let admin = logged_in(&app, "admin").await;
    let jonas = staff_id(&app, &admin, "Jonas").await;
    let granted = patch(
        &app,
        &admin,
        &format!("/api/v1/staff/{jonas}"),
        json!({"may_create_cases": true}),
    )
    .await;
    assert_eq!(granted.status(), 204);
    let jobcentre = logged_in(&app, "jobcentre").await;
    create_case(&app, &jobcentre, "young19").await;
    // The seeded identities: the children-and-youth coordinator creates cases, the others not.
    let staff: Vec<Value> = get(&app, &admin, "/api/v1/staff?q=")
        .await
        .json()
        .await
        .unwrap();
    let flag =
        |name: &str| staff.iter().find(|s| s["name"] == name).unwrap()["may_create_cases"].clone();
    assert_eq!(flag("Karen Holm"), true);
    assert_eq!(flag("Amira Larsen"), false);
    assert_eq!(flag("Peter Dahl"), false);
}

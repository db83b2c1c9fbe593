//! Separation of duties through the page forms, as a browser posts them: every route that could
//! widen the poster's own access gives a refusal page saying why (in Danish), and changes
//! nothing; the admin's department form and the neutral answer for a case held elsewhere.

use crate::helpers::{Backend, spawn_app};
use crate::team::{
    add_citizen, add_professional, case_of, create_case, get, identity, logged_in, page, staff_id,
    submit,
};
use serde_json::Value;
use vejviser::crypto::purpose::LookupPurpose;
use vejviser::domain::ids::AccountId;
use vejviser::store::staff_duties;

/// A case in the table: what is tried, by whom, the form's path and fields, the sentence shown.
type Row<'a> = (
    &'a str,
    &'a reqwest::Client,
    String,
    Vec<(&'a str, &'a str)>,
    &'a str,
);

#[tokio::test]
async fn no_page_form_widens_the_posters_own_access() {
    let app = spawn_app(Backend::Sqlite).await;
    let coordinator = logged_in(&app, "coordinator").await;
    let admin = logged_in(&app, "admin").await;
    let case = create_case(&app, &coordinator, "young19").await;
    let karen = staff_id(&app, &coordinator, "Karen").await;
    let peter = staff_id(&app, &coordinator, "Peter").await;
    let young_pid = add_citizen(&app, &coordinator, &case, "young19", "young_person", None).await;
    let admin_pid = add_professional(&app, &coordinator, &case, "Peter", "read").await;
    let citizen = logged_in(&app, "young19").await;
    let young = identity(&app, "young19").await;
    let young_cpr = young["cpr"].as_str().unwrap().to_owned();
    // The young person's CPR recorded as Karen's own: she may not consent for them on paper.
    let hash = app
        .app
        .lookup
        .hash(LookupPurpose::Cpr, &young_cpr.replace('-', ""));
    let karen_id = AccountId::parse(&karen).unwrap();
    let mut tx = app.app.db.begin().await.unwrap();
    staff_duties::set_own_cpr_hash(&mut tx, karen_id, &hash)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let cases = format!("/cases/{case}");
    let table: Vec<Row> = vec![
        (
            "admin hands over to self",
            &admin,
            format!("{cases}/coordinator"),
            vec![("account_id", &peter)],
            "Du kan ikke overdrage sagen til dig selv",
        ),
        (
            "coordinator hands over to self",
            &coordinator,
            format!("{cases}/coordinator"),
            vec![("account_id", &karen)],
            "Du kan ikke overdrage sagen til dig selv",
        ),
        (
            "admin adds self",
            &admin,
            format!("{cases}/participants"),
            vec![
                ("role", "professional"),
                ("account_id", &peter),
                ("access", "write"),
            ],
            "Du kan ikke tilføje dig selv til en sag",
        ),
        (
            "admin raises own access",
            &admin,
            format!("{cases}/participants/{admin_pid}"),
            vec![("access", "write")],
            "Du kan ikke ændre din egen adgang",
        ),
        (
            "paper consent for own CPR",
            &coordinator,
            format!("{cases}/consents"),
            vec![
                ("given_by_participant_id", &young_pid),
                ("signed_on", "2025-01-02"),
                ("scope", "job_centre"),
            ],
            "Det er dit eget CPR-nummer",
        ),
        (
            "case about own CPR",
            &coordinator,
            "/cases/new".into(),
            vec![("cpr", &young_cpr), ("name", "Karen Holm")],
            "Det er dit eget CPR-nummer",
        ),
        (
            "young adult grants self",
            &citizen,
            format!("{cases}/participants/{young_pid}/grant"),
            vec![],
            "Du kan ikke give adgang til dig selv",
        ),
        (
            "admin moves self",
            &admin,
            format!("/admin/staff/{peter}/department"),
            vec![("department", "job_centre")],
            "Du kan ikke ændre din egen brugers adgang",
        ),
        (
            "admin lets self create cases",
            &admin,
            format!("/admin/staff/{peter}"),
            vec![("change", "allow_creating_cases")],
            "Du kan ikke ændre din egen brugers adgang",
        ),
    ];
    for (label, client, path, fields, sentence) in table {
        let (status, html) = submit(&app, client, &path, &fields).await;
        assert_eq!(status, 403, "{label}: {html}");
        assert!(html.contains(sentence), "{label}: {html}");
    }
    let (_, view) = case_of(&app, &coordinator, &case).await;
    assert_eq!(view["coordinator"]["id"], karen.as_str());
    assert_eq!(view["participants"].as_array().unwrap().len(), 2, "{view}");
    assert!(view["consents"].as_array().unwrap().is_empty(), "{view}");
    let found: Vec<Value> = get(&app, &admin, "/api/v1/staff?q=Peter")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found[0]["department"], "other");
    assert_eq!(found[0]["may_create_cases"], false);
}

#[tokio::test]
async fn the_admin_page_moves_staff_and_case_creation_answers_neutrally() {
    let app = spawn_app(Backend::Sqlite).await;
    let coordinator = logged_in(&app, "coordinator").await;
    let admin = logged_in(&app, "admin").await;
    create_case(&app, &coordinator, "young17").await;
    let (status, html) = page(&app, &admin, "/admin").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Skift afdeling") && html.contains("opretter sager"),
        "{html}"
    );
    let jonas = staff_id(&app, &admin, "Jonas").await;
    let (status, _) = submit(
        &app,
        &admin,
        &format!("/admin/staff/{jonas}/department"),
        &[("department", "adult")],
    )
    .await;
    assert_eq!(status, 303);
    let (status, _) = submit(
        &app,
        &admin,
        &format!("/admin/staff/{jonas}"),
        &[("change", "allow_creating_cases")],
    )
    .await;
    assert_eq!(status, 303);
    let found: Vec<Value> = get(&app, &admin, "/api/v1/staff?q=Jonas")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found[0]["department"], "adult");
    assert_eq!(found[0]["may_create_cases"], true);

    // Without the flag: refused. A second caseworker meets a case held elsewhere: the page
    // names the coordinator's department, nothing about the case.
    let guidance = logged_in(&app, "guidance").await;
    let young = identity(&app, "young17").await;
    let cpr = young["cpr"].as_str().unwrap();
    let (status, html) = submit(
        &app,
        &guidance,
        "/cases/new",
        &[("cpr", cpr), ("name", "Sofie Nielsen")],
    )
    .await;
    assert_eq!(status, 403, "{html}");
    assert!(
        html.contains("Kun sagsbehandlere, der må oprette sager"),
        "{html}"
    );
    let jobcentre = logged_in(&app, "jobcentre").await;
    let (status, html) = submit(
        &app,
        &jobcentre,
        "/cases/new",
        &[("cpr", cpr), ("name", "Sofie Nielsen")],
    )
    .await;
    assert_eq!(status, 409, "{html}");
    assert!(
        html.contains("Kontakt Børne- og ungeforvaltningen"),
        "{html}"
    );
    assert!(!html.contains("Karen Holm"), "{html}");
}

//! Changing a consent ("Ret"): a new consent with `replaces_consent_id` withdraws the old one in
//! the same transaction, so sharing counts the new scope only, never both nor neither; only the
//! giver's own active consent can be replaced, and never by a paper declaration.

use crate::helpers::{Backend, assert_problem, on_both_databases, spawn_app};
use crate::team::{
    add_citizen, add_professional, case_of, consent, create_case, logged_in, participant_id, post,
};
use serde_json::{Value, json};

on_both_databases!(a_changed_consent_takes_the_place_of_the_old_one_at_once,);

fn consent_by_id<'a>(case: &'a Value, id: &str) -> &'a Value {
    case["consents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
}

async fn a_changed_consent_takes_the_place_of_the_old_one_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let coordinator = logged_in(&app, "coordinator").await;
    let case = create_case(&app, &coordinator, "young17").await;
    add_citizen(&app, &coordinator, &case, "young17", "young_person", None).await;
    add_citizen(&app, &coordinator, &case, "parent", "parent", Some(true)).await;
    add_professional(&app, &coordinator, &case, "Jonas", "read").await;
    let young = logged_in(&app, "young17").await;
    let parent = logged_in(&app, "parent").await;
    let jonas = logged_in(&app, "jobcentre").await;
    let first = consent(&app, &young, &case, &["school"]).await;
    let parents = consent(&app, &parent, &case, &["job_centre"]).await;
    let (_, seen) = case_of(&app, &jonas, &case).await;
    assert_eq!(
        seen["permissions"]["read_documents"], false,
        "outside the young person's scope"
    );

    let url = format!("/api/v1/cases/{case}/consents");
    let changed = post(
        &app,
        &young,
        &url,
        json!({"scope": ["job_centre"], "replaces_consent_id": first}),
    )
    .await;
    assert_eq!(changed.status(), 201, "{}", changed.text().await.unwrap());
    let second = changed.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, seen) = case_of(&app, &jonas, &case).await;
    assert_eq!(seen["permissions"]["read_documents"], true, "{seen}");
    assert_eq!(consent_by_id(&seen, &first)["active"], false);
    assert!(consent_by_id(&seen, &first)["withdrawn_at"].is_string());
    assert_eq!(consent_by_id(&seen, &second)["active"], true);

    // The old one again (already replaced), someone else's, or on a paper declaration: refused
    // on the field, and nothing is given or withdrawn.
    for (who, replaces) in [(&young, &first), (&young, &parents)] {
        let refused = post(
            &app,
            who,
            &url,
            json!({"scope": ["adult"], "replaces_consent_id": replaces}),
        )
        .await;
        let problem = assert_problem(refused, 422).await;
        assert!(
            problem.to_string().contains("replaces_consent_id"),
            "{problem}"
        );
    }
    let young_participant = participant_id(&seen, "young_person");
    let paper = post(
        &app,
        &coordinator,
        &url,
        json!({"scope": ["adult"], "given_by_participant_id": young_participant,
               "signed_on": "2026-11-01", "replaces_consent_id": second}),
    )
    .await;
    assert_problem(paper, 422).await;
    let (_, after) = case_of(&app, &coordinator, &case).await;
    let mut active: Vec<String> = after["consents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["active"] == true)
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    active.sort();
    let mut expected = vec![second, parents];
    expected.sort();
    assert_eq!(active, expected, "{after}");
}

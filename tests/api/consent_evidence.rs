//! A paper consent links to its scanned declaration: a `consent_declaration` document of the same
//! case, and nothing else.

use crate::documents::{Store, Team, team, uploaded_id, young_person_id};
use crate::helpers::{Backend, assert_problem};
use crate::team::{case_of, create_case, post};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

fn scanned(kind: &str, title: &str) -> Form {
    Form::new()
        .text("title", title.to_owned())
        .text("kind", kind.to_owned())
        .part(
            "file",
            Part::bytes(crate::documents::pdf(2048)).file_name("scan.pdf"),
        )
}

async fn record(team: &Team, giver: &str, evidence: &str) -> reqwest::Response {
    let today = time::OffsetDateTime::now_utc().date();
    post(
        &team.app,
        &team.coordinator,
        &format!("/api/v1/cases/{}/consents", team.case),
        json!({ "given_by_participant_id": giver, "scope": ["adult"],
                "signed_on": today.to_string(), "evidence_document_id": evidence }),
    )
    .await
}

async fn refused(team: &Team, giver: &str, evidence: &str) {
    let problem = assert_problem(record(team, giver, evidence).await, 422).await;
    assert_eq!(problem["field"], "evidence_document_id", "{problem}");
}

#[tokio::test]
async fn a_paper_consent_links_only_a_consent_declaration_of_its_case() {
    let team = team(Backend::Sqlite, Store::Local, "").await;
    let giver = young_person_id(&team).await;
    let declaration = uploaded_id(
        &team,
        &team.coordinator,
        scanned("consent_declaration", "Samtykke"),
    )
    .await;
    let plan = uploaded_id(&team, &team.coordinator, scanned("goal_agreement", "Plan")).await;

    refused(&team, &giver, &plan).await;
    refused(&team, &giver, "not-an-id").await;
    refused(&team, &giver, &uuid::Uuid::new_v4().to_string()).await;

    // A declaration of another case is not evidence for this one.
    let other_case = create_case(&team.app, &team.coordinator, "young17").await;
    let foreign: Value = team
        .coordinator
        .post(
            team.app
                .url(&format!("/api/v1/cases/{other_case}/documents")),
        )
        .multipart(scanned("consent_declaration", "Andet samtykke"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    refused(&team, &giver, foreign["id"].as_str().unwrap()).await;

    // A deleted declaration is no evidence either.
    let deleted = uploaded_id(
        &team,
        &team.coordinator,
        scanned("consent_declaration", "Forkert scanning"),
    )
    .await;
    let response = team
        .coordinator
        .delete(team.app.url(&format!("/api/v1/documents/{deleted}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    refused(&team, &giver, &deleted).await;

    let linked = record(&team, &giver, &declaration).await;
    assert_eq!(linked.status(), 201, "{}", linked.text().await.unwrap());
    let (_, case) = case_of(&team.app, &team.coordinator, &team.case).await;
    let paper = case["consents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["method"] == "paper")
        .unwrap();
    assert_eq!(paper["evidence_document_id"], declaration.as_str());
}

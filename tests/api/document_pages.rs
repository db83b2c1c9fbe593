//! The document pages, driven as a browser drives them: the case page's list and upload form, the
//! document page with its versions, the new-version form (`?based_on=N` for If-Match), rename and
//! delete, each with the session's token as the first field, and clear pages when refused.

use crate::documents::{Store, Team, download, pdf, raw_blobs, team, young_person_id};
use crate::helpers::Backend;
use crate::team::{csrf_of, logged_in, page};
use reqwest::multipart::{Form, Part};

/// The upload form as the case page's browser sends it: the token first.
pub fn upload_form(token: &str, title: &str, kind: &str, bytes: Vec<u8>, name: &str) -> Form {
    Form::new()
        .text("csrf_token", token.to_owned())
        .text("title", title.to_owned())
        .text("kind", kind.to_owned())
        .text("note", "Fra mødet")
        .part("file", Part::bytes(bytes).file_name(name.to_owned()))
}

fn version_form(token: &str, bytes: Vec<u8>) -> Form {
    Form::new()
        .text("csrf_token", token.to_owned())
        .text("note", "Rettet efter mødet")
        .part("file", Part::bytes(bytes).file_name("plan.pdf"))
}

pub async fn post_form(
    team: &Team,
    client: &reqwest::Client,
    path: &str,
    form: Form,
) -> (u16, String) {
    let response = client
        .post(team.app.url(path))
        .header("accept", "text/html")
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned());
    let body = response.text().await.unwrap();
    (status, location.unwrap_or(body))
}

/// Uploads through the case page's form; the new document's page path.
async fn upload_through_the_page(team: &Team, client: &reqwest::Client, bytes: Vec<u8>) -> String {
    let case_path = format!("/cases/{}", team.case);
    let (status, html) = page(&team.app, client, &case_path).await;
    assert_eq!(status, 200);
    let form = upload_form(
        &csrf_of(&html),
        "Mål og aftaler",
        "goal_agreement",
        bytes,
        "Mål og aftaler.pdf",
    );
    let (status, location) = post_form(team, client, &format!("{case_path}/documents"), form).await;
    assert_eq!(status, 303, "{location}");
    let document_path = location
        .strip_suffix("?uploaded=1")
        .unwrap_or_else(|| panic!("not the new document's page: {location}"));
    assert!(document_path.starts_with("/documents/"), "{location}");
    document_path.to_owned()
}

#[tokio::test]
async fn a_professional_uploads_through_the_case_page_and_the_young_person_downloads() {
    let team = team(Backend::Sqlite, Store::Local, "").await;
    let case_path = format!("/cases/{}", team.case);
    let (_, html) = page(&team.app, &team.professional, &case_path).await;
    assert!(
        html.contains("Der er ingen dokumenter på sagen endnu."),
        "{html}"
    );
    assert!(
        html.contains("enctype=\"multipart/form-data\"")
            && html.contains("accept=\"application/pdf"),
        "{html}"
    );

    let bytes = pdf(200_000);
    let document_path = upload_through_the_page(&team, &team.professional, bytes.clone()).await;
    let id = document_path.trim_start_matches("/documents/");

    // The young person (read access, consent given) sees it listed, may open and download it,
    // and is offered no upload form.
    let (status, html) = page(&team.app, &team.young, &case_path).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Mål og aftaler") && html.contains("Mål- og aftaleskema"),
        "{html}"
    );
    assert!(
        html.contains(&format!("href=\"/documents/{id}/download\"")),
        "{html}"
    );
    assert!(!html.contains("Upload et dokument"), "{html}");
    let (status, html) = page(&team.app, &team.young, &document_path).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Versioner")
            && html.contains("Fra mødet")
            && html.contains("Mål og aftaler.pdf"),
        "{html}"
    );
    assert!(!html.contains("Upload en ny version"), "{html}");
    let version_link = format!("/documents/{id}/versions/1/download");
    assert!(html.contains(&format!("href=\"{version_link}\"")), "{html}");
    for link in [version_link.clone(), format!("/documents/{id}/download")] {
        let (status, headers, downloaded) = download(&team, &team.young, &link).await;
        assert_eq!(status, 200);
        assert!(downloaded == bytes, "byte for byte");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert!(
            headers["content-disposition"]
                .to_str()
                .unwrap()
                .contains("filename*=UTF-8''M%C3%A5l%20og%20aftaler.pdf")
        );
    }

    // Tapped after the session ended, or by someone outside the case: a page, not JSON.
    let logged_out = reqwest::Client::new()
        .get(team.app.url(&version_link))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(logged_out.status(), 401);
    assert!(
        logged_out
            .text()
            .await
            .unwrap()
            .contains("Du er ikke logget ind")
    );
    let stranger = logged_in(&team.app, "young17").await;
    let (status, html) = page(&team.app, &stranger, &version_link).await;
    assert_eq!(status, 404);
    assert!(html.contains("Siden findes ikke"), "{html}");
    let (status, _) = page(
        &team.app,
        &team.young,
        &format!("/documents/{id}/versions/9/download"),
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_new_version_through_the_page_needs_the_version_it_builds_on() {
    let team = team(Backend::Sqlite, Store::Local, "").await;
    let document_path = upload_through_the_page(&team, &team.coordinator, pdf(5_000)).await;
    let (_, html) = page(&team.app, &team.professional, &document_path).await;
    assert!(html.contains("Upload en ny version"), "{html}");
    let token = csrf_of(&html);
    let action = format!("{document_path}/versions?based_on=1");
    assert!(
        html.contains(&action),
        "the form names the version it builds on: {html}"
    );

    let (status, location) = post_form(
        &team,
        &team.professional,
        &action,
        version_form(&token, pdf(7_000)),
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(location, format!("{document_path}?uploaded=2"));
    let (_, html) = page(&team.app, &team.young, &document_path).await;
    assert!(
        html.contains("Rettet efter mødet") && html.contains("Version 2"),
        "{html}"
    );

    // The token comes first: another session's token learns nothing, not even that the version
    // is stale.
    let blobs = raw_blobs(&team.app).await.len();
    let (status, _) = post_form(
        &team,
        &team.coordinator,
        &action,
        version_form(&token, pdf(9_000)),
    )
    .await;
    assert_eq!(status, 422);

    // A second upload built on version 1 is refused with a page that says why; nothing is stored.
    let (_, html) = page(&team.app, &team.coordinator, &document_path).await;
    let token = csrf_of(&html);
    let (status, html) = post_form(
        &team,
        &team.coordinator,
        &action,
        version_form(&token, pdf(9_000)),
    )
    .await;
    assert_eq!(status, 412);
    assert!(html.contains("Version 2 blev uploadet af"), "{html}");
    let (status, html) = post_form(
        &team,
        &team.coordinator,
        &format!("{document_path}/versions"),
        version_form(&token, pdf(9_000)),
    )
    .await;
    assert_eq!(status, 428);
    assert!(html.contains("Genindlæs siden"), "{html}");
    assert_eq!(raw_blobs(&team.app).await.len(), blobs);
}

#[tokio::test]
async fn page_uploads_without_the_token_first_or_of_a_wrong_type_are_refused_and_leave_nothing() {
    let team = team(Backend::Sqlite, Store::Local, "max_upload_bytes = 100000").await;
    let case_path = format!("/cases/{}", team.case);
    let (_, html) = page(&team.app, &team.coordinator, &case_path).await;
    let token = csrf_of(&html);
    let path = format!("{case_path}/documents");

    let no_token = Form::new()
        .text("title", "Plan")
        .text("kind", "other")
        .part("file", Part::bytes(pdf(1000)).file_name("plan.pdf"));
    let (status, html) = post_form(&team, &team.coordinator, &path, no_token).await;
    assert_eq!(status, 422);
    assert!(
        html.contains("Formularen var forældet: genindlæs siden, og prøv igen."),
        "{html}"
    );

    let token_last = Form::new()
        .text("title", "Plan")
        .text("kind", "other")
        .part("file", Part::bytes(pdf(1000)).file_name("plan.pdf"))
        .text("csrf_token", token.clone());
    assert_eq!(
        post_form(&team, &team.coordinator, &path, token_last)
            .await
            .0,
        422
    );

    let wrong_token = upload_form("forged", "Plan", "other", pdf(1000), "plan.pdf");
    assert_eq!(
        post_form(&team, &team.coordinator, &path, wrong_token)
            .await
            .0,
        422
    );

    let executable = upload_form(
        &token,
        "Plan",
        "other",
        b"MZ\x90\x00\x03\x00\x00\x00".repeat(100),
        "plan.exe",
    );
    let (status, html) = post_form(&team, &team.coordinator, &path, executable).await;
    assert_eq!(status, 415);
    assert!(
        html.contains("«plan.exe» kan ikke uploades, fordi filer af den type ikke er tilladt"),
        "{html}"
    );

    let too_large = upload_form(&token, "Plan", "other", pdf(300_000), "plan.pdf");
    let (status, html) = post_form(&team, &team.coordinator, &path, too_large).await;
    assert_eq!(status, 413);
    assert!(html.contains("«plan.pdf» er større end de"), "{html}");

    // Refused after the file is stored: the blob is discarded again.
    let stored_then_refused = [
        ("kind", "bogus", "Vælg en af dokumenttyperne."),
        ("extra", "x", "Formularen har et ukendt felt."),
        ("title", "Plan igen", "Send hvert felt én gang."),
    ];
    for (name, value, says) in stored_then_refused {
        let form = Form::new()
            .text("csrf_token", token.clone())
            .text("title", "Plan")
            .part("file", Part::bytes(pdf(5000)).file_name("plan.pdf"))
            .text(name, value);
        let (status, html) = post_form(&team, &team.coordinator, &path, form).await;
        assert_eq!(status, 422, "{name}");
        assert!(html.contains(says), "{name}: {html}");
    }
    let nothing_chosen = Form::new()
        .text("csrf_token", token.clone())
        .text("title", "Plan")
        .text("kind", "other")
        .part("file", Part::bytes(Vec::new()).file_name(""));
    let (status, html) = post_form(&team, &team.coordinator, &path, nothing_chosen).await;
    assert_eq!(status, 422);
    assert!(html.contains("Vælg den fil, du vil uploade."), "{html}");

    let (_, html) = page(&team.app, &team.coordinator, &case_path).await;
    assert!(
        html.contains("Der er ingen dokumenter på sagen endnu."),
        "{html}"
    );
    assert!(raw_blobs(&team.app).await.is_empty(), "no blob left behind");
}

#[tokio::test]
async fn rename_and_delete_through_the_document_page() {
    let team = team(Backend::Sqlite, Store::Local, "").await;
    let document_path = upload_through_the_page(&team, &team.coordinator, pdf(3_000)).await;
    let (_, html) = page(&team.app, &team.professional, &document_path).await;
    assert!(
        !html.contains("Slet dokumentet"),
        "only the coordinator deletes: {html}"
    );
    let token = csrf_of(&html);
    let renamed = team
        .professional
        .post(team.app.url(&format!("{document_path}/rename")))
        .form(&[
            ("csrf_token", token.as_str()),
            ("title", "Mål og aftaler, efterår"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.status(), 303);
    let (_, html) = page(&team.app, &team.young, &format!("/cases/{}", team.case)).await;
    assert!(html.contains("Mål og aftaler, efterår"), "{html}");

    let refused = team
        .professional
        .post(team.app.url(&format!("{document_path}/delete")))
        .header("accept", "text/html")
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);

    let (_, html) = page(&team.app, &team.coordinator, &document_path).await;
    assert!(html.contains("Slet dokumentet"), "{html}");
    let deleted = team
        .coordinator
        .post(team.app.url(&format!("{document_path}/delete")))
        .form(&[("csrf_token", csrf_of(&html).as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 303);
    assert_eq!(
        deleted.headers()["location"],
        format!("/cases/{}", team.case)
    );
    let (_, html) = page(
        &team.app,
        &team.coordinator,
        &format!("/cases/{}", team.case),
    )
    .await;
    assert!(
        html.contains("Der er ingen dokumenter på sagen endnu."),
        "{html}"
    );
    assert_eq!(
        page(&team.app, &team.coordinator, &document_path).await.0,
        404
    );
    assert_eq!(raw_blobs(&team.app).await.len(), 1, "the versions are kept");
}

#[tokio::test]
async fn a_paper_consent_form_links_the_scanned_declaration() {
    let team = team(Backend::Sqlite, Store::Local, "").await;
    let case_path = format!("/cases/{}", team.case);
    let (_, html) = page(&team.app, &team.coordinator, &case_path).await;
    let form = upload_form(
        &csrf_of(&html),
        "Underskrevet samtykke",
        "consent_declaration",
        pdf(4_000),
        "samtykke.pdf",
    );
    let (status, declaration) = post_form(
        &team,
        &team.coordinator,
        &format!("{case_path}/documents"),
        form,
    )
    .await;
    assert_eq!(status, 303);
    let declaration = declaration
        .trim_start_matches("/documents/")
        .trim_end_matches("?uploaded=1")
        .to_owned();

    let (_, html) = page(&team.app, &team.coordinator, &case_path).await;
    assert!(
        html.contains(&format!(
            "<option value=\"{declaration}\">Underskrevet samtykke</option>"
        )),
        "{html}"
    );
    let young = young_person_id(&team).await;
    let today = time::OffsetDateTime::now_utc().date().to_string();
    let recorded = team
        .coordinator
        .post(team.app.url(&format!("{case_path}/consents")))
        .form(&[
            ("csrf_token", csrf_of(&html).as_str()),
            ("given_by_participant_id", young.as_str()),
            ("scope", "adult"),
            ("signed_on", today.as_str()),
            ("evidence_document_id", declaration.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(recorded.status(), 303);
    let (_, html) = page(&team.app, &team.coordinator, &case_path).await;
    assert!(
        html.contains(&format!(
            "<a href=\"/documents/{declaration}\">Se erklæringen"
        )),
        "{html}"
    );
}

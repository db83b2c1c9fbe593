//! WCAG 2.1 A/AA in a real browser: `tests/browser/axe.mjs` drives Chromium (npm
//! `playwright-core`) over the pages listed in `pages` and runs the axe-core rules tagged wcag2a,
//! wcag2aa, wcag21a and wcag21aa on each (`@axe-core/playwright`), in Danish and in English, on a
//! desktop window and on a phone, where the page must also reflow at 320 CSS pixels. It logs in
//! through the development identity provider's picker page as a person does. scripts/test
//! installs the npm packages (pinned in `tests/browser/package-lock.json`) and names the browser
//! in `VEJVISER_TEST_CHROMIUM`. One database is enough: the pages do not depend on it.

use crate::browser::run_script;
use crate::helpers::{Backend, TestApp, spawn_app};
use crate::team::{add_citizen, add_professional, consent, create_case, logged_in, staff_id};
use serde_json::{Value, json};
use vejviser::auth::password::hash_password;
use vejviser::domain::email::Email;
use vejviser::domain::municipality_code::MunicipalityCode;
use vejviser::store::{accounts, credentials, municipalities};

const STAFF_EMAIL: &str = "karen.holm@demo-kommune.example";
const STAFF_PASSWORD: &str = "korrekt hest batteri hæfteklamme";

/// The ids the page paths need.
struct Cases {
    /// young17's case: the young person has consented, the parent (custody) not yet.
    minor: String,
    /// Jonas Berg (job centre, write access) on the minor's case.
    professional: String,
    /// young19's case: the parent's access ended at 18 (the young adult may grant it again).
    adult: String,
    /// A document with two versions on young19's case.
    document: String,
    /// Karen Holm's staff account (the coordinator of both cases).
    coordinator: String,
}

/// Every page checked, one a line: what to call it, who looks (a development identity; `null`:
/// a visitor), the path, and where needed the status, the path it lands on after redirects, and
/// what to do on it first (`fill` a field, `submit` with a button). See tests/browser/axe.mjs.
fn pages(c: &Cases) -> Vec<Value> {
    let (minor, adult, jonas, document) = (&c.minor, &c.adult, &c.professional, &c.document);
    let password = json!([{"fill": "#email", "value": STAFF_EMAIL}, {"fill": "#password", "value": STAFF_PASSWORD}, {"submit": "button[type=submit]"}]);
    let wrong_password = json!([{"fill": "#email", "value": "nobody@demo-kommune.example"}, {"fill": "#password", "value": "forkert"}, {"submit": "button[type=submit]"}]);
    vec![
        json!({"name": "front page, logged out", "as": null, "path": "/"}),
        json!({"name": "development identity picker", "as": null, "path": "/auth/login/citizen", "lands": "/dev-idp/citizen/authorize"}),
        json!({"name": "staff password login", "as": null, "path": "/auth/password"}),
        json!({"name": "staff password login, refused", "as": null, "path": "/auth/password", "actions": wrong_password, "status": 401}),
        json!({"name": "authenticator enrolment (QR code)", "as": null, "path": "/auth/password", "actions": password, "lands": "/auth/totp"}),
        json!({"name": "logged out", "as": null, "path": "/auth/logged-out"}),
        json!({"name": "not found", "as": null, "path": "/no-such-page", "status": 404}),
        json!({"name": "front page, logged in", "as": "coordinator", "path": "/"}),
        json!({"name": "my cases, staff", "as": "coordinator", "path": "/cases"}),
        json!({"name": "case search", "as": "coordinator", "path": "/cases?q=Sofie"}),
        json!({"name": "new case", "as": "coordinator", "path": "/cases/new"}),
        json!({"name": "case, coordinator", "as": "coordinator", "path": format!("/cases/{minor}")}),
        json!({"name": "participant's access", "as": "coordinator", "path": format!("/cases/{minor}/participants/{jonas}")}),
        json!({"name": "case, professional", "as": "jobcentre", "path": format!("/cases/{minor}")}),
        json!({"name": "my case, young person", "as": "young17", "path": "/cases"}),
        json!({"name": "case, young person (consent form)", "as": "young17", "path": format!("/cases/{minor}")}),
        json!({"name": "case, parent (consent form)", "as": "parent", "path": format!("/cases/{minor}")}),
        json!({"name": "consent step 1, parent (what consent means)", "as": "parent", "path": format!("/cases/{minor}/consent")}),
        json!({"name": "consent step 2, parent (whom, with the team's names)", "as": "parent", "path": format!("/cases/{minor}/consent?step=choose&scope=job_centre")}),
        json!({"name": "consent step 2 with the error of an empty choice", "as": "parent", "path": format!("/cases/{minor}/consent?step=review")}),
        json!({"name": "consent step 3, parent (review)", "as": "parent", "path": format!("/cases/{minor}/consent?step=review&scope=job_centre&scope=school")}),
        json!({"name": "a deep link, logged out (login that comes back)", "as": null, "path": format!("/cases/{minor}"), "status": 401}),
        json!({"name": "case, young adult (grant a parent access, documents)", "as": "young19", "path": format!("/cases/{adult}")}),
        json!({"name": "case with documents, coordinator (upload form)", "as": "coordinator", "path": format!("/cases/{adult}")}),
        json!({"name": "document, coordinator (new version, rename, delete)", "as": "coordinator", "path": format!("/documents/{document}")}),
        json!({"name": "document, young adult (versions)", "as": "young19", "path": format!("/documents/{document}")}),
        json!({"name": "access log, young adult", "as": "young19", "path": format!("/cases/{adult}/access-log")}),
        json!({"name": "access log, coordinator", "as": "coordinator", "path": format!("/cases/{minor}/access-log")}),
        json!({"name": "e-mail settings, young person", "as": "young17", "path": "/me/notifications"}),
        json!({"name": "e-mail settings, staff", "as": "coordinator", "path": "/me/notifications"}),
        json!({"name": "front page, admin", "as": "admin", "path": "/"}),
        json!({"name": "admin: staff", "as": "admin", "path": "/admin"}),
        json!({"name": "admin: a staff member's cases and offboarding", "as": "admin", "path": format!("/admin/staff/{}", c.coordinator)}),
        json!({"name": "admin: a department move previewed", "as": "admin", "path": format!("/admin/staff/{}?move_to=adult", c.coordinator)}),
        json!({"name": "admin: e-mails not sent", "as": "admin", "path": "/admin/mail"}),
        json!({"name": "admin: access-log search", "as": "admin", "path": "/admin/access-log?action=view_case"}),
    ]
}

#[tokio::test]
async fn every_page_meets_wcag_2_1_aa_in_a_real_browser() {
    let app = spawn_app(Backend::Sqlite).await;
    let cases = fill(&app).await;
    let list = json!({ "languages": ["da", "en"], "pages": pages(&cases) }).to_string();

    let started = std::time::Instant::now();
    let (status, output) = run_script("axe.mjs", vec![app.address.clone(), list]).await;
    let seconds = started.elapsed().as_secs_f64();
    assert!(
        status,
        "tests/browser/axe.mjs found accessibility problems ({seconds:.1}s):\n{output}"
    );
    println!("{output}\n({seconds:.1}s)");
}

/// Two cases with people, consents and a parent whose access ended at 18, so that the case pages
/// show their tables, banners and forms; and a password for the coordinator (Karen Holm), so that
/// the password login leads on to the authenticator enrolment.
async fn fill(app: &TestApp) -> Cases {
    let coordinator = logged_in(app, "coordinator").await;
    let minor = create_case(app, &coordinator, "young17").await;
    add_citizen(app, &coordinator, &minor, "young17", "young_person", None).await;
    add_citizen(app, &coordinator, &minor, "parent", "parent", Some(true)).await;
    let professional = add_professional(app, &coordinator, &minor, "Jonas", "write").await;
    let young = logged_in(app, "young17").await;
    consent(app, &young, &minor, &["job_centre", "youth_guidance"]).await;

    let adult = create_case(app, &coordinator, "young19").await;
    add_citizen(app, &coordinator, &adult, "young19", "young_person", None).await;
    add_citizen(app, &coordinator, &adult, "parent", "parent", Some(true)).await;
    let young_adult = logged_in(app, "young19").await;
    consent(app, &young_adult, &adult, &["job_centre"]).await;
    let document = upload_two_versions(app, &coordinator, &adult).await;

    let db = &app.app.db;
    let demo = municipalities::find_by_code(db, MunicipalityCode::parse("999").unwrap())
        .await
        .unwrap();
    let karen = accounts::find_staff_by_email(db, demo.id, &Email::parse(STAFF_EMAIL).unwrap())
        .await
        .unwrap();
    let hash = hash_password(STAFF_PASSWORD).unwrap();
    credentials::set_password(db, karen.id, &hash, time::OffsetDateTime::now_utc())
        .await
        .unwrap();
    let coordinator_account = staff_id(app, &coordinator, "Karen").await;
    Cases {
        minor,
        professional,
        adult,
        document,
        coordinator: coordinator_account,
    }
}

/// A goal-and-agreement form with a second version; its id.
async fn upload_two_versions(app: &TestApp, coordinator: &reqwest::Client, case: &str) -> String {
    use reqwest::multipart::{Form, Part};
    let text = |v: &str| Part::bytes(format!("Mål og aftaler, version {v}\n").into_bytes());
    let created: Value = coordinator
        .post(app.url(&format!("/api/v1/cases/{case}/documents")))
        .multipart(
            Form::new()
                .text("title", "Mål- og aftaleskema")
                .text("kind", "goal_agreement")
                .part("file", text("1").file_name("mål og aftaler.txt")),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let second = coordinator
        .post(app.url(&format!("/api/v1/documents/{id}/versions")))
        .header("if-match", "\"1\"")
        .multipart(
            Form::new()
                .text("note", "Rettet efter 17½-års-mødet")
                .part("file", text("2").file_name("mål og aftaler.txt")),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), 201);
    id
}

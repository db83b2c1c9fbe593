//! A person's notification settings, on both databases and against the real SMTP server:
//! `GET/PUT /api/v1/me/notifications` (a PUT changes only what it sends; an unknown field or a
//! bad value is a 400 naming the field, and changes nothing), the settings page (its form, its
//! error summary), an address typed there (only its confirmation link goes to it until the link
//! is followed; a forged or stale link is a 404), an address the provider did not verify (no
//! mail), and the one-click unsubscribe of RFC 8058 (turns mail off without a session; a wrong
//! token is a 404 and changes nothing).

use crate::helpers::{Backend, TestApp, assert_problem, on_both_databases, spawn_app_with};
use crate::notifications::{email_of, new_version_by_coordinator, story};
use crate::support::mail::{arrived, plain_server, received, settled, smtp_settings};
use crate::team::{csrf_of, logged_in, page};
use serde_json::{Value, json};
use std::time::Duration;
use vejviser::domain::ids::AccountId;
use vejviser::store::outbox::{self, MessageState};

async fn settings_of(app: &TestApp, client: &reqwest::Client) -> Value {
    let response = client
        .get(app.url("/api/v1/me/notifications"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn put(app: &TestApp, client: &reqwest::Client, body: &str) -> reqwest::Response {
    client
        .put(app.url("/api/v1/me/notifications"))
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

pub(crate) async fn account_of(app: &TestApp, client: &reqwest::Client) -> AccountId {
    let me: Value = client
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    AccountId::parse(me["id"].as_str().unwrap()).unwrap()
}

/// The account's messages once none is pending.
pub(crate) async fn settled_for(app: &TestApp, account: AccountId) -> Vec<MessageState> {
    for _ in 0..1200 {
        let rows = outbox::for_recipient(&app.app.db, account).await.unwrap();
        if rows.iter().all(|r| r.status != "pending") {
            return rows;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    outbox::for_recipient(&app.app.db, account).await.unwrap()
}

async fn the_api_changes_only_what_a_put_sends_and_names_a_bad_field(backend: Backend) {
    let app = spawn_app_with(backend, "").await;
    let young = logged_in(&app, "young17").await;
    let before = settings_of(&app, &young).await;
    let address = email_of(&app, "young17").await;
    // The provider verified the address at login: it is the confirmed one.
    assert_eq!(before["email"], json!(address.to_lowercase()), "{before}");
    assert_eq!(before["mode"], "immediate");
    assert_eq!(before["email_editable"], true);
    let changed = put(&app, &young, r#"{"mode":"daily"}"#).await;
    assert_eq!(changed.status(), 200);
    let changed: Value = changed.json().await.unwrap();
    assert_eq!(changed["mode"], "daily");
    assert_eq!(changed["email"], before["email"]);
    assert_eq!(changed["pending_email"], Value::Null);
    for (body, field) in [
        (r#"{"mode":"weekly"}"#, "mode"),
        (r#"{"mode":"off","colour":"red"}"#, "colour"),
        (r#"{"email":"not an address"}"#, "email"),
        (r#"{"email":42}"#, "email"),
        (r#"["mode"]"#, "body"),
        ("not json", "body"),
    ] {
        let problem = assert_problem(put(&app, &young, body).await, 400).await;
        assert_eq!(problem["field"], field, "{body}: {problem}");
        assert!(
            problem["detail"].as_str().unwrap().contains(field),
            "{problem}"
        );
    }
    // None of the refused bodies changed anything (the one with "mode":"off" neither).
    assert_eq!(settings_of(&app, &young).await, changed);
    let staff = logged_in(&app, "coordinator").await;
    let problem =
        assert_problem(put(&app, &staff, r#"{"email":"ny@kk.example"}"#).await, 400).await;
    assert_eq!(problem["field"], "email");
    assert_eq!(settings_of(&app, &staff).await["email_editable"], false);
    let anonymous = reqwest::Client::new();
    assert_eq!(
        anonymous
            .get(app.url("/api/v1/me/notifications"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
}

/// The link of the one message in `mails` whose text carries `marker`.
fn link_in(text: &str, marker: &str) -> String {
    text.split_whitespace()
        .find(|w| w.contains(marker))
        .unwrap_or_else(|| panic!("no {marker} in {text}"))
        .to_owned()
}

async fn a_typed_address_hears_nothing_but_its_link_until_confirmed(backend: Backend) {
    let (port, maildir) = plain_server();
    let app = spawn_app_with(backend, &smtp_settings(port, "")).await;
    let story = story(app).await;
    let app = &story.app;
    let young = account_of(app, &story.young).await;
    let typed = format!("ny.{}@borger.example", uuid::Uuid::new_v4().simple());
    let old = email_of(app, "young17").await.to_lowercase();
    let answer: Value = put(app, &story.young, &json!({ "email": typed }).to_string())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(answer["pending_email"], json!(typed));
    assert_eq!(
        answer["email"],
        json!(old),
        "the old address stays until confirmed"
    );
    new_version_by_coordinator(&story).await;
    settled(app, &story.case).await;
    let rows = settled_for(app, young).await;
    let arrived_now = arrived(&maildir, &rows, rows.len()).await;
    let to_typed: Vec<_> = arrived_now
        .iter()
        .filter(|m| m.rcpt_to.contains(&typed))
        .collect();
    assert_eq!(
        to_typed.len(),
        1,
        "only the confirmation goes to the typed address"
    );
    let confirmation = to_typed[0];
    assert!(
        confirmation.subject.contains("Bekræft"),
        "{}",
        confirmation.subject
    );
    let link = link_in(&confirmation.text, "/me/notifications/confirm/");
    // A forged link (another MAC) and one for another account are not found; nothing changes.
    let last = link.chars().last().unwrap();
    let forged = format!(
        "{}{}",
        &link[..link.len() - 1],
        if last == 'a' { 'b' } else { 'a' }
    );
    for wrong in [
        forged.clone(),
        link.replace(&young.to_string(), &AccountId::new().to_string()),
    ] {
        let response = reqwest::get(&wrong).await.unwrap();
        assert_eq!(response.status(), 404, "{wrong}");
    }
    assert_eq!(
        settings_of(app, &story.young).await["pending_email"],
        json!(typed)
    );
    let followed = reqwest::get(&link).await.unwrap();
    assert_eq!(followed.status(), 200);
    let now = settings_of(app, &story.young).await;
    assert_eq!(now["email"], json!(typed));
    assert_eq!(now["pending_email"], Value::Null);
    // Used once: the link now confirms nothing.
    assert_eq!(reqwest::get(&link).await.unwrap().status(), 404);
    // The next change goes to the confirmed address.
    new_version_by_coordinator(&story).await;
    let rows = settled_for(app, young).await;
    let mails = arrived(
        &maildir,
        &rows,
        rows.iter().filter(|r| r.status == "sent").count(),
    )
    .await;
    let to_new = mails.iter().filter(|m| m.rcpt_to.contains(&typed)).count();
    assert_eq!(
        to_new, 3,
        "the confirmation and the two document messages after it"
    );
}

async fn an_address_the_provider_did_not_verify_gets_no_mail(backend: Backend) {
    let (port, _) = plain_server();
    let app = spawn_app_with(backend, &smtp_settings(port, "")).await;
    let story = story(app).await;
    let app = &story.app;
    let young = account_of(app, &story.young).await;
    sqlx::query("UPDATE accounts SET email_confirmed_at = NULL WHERE id = $1")
        .bind(young.to_string())
        .execute(app.app.db.pool())
        .await
        .unwrap();
    assert_eq!(settings_of(app, &story.young).await["email"], Value::Null);
    new_version_by_coordinator(&story).await;
    let rows = settled_for(app, young).await;
    assert!(!rows.is_empty());
    for row in rows {
        assert_eq!(row.status, "dropped", "{row:?}");
        assert_eq!(
            row.last_error.as_deref(),
            Some("the address is not confirmed")
        );
    }
}

async fn one_click_unsubscribe_turns_mail_off_without_a_session(backend: Backend) {
    let (port, maildir) = plain_server();
    let app = spawn_app_with(backend, &smtp_settings(port, "")).await;
    let story = story(app).await;
    let app = &story.app;
    new_version_by_coordinator(&story).await;
    let young = account_of(app, &story.young).await;
    let rows = settled_for(app, young).await;
    let mails = arrived(&maildir, &rows, rows.len()).await;
    let header = mails[0].header("List-Unsubscribe").unwrap();
    let link = header
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_owned();
    assert!(link.contains(&young.to_string()), "{link}");
    let mail_client = reqwest::Client::new();
    let one_click = |url: String| {
        mail_client
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("List-Unsubscribe=One-Click")
            .send()
    };
    // Another account's id under this MAC, and a changed MAC: not found, nothing changes.
    let other = account_of(app, &story.coordinator).await;
    let last = link.chars().last().unwrap();
    let flipped = format!(
        "{}{}",
        &link[..link.len() - 1],
        if last == 'a' { 'b' } else { 'a' }
    );
    for wrong in [
        link.replace(&young.to_string(), &other.to_string()),
        flipped,
    ] {
        assert_eq!(one_click(wrong).await.unwrap().status(), 404);
    }
    // Opening the link (a person, or a link checker) asks first and changes nothing.
    let (status, html) = page(app, &mail_client, link.trim_start_matches(&app.address)).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("List-Unsubscribe") && html.contains("One-Click"),
        "{html}"
    );
    assert_eq!(settings_of(app, &story.young).await["mode"], "immediate");
    assert_eq!(
        settings_of(app, &story.coordinator).await["mode"],
        "immediate"
    );
    assert_eq!(one_click(link.clone()).await.unwrap().status(), 200);
    assert_eq!(settings_of(app, &story.young).await["mode"], "off");
    assert_eq!(
        settings_of(app, &story.coordinator).await["mode"],
        "immediate"
    );
    // And off it is: the next change reaches the young person no more.
    new_version_by_coordinator(&story).await;
    let rows = settled_for(app, young).await;
    let latest: Vec<_> = rows.iter().rev().take(2).collect();
    assert!(latest.iter().all(|r| r.status == "dropped"), "{rows:?}");
    assert!(received(&maildir).len() >= mails.len());
}

async fn the_settings_page_saves_and_shows_a_bad_address_in_an_error_summary(backend: Backend) {
    let app = spawn_app_with(backend, "").await;
    let young = logged_in(&app, "young17").await;
    let (status, html) = page(&app, &young, "/me/notifications").await;
    assert_eq!(status, 200);
    assert!(html.contains("<html lang=\"da\""));
    assert!(
        html.contains("<fieldset") && html.contains("<legend"),
        "{html}"
    );
    assert!(
        html.contains("<label for=\"mode\">")
            && html.contains("<label class=\"form-label\" for=\"email\">")
    );
    assert!(
        html.contains("value=\"immediate\" class=\"form-radio\" checked"),
        "{html}"
    );
    let token = csrf_of(&html);
    let post = |fields: Vec<(&'static str, String)>| {
        let mut form = vec![("csrf_token", token.clone())];
        form.extend(fields);
        young
            .post(app.url("/me/notifications"))
            .header("accept", "text/html")
            .form(&form)
            .send()
    };
    let saved = post(vec![("mode", "daily".into()), ("email", String::new())])
        .await
        .unwrap();
    assert_eq!(saved.status(), 303);
    assert_eq!(settings_of(&app, &young).await["mode"], "daily");
    let (_, html) = page(&app, &young, "/me/notifications?saved=1").await;
    assert!(html.contains("value=\"daily\" class=\"form-radio\" checked"));
    assert!(html.contains("alert-success"));
    let refused = post(vec![
        ("mode", "off".into()),
        ("email", "nobody-at-all".into()),
    ])
    .await
    .unwrap();
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    assert!(
        html.contains("alert-error") && html.contains("href=\"#email\""),
        "{html}"
    );
    assert!(
        html.contains("form-error-message") && html.contains("email-error"),
        "{html}"
    );
    assert_eq!(
        settings_of(&app, &young).await["mode"],
        "daily",
        "a refused form changes nothing"
    );
    // The chrome links the page.
    let (_, front) = page(&app, &young, "/").await;
    assert!(front.contains("href=\"/me/notifications\""));
}

on_both_databases!(
    the_api_changes_only_what_a_put_sends_and_names_a_bad_field,
    a_typed_address_hears_nothing_but_its_link_until_confirmed,
    an_address_the_provider_did_not_verify_gets_no_mail,
    one_click_unsubscribe_turns_mail_off_without_a_session,
    the_settings_page_saves_and_shows_a_bad_address_in_an_error_summary,
);

//! E-mail notifications over HTTP and a real SMTP server (scripts/lib/smtp.sh), on both
//! databases: who hears of a new version (exactly the readers the policy allows, never the
//! author), what the message says and does not say, the folder of `.eml` files on the embedded
//! default, STARTTLS with a login, a server that is down and then up, a 5xx, and access lost
//! between the change and the delivery.

use crate::helpers::{Backend, TestApp, on_both_databases, spawn_app_with};
use crate::support::mail::{
    OwnServer, arrived, folder_settings, free_port, plain_server, received, received_for, settled,
    smtp_settings, starttls_settings, wait_for,
};
use crate::team::{
    add_citizen, add_professional, consent, create_case, get, identity, logged_in, post,
};
use reqwest::multipart::{Form, Part};
use serde_json::Value;
use std::collections::BTreeSet;
use vejviser::domain::notice_event::NoticeEvent;
use vejviser::store::outbox::MessageState;

const TITLE: &str = "Mål- og aftaleskema efterår";

/// A case of the 17-year-old with their custody-holding parent, a job-centre professional
/// inside the consents' scope and a youth-guidance one outside it; both citizens consent.
pub(crate) struct Story {
    pub app: TestApp,
    pub case: String,
    pub coordinator: reqwest::Client,
    pub young: reqwest::Client,
    pub parent: reqwest::Client,
    pub young_consent: String,
}

pub(crate) async fn story(app: TestApp) -> Story {
    let coordinator = logged_in(&app, "coordinator").await;
    let case = create_case(&app, &coordinator, "young17").await;
    add_citizen(&app, &coordinator, &case, "young17", "young_person", None).await;
    add_citizen(&app, &coordinator, &case, "parent", "parent", Some(true)).await;
    add_professional(&app, &coordinator, &case, "Jonas", "write").await;
    add_professional(&app, &coordinator, &case, "Amira", "read").await;
    let young = logged_in(&app, "young17").await;
    let parent = logged_in(&app, "parent").await;
    let young_consent = consent(&app, &young, &case, &["job_centre"]).await;
    consent(&app, &parent, &case, &["job_centre"]).await;
    Story {
        app,
        case,
        coordinator,
        young,
        parent,
        young_consent,
    }
}

/// The coordinator uploads a document and then a new version of it.
pub(crate) async fn new_version_by_coordinator(story: &Story) {
    let file = || Part::bytes(b"Maal og aftaler\n".to_vec()).file_name("plan.txt");
    let form = Form::new()
        .text("title", TITLE)
        .text("kind", "goal_agreement")
        .part("file", file());
    let url = story
        .app
        .url(&format!("/api/v1/cases/{}/documents", story.case));
    let created = story
        .coordinator
        .post(url)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let id = created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let url = story.app.url(&format!("/api/v1/documents/{id}/versions"));
    let version = story
        .coordinator
        .post(url)
        .header("if-match", "\"1\"")
        .multipart(Form::new().part("file", file()))
        .send()
        .await
        .unwrap();
    assert_eq!(version.status(), 201);
}

pub(crate) async fn email_of(app: &TestApp, hint: &str) -> String {
    identity(app, hint).await["email"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn of_event(rows: &[MessageState], event: NoticeEvent) -> Vec<&MessageState> {
    rows.iter().filter(|r| r.event == event).collect()
}

async fn readers(app: &TestApp) -> BTreeSet<String> {
    let mut expected = BTreeSet::new();
    for hint in ["young17", "parent", "jobcentre"] {
        expected.insert(email_of(app, hint).await);
    }
    expected
}

/// The "done when": on the embedded default, a new version by the coordinator leaves
/// `.eml` files for the young person, the consenting parent and the professional inside the
/// scope; none for the professional outside it, nor for the author.
async fn a_new_version_mails_exactly_the_readers_as_eml_files(backend: Backend) {
    let app = spawn_app_with(backend, &folder_settings()).await;
    let story = story(app).await;
    new_version_by_coordinator(&story).await;
    let rows = settled(&story.app, &story.case).await;
    let versions = of_event(&rows, NoticeEvent::DocumentVersion);
    assert!(versions.iter().all(|r| r.status == "sent"), "{versions:?}");
    let folder = story.app.data_dir.join("mail");
    let mails = received_for(&folder, versions.iter().copied());
    let to: BTreeSet<String> = mails.iter().flat_map(|m| m.rcpt_to.clone()).collect();
    assert_eq!(to, readers(&story.app).await);
    assert_eq!(mails.len(), 3, "one message each");
    let outside = email_of(&story.app, "guidance").await;
    let author = email_of(&story.app, "coordinator").await;
    let everything = received(&folder);
    for mail in &everything {
        if mail.subject.contains("version") || mail.subject.contains("dokument") {
            assert!(!mail.rcpt_to.contains(&outside) && !mail.rcpt_to.contains(&author));
        }
    }
    // Every row is a file of its own, named by its id; the coordinator heard of both consents.
    assert_eq!(
        everything.len(),
        rows.iter().filter(|r| r.status == "sent").count()
    );
    assert_eq!(of_event(&rows, NoticeEvent::ConsentGiven).len(), 2);
}

/// Over SMTP: the same recipients, and nothing in the subject, the body or the headers that
/// names the young person, the parent, the author or the document; links to the case and to
/// the notification settings; the headers of an automatic message.
async fn smtp_mail_names_nobody_and_links_the_case(backend: Backend) {
    let (port, maildir) = plain_server();
    let extra = "reply_to = \"Kontakt <kontakt@demo-kommune.example>\"\n";
    let app = spawn_app_with(backend, &smtp_settings(port, extra)).await;
    let story = story(app).await;
    new_version_by_coordinator(&story).await;
    let rows = settled(&story.app, &story.case).await;
    let versions = of_event(&rows, NoticeEvent::DocumentVersion);
    let mails = arrived(&maildir, &rows, rows.len()).await;
    let version_mails: Vec<_> = mails
        .iter()
        .filter(|m| {
            versions
                .iter()
                .any(|r| m.message_id.starts_with(&r.id.to_string()))
        })
        .collect();
    let to: BTreeSet<String> = version_mails
        .iter()
        .flat_map(|m| m.rcpt_to.clone())
        .collect();
    assert_eq!(to, readers(&story.app).await);
    let young = identity(&story.app, "young17").await;
    let cpr = young["cpr"].as_str().unwrap().to_owned();
    let mut personal: Vec<String> = vec![TITLE.into(), "Mål".into(), cpr.replace('-', "")];
    personal.push(cpr[..6].to_owned());
    for hint in ["young17", "parent", "coordinator", "jobcentre", "guidance"] {
        let name = identity(&story.app, hint).await["name"]
            .as_str()
            .unwrap()
            .to_owned();
        personal.extend(name.split(' ').map(str::to_owned));
    }
    let public = story
        .app
        .app
        .settings
        .server
        .public_url
        .trim_end_matches('/')
        .to_owned();
    let case_link = format!("{public}/cases/{}", story.case);
    for mail in &mails {
        let readable = mail.readable();
        for word in &personal {
            assert!(!readable.contains(word.as_str()), "'{word}' in {readable}");
        }
        assert!(
            mail.text.contains(&case_link) && mail.html.contains(&case_link),
            "{readable}"
        );
        // The one-click link is the recipient's own, signed (tests/api/notification_settings.rs
        // follows it); the body links the settings page.
        let unsubscribe = mail.header("List-Unsubscribe").unwrap();
        assert!(
            unsubscribe.starts_with(&format!("<{public}/me/notifications/unsubscribe/")),
            "{unsubscribe}"
        );
        assert!(
            mail.text.contains(&format!("{public}/me/notifications\n"))
                || mail
                    .text
                    .contains(&format!("{public}/me/notifications\r\n")),
            "{}",
            mail.text
        );
        assert_eq!(
            mail.header("List-Unsubscribe-Post").as_deref(),
            Some("List-Unsubscribe=One-Click")
        );
        assert_eq!(
            mail.header("Auto-Submitted").as_deref(),
            Some("auto-generated")
        );
        assert_eq!(
            mail.header("Reply-To").as_deref(),
            Some("Kontakt <kontakt@demo-kommune.example>")
        );
        assert!(
            mail.header("From")
                .unwrap()
                .contains("no-reply@vejviser.invalid")
        );
        assert!(
            mail.message_id.ends_with("@127.0.0.1"),
            "{}",
            mail.message_id
        );
    }
    // Danish by default: the subject of a new version says so in Danish.
    assert!(
        version_mails
            .iter()
            .all(|m| m.subject.starts_with("Ny version"))
    );
}

/// STARTTLS with the test CA and a login: the server refuses mail before STARTTLS, so a message
/// that arrives went encrypted and authenticated.
async fn starttls_with_a_login_delivers(backend: Backend) {
    let (settings, maildir) = starttls_settings();
    let app = spawn_app_with(backend, &settings).await;
    let story = story(app).await;
    new_version_by_coordinator(&story).await;
    let rows = settled(&story.app, &story.case).await;
    assert!(rows.iter().all(|r| r.status == "sent"), "{rows:?}");
    assert_eq!(arrived(&maildir, &rows, rows.len()).await.len(), rows.len());
}

/// The SMTP server is down while documents change, then comes up: every message arrives, once.
async fn smtp_down_then_up_delivers_each_message_once(backend: Backend) {
    let port = free_port();
    let app = spawn_app_with(backend, &smtp_settings(port, "max_attempts = 1000\n")).await;
    let story = story(app).await;
    new_version_by_coordinator(&story).await;
    // Every message has been tried and refused at least once, and waits for another attempt.
    let rows = wait_for(&story.app, &story.case, |rows| {
        !rows.is_empty() && rows.iter().all(|r| r.attempts >= 1)
    })
    .await;
    assert!(
        rows.iter()
            .all(|r| r.status == "pending" && r.attempts >= 1),
        "{rows:?}"
    );
    assert!(rows.iter().all(|r| r.last_error.is_some()), "{rows:?}");
    let server = OwnServer::start(port).await;
    let rows = settled(&story.app, &story.case).await;
    assert!(rows.iter().all(|r| r.status == "sent"), "{rows:?}");
    let mails = arrived(server.maildir.path(), &rows, rows.len()).await;
    let ids: BTreeSet<&str> = mails.iter().map(|m| m.message_id.as_str()).collect();
    assert_eq!(mails.len(), rows.len(), "each message arrived");
    assert_eq!(ids.len(), mails.len(), "and none twice");
    assert!(
        story
            .app
            .app
            .metrics
            .encode()
            .contains("vejviser_mail_retried_total")
    );
}

/// A 5xx reply to a recipient: the row ends failed, with the server's reason; the others go.
async fn a_5xx_marks_the_row_failed_with_the_reason(backend: Backend) {
    let (port, _) = plain_server();
    let app = spawn_app_with(backend, &smtp_settings(port, "")).await;
    let story = story(app).await;
    let parent = identity(&story.app, "parent").await;
    sqlx::query(
        "UPDATE accounts SET email = 'bounce.parent@borger.example' WHERE lower(email) = lower($1)",
    )
    .bind(parent["email"].as_str().unwrap().to_owned())
    .execute(story.app.app.db.pool())
    .await
    .unwrap();
    new_version_by_coordinator(&story).await;
    let rows = settled(&story.app, &story.case).await;
    let failed: Vec<_> = rows.iter().filter(|r| r.status == "failed").collect();
    assert_eq!(
        failed.len(),
        2,
        "the parent's two document messages: {rows:?}"
    );
    for row in failed {
        let reason = row.last_error.as_deref().unwrap();
        assert!(
            reason.contains("550") && reason.contains("mailbox unavailable"),
            "{reason}"
        );
        assert_eq!(row.attempts, 1, "a permanent failure is not retried");
    }
    assert!(
        rows.iter()
            .filter(|r| r.status != "failed")
            .all(|r| r.status == "sent")
    );
    let metrics = story.app.app.metrics.encode();
    assert!(
        metrics.contains("vejviser_mail_failed_total 2"),
        "{metrics}"
    );
    admins_see_the_failures(&story, parent["name"].as_str().unwrap()).await;
}

/// The municipality's admin sees both failures (who for, the server's reason), on the API and
/// on `/admin/mail`; anyone else is refused.
async fn admins_see_the_failures(story: &Story, recipient: &str) {
    let app = &story.app;
    let admin = logged_in(app, "admin").await;
    let listed: Value = get(app, &admin, "/api/v1/admin/mail/failed")
        .await
        .json()
        .await
        .unwrap();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 2, "{listed:?}");
    for message in listed {
        assert_eq!(message["recipient_name"], recipient, "{message}");
        assert!(
            message["reason"].as_str().unwrap().contains("550"),
            "{message}"
        );
        assert_eq!(message["attempts"], 1);
    }
    let (status, html) = crate::team::page(app, &admin, "/admin/mail").await;
    assert_eq!(status, 200);
    assert!(html.contains(recipient) && html.contains("550"), "{html}");
    assert_eq!(
        get(app, &story.coordinator, "/api/v1/admin/mail/failed")
            .await
            .status(),
        403
    );
}

/// Access lost between the change and the delivery: the row is dropped, not sent. The young
/// person withdraws consent while the messages about a new version still wait (the worker is
/// off here and delivers on request), so no professional may read it any more; the parties
/// (the young person and the custody holder) still read their own papers and get theirs.
async fn access_lost_before_delivery_drops_the_message(backend: Backend) {
    let (port, maildir) = plain_server();
    let settings = smtp_settings(port, "").replace("worker = true", "worker = false");
    let app = spawn_app_with(backend, &settings).await;
    let story = story(app).await;
    new_version_by_coordinator(&story).await;
    let own = &story.young_consent;
    let withdrawn = post(
        &story.app,
        &story.young,
        &format!("/api/v1/cases/{}/consents/{own}/withdraw", story.case),
        serde_json::json!({}),
    )
    .await;
    assert_eq!(
        withdrawn.status(),
        204,
        "{}",
        withdrawn.text().await.unwrap()
    );
    let mailer =
        vejviser::notify::transport::Mailer::from_settings(&story.app.app.settings).unwrap();
    while vejviser::notify::worker::deliver_due(&story.app.app, &mailer, "test")
        .await
        .unwrap()
        > 0
    {}
    let rows = settled(&story.app, &story.case).await;
    let coordinator =
        crate::notification_settings::account_of(&story.app, &story.coordinator).await;
    let parties = [
        crate::notification_settings::account_of(&story.app, &story.young).await,
        crate::notification_settings::account_of(&story.app, &story.parent).await,
    ];
    let versions = of_event(&rows, NoticeEvent::DocumentVersion);
    let (kept, dropped): (Vec<_>, Vec<_>) = versions
        .into_iter()
        .partition(|row| parties.contains(&row.recipient));
    assert_eq!(kept.len(), 2, "{rows:?}");
    assert!(kept.iter().all(|row| row.status == "sent"), "{kept:?}");
    assert!(!dropped.is_empty(), "the professional's row: {rows:?}");
    for row in &dropped {
        assert_eq!(row.status, "dropped", "{row:?}");
        assert_eq!(
            row.last_error.as_deref(),
            Some("the recipient may no longer see this")
        );
    }
    let withdrawal = of_event(&rows, NoticeEvent::ConsentWithdrawn);
    assert_eq!(withdrawal.len(), 1);
    assert_eq!(withdrawal[0].status, "sent");
    assert_eq!(withdrawal[0].recipient, coordinator);
    assert!(
        received_for(&maildir, dropped).is_empty(),
        "nothing of a dropped row arrives"
    );
}

on_both_databases!(
    a_new_version_mails_exactly_the_readers_as_eml_files,
    smtp_mail_names_nobody_and_links_the_case,
    starttls_with_a_login_delivers,
    smtp_down_then_up_delivers_each_message_once,
    a_5xx_marks_the_row_failed_with_the_reason,
    access_lost_before_delivery_drops_the_message,
);

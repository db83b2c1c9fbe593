//! Daily digests and reminders, on both databases against the real SMTP server: a daily
//! recipient's document messages are held, then one digest says how many changes in how many
//! cases, with one link and no names; the reminders (a custody holder's consent missing after a
//! week, the 17½ flag, a consent expired) are written once each, however many sweeps run, also
//! two at the same moment (two instances). The sweeps run at a moment the test chooses.

use crate::helpers::{Backend, on_both_databases, spawn_app_with};
use crate::notification_settings::{account_of, settled_for};
use crate::notifications::{new_version_by_coordinator, story};
use crate::support::mail::{arrived, plain_server, smtp_settings};
use crate::team::{add_citizen, create_case, identity, logged_in, post};
use serde_json::json;
use std::collections::BTreeSet;
use time::{Duration, OffsetDateTime};
use vejviser::cases::consent_expiry;
use vejviser::domain::notice_event::NoticeEvent;
use vejviser::notify::{digest, reminders, transport::Mailer, worker};
use vejviser::store::audit::{self, Filter};
use vejviser::store::outbox;

/// Delivers every due message now, batch after batch.
pub(crate) async fn deliver_all(app: &crate::helpers::TestApp) {
    let mailer = Mailer::from_settings(&app.app.settings).unwrap();
    while worker::deliver_due(&app.app, &mailer, "test")
        .await
        .unwrap()
        > 0
    {}
}

async fn a_daily_recipient_gets_one_digest_counting_changes_and_cases(backend: Backend) {
    let (port, maildir) = plain_server();
    let settings = smtp_settings(port, "").replace("worker = true", "worker = false");
    let app = spawn_app_with(backend, &settings).await;
    let story = story(app).await;
    let app = &story.app;
    let young = account_of(app, &story.young).await;
    let put = story
        .young
        .put(app.url("/api/v1/me/notifications"))
        .json(&json!({"mode": "daily"}))
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 200);
    new_version_by_coordinator(&story).await;
    deliver_all(app).await;
    let rows = outbox::for_recipient(&app.app.db, young).await.unwrap();
    let documents: Vec<_> = rows.iter().filter(|r| r.event.about_documents()).collect();
    assert_eq!(documents.len(), 2);
    assert!(documents.iter().all(|r| r.status == "held"), "{rows:?}");
    // The digest moment after the changes: tomorrow's, whatever the hour now.
    let later = OffsetDateTime::now_utc() + Duration::days(1);
    assert_eq!(digest::sweep(&app.app, later).await.unwrap(), 1);
    assert_eq!(
        digest::sweep(&app.app, later).await.unwrap(),
        0,
        "one a day"
    );
    deliver_all(app).await;
    let rows = settled_for(app, young).await;
    let digests: Vec<_> = rows
        .iter()
        .filter(|r| r.event == NoticeEvent::Digest)
        .collect();
    assert_eq!(digests.len(), 1);
    assert_eq!(digests[0].status, "sent", "{rows:?}");
    assert!(
        rows.iter()
            .filter(|r| r.event.about_documents())
            .all(|r| r.status == "digested")
    );
    let mails = arrived(
        &maildir,
        &digests.iter().copied().cloned().collect::<Vec<_>>(),
        1,
    )
    .await;
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert!(
        mail.text.contains("2 ændringer af dokumenter i 1 sager"),
        "{}",
        mail.text
    );
    assert!(
        mail.text.contains(&format!("{}/cases", app.address)),
        "{}",
        mail.text
    );
    let name = identity(app, "young17").await["name"]
        .as_str()
        .unwrap()
        .to_owned();
    for word in name.split(' ') {
        assert!(!mail.readable().contains(word), "{word}");
    }
}

async fn reminders_are_written_once_each_when_due(backend: Backend) {
    let (port, maildir) = plain_server();
    let settings = smtp_settings(port, "").replace("worker = true", "worker = false");
    let app = spawn_app_with(backend, &settings).await;
    let coordinator = logged_in(&app, "coordinator").await;
    let case = create_case(&app, &coordinator, "young17").await;
    add_citizen(&app, &coordinator, &case, "young17", "young_person", None).await;
    add_citizen(&app, &coordinator, &case, "parent", "parent", Some(true)).await;
    let young = logged_in(&app, "young17").await;
    let _parent = logged_in(&app, "parent").await;
    let tomorrow = (OffsetDateTime::now_utc() + Duration::days(1)).date();
    let given = post(
        &app,
        &young,
        &format!("/api/v1/cases/{case}/consents"),
        json!({"scope": ["job_centre"], "valid_until": tomorrow.to_string()}),
    )
    .await;
    assert_eq!(given.status(), 201, "{}", given.text().await.unwrap());
    let coordinator_id = account_of(&app, &coordinator).await;
    let young_id = account_of(&app, &young).await;
    // Today: nothing is due yet (the parent joined now; the consent is valid).
    let now = OffsetDateTime::now_utc();
    let birth = vejviser::store::cases::load(
        &app.app.db,
        vejviser::domain::ids::CaseId::parse(&case).unwrap(),
    )
    .await
    .unwrap()
    .unwrap()
    .1
    .young_person_birth_date;
    let flag = reminders::flag_day(birth);
    let before_flag = vejviser::clock::copenhagen_date(now) < flag;
    let written = reminders::sweep(&app.app, now).await.unwrap();
    assert_eq!(written, if before_flag { 0 } else { 2 });
    // Eight days on: the parent's consent is missing, the young person's has expired, and
    // (if the flag day is passed by then) the 17½ reminder; two sweeps at once write each once.
    let later = now + Duration::days(8);
    let (a, b) = tokio::join!(
        reminders::sweep(&app.app, later),
        reminders::sweep(&app.app, later)
    );
    let _ = (a.unwrap(), b.unwrap());
    assert_eq!(
        reminders::sweep(&app.app, later).await.unwrap(),
        0,
        "never twice"
    );
    // The expiry is in the case's access log too, once, however many sweepers run (#11).
    let clock = vejviser::clock::from_fixed_now(Some(later));
    let db = &app.app.db;
    let (a, b) = tokio::join!(
        consent_expiry::record_expired(db, &clock),
        consent_expiry::record_expired(db, &clock)
    );
    assert_eq!(a + b, 1);
    assert_eq!(consent_expiry::record_expired(db, &clock).await, 0);
    let expiry = Filter {
        action: Some("expire_consent".to_owned()),
        ..Filter::default()
    };
    let logged = audit::search(db, &expiry, 0, 10).await.unwrap();
    assert_eq!(logged.len(), 1, "{logged:?}");
    assert_eq!(logged[0].case_id.as_deref(), Some(case.as_str()));
    assert_eq!(logged[0].actor_role.as_deref(), Some("operator"));
    assert!(logged[0].actor_account_id.is_none() && logged[0].target_consent.is_some());
    let case_id = vejviser::domain::ids::CaseId::parse(&case).unwrap();
    let rows = outbox::for_case(&app.app.db, case_id).await.unwrap();
    let of = |event| rows.iter().filter(|r| r.event == event).collect::<Vec<_>>();
    let missing = of(NoticeEvent::ConsentMissing);
    assert_eq!(missing.len(), 1, "{rows:?}");
    assert_eq!(missing[0].recipient, coordinator_id);
    let expired = of(NoticeEvent::ConsentExpired);
    assert_eq!(expired.len(), 1, "{rows:?}");
    assert_eq!(expired[0].recipient, coordinator_id);
    let flagged = of(NoticeEvent::TurningEighteen);
    if vejviser::clock::copenhagen_date(later) >= flag {
        let to: BTreeSet<_> = flagged.iter().map(|r| r.recipient).collect();
        assert_eq!(to, BTreeSet::from([coordinator_id, young_id]), "{rows:?}");
        assert_eq!(flagged.len(), 2);
    } else {
        assert!(flagged.is_empty());
    }
    deliver_all(&app).await;
    let reminders: Vec<_> = outbox::for_case(&app.app.db, case_id)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| {
            matches!(
                r.event,
                NoticeEvent::ConsentMissing
                    | NoticeEvent::ConsentExpired
                    | NoticeEvent::TurningEighteen
            )
        })
        .collect();
    assert!(
        reminders.iter().all(|r| r.status == "sent"),
        "{reminders:?}"
    );
    let mails = arrived(&maildir, &reminders, reminders.len()).await;
    assert_eq!(mails.len(), reminders.len());
    assert!(
        mails
            .iter()
            .any(|m| m.subject.starts_with("Et samtykke mangler stadig"))
    );
    assert!(
        mails
            .iter()
            .any(|m| m.subject.starts_with("Et samtykke er udløbet"))
    );
}

/// The 17½ flag on its own: a sweep on the flag day tells the coordinator and the young
/// person that the parents' access ends on the birthday; the day before, nothing.
async fn the_seventeen_and_a_half_flag_tells_coordinator_and_young_person(backend: Backend) {
    let (port, maildir) = plain_server();
    let settings = smtp_settings(port, "").replace("worker = true", "worker = false");
    let app = spawn_app_with(backend, &settings).await;
    let coordinator = logged_in(&app, "coordinator").await;
    let case = create_case(&app, &coordinator, "young17").await;
    add_citizen(&app, &coordinator, &case, "young17", "young_person", None).await;
    let young = logged_in(&app, "young17").await;
    let case_id = vejviser::domain::ids::CaseId::parse(&case).unwrap();
    let birth = vejviser::store::cases::load(&app.app.db, case_id)
        .await
        .unwrap()
        .unwrap()
        .1
        .young_person_birth_date;
    let flag = reminders::flag_day(birth);
    let noon = |day: time::Date| day.with_hms(11, 0, 0).unwrap().assume_utc();
    if vejviser::clock::copenhagen_date(OffsetDateTime::now_utc()) < flag {
        assert_eq!(
            reminders::sweep(&app.app, noon(flag - Duration::days(1)))
                .await
                .unwrap(),
            0
        );
    }
    assert_eq!(reminders::sweep(&app.app, noon(flag)).await.unwrap(), 2);
    assert_eq!(reminders::sweep(&app.app, noon(flag)).await.unwrap(), 0);
    deliver_all(&app).await;
    let rows = outbox::for_case(&app.app.db, case_id).await.unwrap();
    let flagged: Vec<_> = rows
        .into_iter()
        .filter(|r| r.event == NoticeEvent::TurningEighteen)
        .collect();
    let to: BTreeSet<_> = flagged.iter().map(|r| r.recipient).collect();
    let expected = BTreeSet::from([
        account_of(&app, &coordinator).await,
        account_of(&app, &young).await,
    ]);
    assert_eq!(to, expected);
    assert_eq!(flagged.len(), 2);
    let mails = arrived(&maildir, &flagged, 2).await;
    assert_eq!(mails.len(), 2);
    for mail in mails {
        assert!(
            mail.text.contains("ophører på 18-årsdagen"),
            "{}",
            mail.text
        );
    }
}

on_both_databases!(
    a_daily_recipient_gets_one_digest_counting_changes_and_cases,
    reminders_are_written_once_each_when_due,
    the_seventeen_and_a_half_flag_tells_coordinator_and_young_person,
);

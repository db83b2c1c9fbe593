//! The coordinator's alert (issue #11, #12): when an admin or someone with no part in the case
//! acts on it, the worker's sweep writes one message a case a day to the coordinator, which
//! links to the case's log and names no one. On both databases, against the real SMTP server.

use crate::digests_and_reminders::deliver_all;
use crate::helpers::{Backend, on_both_databases, spawn_app_with};
use crate::notification_settings::{account_of, settled_for};
use crate::notifications::story;
use crate::support::mail::{arrived, plain_server, smtp_settings};
use crate::team::{get, identity, logged_in};
use time::{Duration, OffsetDateTime};
use vejviser::domain::notice_event::NoticeEvent;
use vejviser::notify::outsider;

on_both_databases!(an_admin_on_the_case_alerts_its_coordinator_once_a_day);

async fn an_admin_on_the_case_alerts_its_coordinator_once_a_day(backend: Backend) {
    let (port, maildir) = plain_server();
    let settings = smtp_settings(port, "").replace("worker = true", "worker = false");
    let story = story(spawn_app_with(backend, &settings).await).await;
    let app = &story.app;
    let coordinator = account_of(app, &story.coordinator).await;
    let now = OffsetDateTime::now_utc();
    // The team's own actions (adding, consenting) alert no one.
    assert_eq!(outsider::sweep(&app.app, now).await.unwrap(), 0);

    let admin = logged_in(app, "admin").await;
    for _ in 0..2 {
        get(app, &admin, &format!("/api/v1/cases/{}", story.case)).await;
    }
    let now = OffsetDateTime::now_utc();
    assert_eq!(outsider::sweep(&app.app, now).await.unwrap(), 1);
    assert_eq!(
        outsider::sweep(&app.app, now).await.unwrap(),
        0,
        "once a case a day"
    );
    // Tomorrow, yesterday's rows are looked at again but already told.
    let tomorrow = now + Duration::days(1);
    assert_eq!(outsider::sweep(&app.app, tomorrow).await.unwrap(), 0);

    deliver_all(app).await;
    let rows = settled_for(app, coordinator).await;
    let alerts: Vec<_> = rows
        .iter()
        .filter(|r| r.event == NoticeEvent::OutsiderAccess)
        .cloned()
        .collect();
    assert_eq!(alerts.len(), 1, "{rows:?}");
    assert_eq!(alerts[0].status, "sent", "{rows:?}");
    let mails = arrived(&maildir, &alerts, 1).await;
    let mail = &mails[0];
    assert!(mail.subject.contains("uden for sagen"), "{}", mail.subject);
    let link = format!("{}/cases/{}/access-log", app.address, story.case);
    assert!(mail.text.contains(&link), "{}", mail.text);
    for who in ["admin", "coordinator"] {
        let name = identity(app, who).await["name"]
            .as_str()
            .unwrap()
            .to_owned();
        for word in name.split(' ') {
            assert!(
                !mail.readable().contains(word),
                "{word} in {}",
                mail.readable()
            );
        }
    }
}

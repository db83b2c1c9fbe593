//! Journeys 3, 4 and 5 in a real browser (tests/browser/document_journey.mjs, Chromium) at
//! 1280x800 and on a phone (390x844): uploads with a progress bar, "Annullér", a refusal before
//! sending and a duplicate warning; the young person's "Vis", download and version 2 with a
//! note; the stale form leading on; the form without JavaScript; the read-only professional; the
//! young person's access log. axe-core runs on every page; screenshots land in
//! `target/screenshots/journeys`. Here, afterwards: the coordinator got the e-mail of version 2,
//! and it names nobody.

use crate::browser::{journey_shots, run_journey};
use crate::helpers::{Backend, spawn_app_with};
use crate::notifications::email_of;
use crate::support::mail::{folder_settings, received_for, settled};
use crate::team::{case_of, consent, journey_team, logged_in, participant_id};
use serde_json::json;
use vejviser::domain::notice_event::NoticeEvent;

#[tokio::test]
async fn document_journeys_in_chromium_at_both_widths() {
    for device in ["desktop", "phone"] {
        let app = spawn_app_with(Backend::Sqlite, &folder_settings()).await;
        let (coordinator, case) = journey_team(&app).await;
        // The young person edits her own plan: the coordinator lets her write.
        let (_, view) = case_of(&app, &coordinator, &case).await;
        let young_id = participant_id(&view, "young_person");
        let changed = coordinator
            .patch(app.url(&format!("/api/v1/cases/{case}/participants/{young_id}")))
            .json(&json!({ "access": "write" }))
            .send()
            .await
            .unwrap();
        assert_eq!(changed.status(), 204, "{}", changed.text().await.unwrap());
        consent(
            &app,
            &logged_in(&app, "young17").await,
            &case,
            &["job_centre"],
        )
        .await;
        consent(
            &app,
            &logged_in(&app, "parent").await,
            &case,
            &["job_centre"],
        )
        .await;

        let steps = [
            "an iPhone photo was refused on the form before sending",
            "Annullér stopped it; nothing was stored",
            "uploaded the plan with visible progress",
            "the copy was deleted",
            "uploaded version 2 with a note",
            "the coordinator sees version 2",
            "named who uploaded version 2",
            "without JavaScript the form uploaded version 3",
            "a direct POST got 403",
            "found the professional's download",
            "removed the professional after confirming",
        ];
        run_journey("document_journey.mjs", &app, &case, device, &steps).await;
        for shot in ["case-staff", "access-log", "upload-stale-on-form"] {
            assert!(
                journey_shots()
                    .join(format!("{shot}-{device}.png"))
                    .is_file(),
                "no screenshot {shot}"
            );
        }

        // The coordinator got the e-mail of the young person's version 2: a link, no names.
        let coordinator_email = email_of(&app, "coordinator").await;
        let rows = settled(&app, &case).await;
        let versions: Vec<_> = rows
            .iter()
            .filter(|r| r.event == NoticeEvent::DocumentVersion)
            .collect();
        let mails = received_for(&app.data_dir.join("mail"), versions);
        let to_coordinator: Vec<_> = mails
            .iter()
            .filter(|m| m.rcpt_to.contains(&coordinator_email))
            .collect();
        assert!(
            !to_coordinator.is_empty(),
            "{device}: no e-mail of the new version to the coordinator"
        );
        for mail in to_coordinator {
            let readable = mail.readable();
            assert!(readable.contains(&format!("/cases/{case}")), "{readable}");
            for word in ["Sofie", "Nielsen", "Mål"] {
                assert!(!readable.contains(word), "'{word}' in {readable}");
            }
        }
    }
}

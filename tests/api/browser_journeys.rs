//! The guided consent journeys in a real browser (tests/browser/consent_journey.mjs, Chromium) at
//! 1280x800 and on a phone (390x844): landing on one's case after login, the consent steps by
//! keyboard with a receipt, the parent told the consent is hers, an empty choice refused on the
//! same step, sharing turning on for the coordinator, a logged-out deep link surviving login,
//! withdrawal behind a confirmation (the young person keeps her papers, the professional is told
//! why), and "Log af" in the header. axe-core runs on every page. Screenshots land in
//! `target/screenshots/journeys`.

use crate::browser::{journey_shots, run_journey};
use crate::documents::form;
use crate::helpers::{Backend, spawn_app};
use crate::team::{case_of, journey_team};
use vejviser::domain::ids::CaseId;
use vejviser::domain::notice_event::NoticeEvent;

#[tokio::test]
async fn consent_and_withdrawal_journeys_in_chromium_at_both_widths() {
    for device in ["desktop", "phone"] {
        let app = spawn_app(Backend::Sqlite).await;
        let (coordinator, case) = journey_team(&app).await;
        let uploaded = coordinator
            .post(app.url(&format!("/api/v1/cases/{case}/documents")))
            .multipart(form(
                b"%PDF-1.7\n%%EOF\n".to_vec(),
                "plan.pdf",
                "Handleplan",
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(uploaded.status(), 201);

        let steps = [
            "landed on her case",
            "gave consent with the keyboard only and got a receipt",
            "an empty choice was refused on the form",
            "the coordinator landed on Mine sager and sees sharing on",
            "a logged-out deep link asked for a login and came back",
            "withdrew after the confirmation and still sees her own papers",
            "says the young person withdrew and when",
            "Log af in the header logged out",
        ];
        run_journey("consent_journey.mjs", &app, &case, device, &steps).await;
        assert!(
            journey_shots()
                .join(format!("consent-step-2-{device}.png"))
                .is_file(),
            "no screenshot of the consent step"
        );

        // The coordinator is told of the withdrawal (the notice is queued for them).
        let id = CaseId::parse(&case).unwrap();
        let messages = vejviser::store::outbox::for_case(&app.app.db, id)
            .await
            .unwrap();
        let (_, view) = case_of(&app, &coordinator, &case).await;
        let coordinator_id = view["coordinator"]["id"].as_str().unwrap().to_owned();
        let told: Vec<_> = messages
            .iter()
            .filter(|m| m.event == NoticeEvent::ConsentWithdrawn)
            .map(|m| m.recipient.to_string())
            .collect();
        assert!(
            told.contains(&coordinator_id),
            "{device}: the coordinator was not told of the withdrawal: {told:?}"
        );
    }
}

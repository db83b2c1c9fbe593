//! The actions that cannot simply be undone ask first (issue #14): closing a case, removing a
//! person from the team, handing a case over and deactivating a staff member answer a page that
//! says what will happen and changes nothing; the same form posted again with `confirmed=yes`
//! does it. The page is offered only to someone who may do the action, and carries the form's
//! fields as they were sent.

use crate::helpers::{Backend, spawn_app};
use crate::team::{
    add_citizen, add_professional, case_of, create_case, csrf_of, logged_in, page, participant_id,
    staff_id, submit,
};

/// The hidden fields of a confirmation page's form, in order.
fn hidden_fields(html: &str) -> Vec<(String, String)> {
    html.split("<input type=\"hidden\" name=\"")
        .skip(1)
        .map(|rest| {
            let name = rest.split('"').next().unwrap().to_owned();
            let value = rest
                .split("value=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            (name, value.to_owned())
        })
        .filter(|(name, _)| name != "csrf_token")
        .collect()
}

async fn on_team(
    app: &crate::helpers::TestApp,
    client: &reqwest::Client,
    case: &str,
    participant: &str,
) -> bool {
    let (_, view) = case_of(app, client, case).await;
    view["participants"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["id"] == participant)
}

#[tokio::test]
async fn closing_removing_and_handing_over_ask_first_and_change_nothing_until_confirmed() {
    let app = spawn_app(Backend::Sqlite).await;
    let coordinator = logged_in(&app, "coordinator").await;
    let case = create_case(&app, &coordinator, "young19").await;
    add_citizen(&app, &coordinator, &case, "young19", "young_person", None).await;
    add_professional(&app, &coordinator, &case, "Jonas", "read").await;
    let (_, view) = case_of(&app, &coordinator, &case).await;
    let jonas = participant_id(&view, "professional");

    // Removing: the page names the person and what happens; nothing changes yet.
    let remove = format!("/cases/{case}/participants/{jonas}/remove");
    let (status, html) = submit(&app, &coordinator, &remove, &[]).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Vil du fjerne Jonas Berg fra teamet?")
            && html.contains("mister adgangen til sagen og dens dokumenter med det samme")
            && html.contains(&format!("action=\"{remove}\""))
            && html.contains(&format!(
                "href=\"/cases/{case}/participants/{jonas}\">Fortryd"
            )),
        "{html}"
    );
    assert_eq!(
        hidden_fields(&html),
        [("confirmed".to_owned(), "yes".to_owned())]
    );
    assert!(
        on_team(&app, &coordinator, &case, &jonas).await,
        "not removed yet"
    );

    // Someone who may not remove gets the refusal, not a page naming the person.
    let professional = logged_in(&app, "jobcentre").await;
    let (status, html) = submit(&app, &professional, &remove, &[]).await;
    assert_eq!(status, 403, "{html}");
    assert!(!html.contains("Vil du fjerne"), "{html}");

    // Confirmed: done. A confirmation other than "yes" asks again.
    let (status, _) = submit(&app, &coordinator, &remove, &[("confirmed", "ja")]).await;
    assert_eq!(status, 200);
    let (status, _) = submit(&app, &coordinator, &remove, &[("confirmed", "yes")]).await;
    assert_eq!(status, 303);
    assert!(!on_team(&app, &coordinator, &case, &jonas).await, "removed");

    // Handing over: the page carries the chosen successor to post again.
    let amira = staff_id(&app, &coordinator, "Amira").await;
    let hand_over = format!("/cases/{case}/coordinator");
    let (status, html) = submit(&app, &coordinator, &hand_over, &[("account_id", &amira)]).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Vil du overdrage sagen til Amira Larsen?"),
        "{html}"
    );
    assert_eq!(
        hidden_fields(&html),
        [
            ("account_id".to_owned(), amira.clone()),
            ("confirmed".to_owned(), "yes".to_owned())
        ]
    );

    // Closing: asked first (the coordinator's), done when confirmed; reopening asks nothing.
    let close = format!("/cases/{case}/status/close");
    let (status, html) = submit(&app, &coordinator, &close, &[]).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Vil du lukke sagen om ")
            && html.contains("En lukket sag kan kun læses")
            && html.contains("Ja, luk sagen"),
        "{html}"
    );
    let (_, view) = case_of(&app, &coordinator, &case).await;
    assert_eq!(view["status"], "active");
    let (status, _) = submit(&app, &coordinator, &close, &[("confirmed", "yes")]).await;
    assert_eq!(status, 303);
    let (_, view) = case_of(&app, &coordinator, &case).await;
    assert_eq!(view["status"], "closed");
    let reopen = format!("/cases/{case}/status/reopen");
    assert_eq!(submit(&app, &coordinator, &reopen, &[]).await.0, 303);

    // The confirmation page's form, posted as a browser would, does the action.
    let (_, html) = submit(&app, &coordinator, &close, &[]).await;
    let mut form = vec![("csrf_token".to_owned(), csrf_of(&html))];
    form.extend(hidden_fields(&html));
    let posted = coordinator
        .post(app.url(&close))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 303);
    let (_, view) = case_of(&app, &coordinator, &case).await;
    assert_eq!(view["status"], "closed");
    let (status, html) = page(&app, &coordinator, &format!("/cases/{case}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Sagen er lukket"), "{html}");
}

//! The pages that change the team and the staff: editing a participant's access, the young adult
//! giving a parent access again, handing a case over, and the admin's staff page.

use crate::helpers::{Backend, spawn_app};
use crate::team::{
    add_citizen, add_professional, case_of, consent, create_case, get, logged_in, page, post,
    staff_id, submit,
};
use serde_json::Value;

fn participant<'a>(case: &'a Value, id: &str) -> &'a Value {
    case["participants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap()
}

#[tokio::test]
async fn the_coordinator_changes_a_participants_access_on_its_own_page() {
    let app = spawn_app(Backend::Sqlite).await;
    let coordinator = logged_in(&app, "coordinator").await;
    let case = create_case(&app, &coordinator, "young17").await;
    let jonas = add_professional(&app, &coordinator, &case, "Jonas", "read").await;
    let edit = format!("/cases/{case}/participants/{jonas}");

    let (status, html) = page(&app, &coordinator, &edit).await;
    assert_eq!(status, 200);
    assert!(html.contains("Jonas Berg") && html.contains("Ret deltagerens adgang"));
    assert!(html.contains(
        r#"id="access-read" type="radio" name="access" value="read" class="form-radio" checked"#
    ));

    let (status, _) = submit(&app, &coordinator, &edit, &[("access", "write")]).await;
    assert_eq!(status, 303);
    let (_, view) = case_of(&app, &coordinator, &case).await;
    assert_eq!(participant(&view, &jonas)["access"], "write");

    let (status, html) = submit(&app, &coordinator, &edit, &[("access", "owner")]).await;
    assert_eq!(status, 422, "{html}");
    let (_, view) = case_of(&app, &coordinator, &case).await;
    assert_eq!(participant(&view, &jonas)["access"], "write", "unchanged");

    // The professional may not edit the team, and an unknown participant does not exist.
    let professional = logged_in(&app, "jobcentre").await;
    let (status, html) = page(&app, &professional, &edit).await;
    assert_eq!(status, 403);
    assert!(html.contains("Kun sagens koordinator"), "{html}");
    let (status, _) = submit(&app, &professional, &edit, &[("access", "read")]).await;
    assert_eq!(status, 403);
    let unknown = format!("/cases/{case}/participants/{}", uuid::Uuid::new_v4());
    assert_eq!(page(&app, &coordinator, &unknown).await.0, 404);
    assert_eq!(
        page(&app, &coordinator, &format!("/cases/{case}/participants/x"))
            .await
            .0,
        404
    );
}

#[tokio::test]
async fn the_young_adult_gives_a_parent_access_again_from_the_case_page() {
    let app = spawn_app(Backend::Sqlite).await;
    let coordinator = logged_in(&app, "coordinator").await;
    let case = create_case(&app, &coordinator, "young19").await;
    add_citizen(&app, &coordinator, &case, "young19", "young_person", None).await;
    let parent_id = add_citizen(&app, &coordinator, &case, "parent", "parent", Some(false)).await;
    let young = logged_in(&app, "young19").await;
    let parent = logged_in(&app, "parent").await;
    assert_eq!(case_of(&app, &parent, &case).await.0, 403, "ended at 18");

    let (_, html) = page(&app, &young, "/cases").await;
    assert!(html.contains("Min sag") && !html.contains("Mit barns sag"));
    let (_, html) = page(&app, &young, &format!("/cases/{case}")).await;
    assert!(
        html.contains("Adgangen ophørte, da den unge fyldte 18 år"),
        "{html}"
    );
    assert!(html.contains("Giv adgang igen"));
    let grant = format!("/cases/{case}/participants/{parent_id}/grant");
    // Only the young adult grants it: the coordinator cannot.
    assert_eq!(submit(&app, &coordinator, &grant, &[]).await.0, 403);
    assert_eq!(submit(&app, &young, &grant, &[]).await.0, 303);
    assert_eq!(case_of(&app, &parent, &case).await.0, 200);
    let (_, html) = page(&app, &parent, "/cases").await;
    assert!(html.contains("Mit barns sag"), "{html}");
    let (_, html) = page(&app, &young, &format!("/cases/{case}")).await;
    assert!(!html.contains("Giv adgang igen"));
}

#[tokio::test]
async fn an_admin_reassigns_the_coordinator_and_others_cannot() {
    let app = spawn_app(Backend::Sqlite).await;
    let coordinator = logged_in(&app, "coordinator").await;
    let case = create_case(&app, &coordinator, "young17").await;
    add_professional(&app, &coordinator, &case, "Jonas", "write").await;
    let admin = logged_in(&app, "admin").await;
    let amira = staff_id(&app, &admin, "Amira").await;

    let (status, html) = page(&app, &admin, &format!("/cases/{case}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Skift koordinator"), "{html}");
    let professional = logged_in(&app, "jobcentre").await;
    let (_, html) = page(&app, &professional, &format!("/cases/{case}")).await;
    assert!(!html.contains("Skift koordinator"));
    let hand_over = format!("/cases/{case}/coordinator");
    assert_eq!(
        submit(&app, &professional, &hand_over, &[("account_id", &amira)])
            .await
            .0,
        403
    );
    assert_eq!(
        submit(&app, &admin, &hand_over, &[("account_id", "nobody")])
            .await
            .0,
        422
    );

    // First the confirmation page naming the successor, then the hand-over itself.
    let (status, html) = submit(&app, &admin, &hand_over, &[("account_id", &amira)]).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Vil du overdrage sagen til Amira Larsen?"),
        "{html}"
    );
    let (_, view) = case_of(&app, &admin, &case).await;
    assert_eq!(view["coordinator"]["name"], "Karen Holm", "not yet");
    let confirmed = [("account_id", amira.as_str()), ("confirmed", "yes")];
    assert_eq!(submit(&app, &admin, &hand_over, &confirmed).await.0, 303);
    let (_, view) = case_of(&app, &admin, &case).await;
    assert_eq!(view["coordinator"]["name"], "Amira Larsen");
    assert_eq!(
        view["permissions"]["read_documents"], false,
        "admins read no documents"
    );
}

#[tokio::test]
async fn the_admin_page_deactivates_staff_and_is_for_admins_only() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = logged_in(&app, "admin").await;
    let jonas_session = logged_in(&app, "jobcentre").await;
    let jonas = staff_id(&app, &admin, "Jonas").await;

    let (status, html) = page(&app, &admin, "/admin").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Karen Holm") && html.contains("Jonas Berg"),
        "{html}"
    );
    let (_, html) = page(&app, &admin, "/admin?q=Jonas").await;
    assert!(html.contains("Jonas Berg") && !html.contains("Karen Holm"));
    let (_, front) = page(&app, &admin, "/").await;
    assert!(front.contains(r#"href="/admin""#));

    let (status, html) = submit(
        &app,
        &admin,
        &format!("/admin/staff/{jonas}"),
        &[("change", "deactivate")],
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("Vil du deaktivere Jonas Berg?"), "{html}");
    let (status, _) = submit(
        &app,
        &admin,
        &format!("/admin/staff/{jonas}"),
        &[("change", "deactivate"), ("confirmed", "yes")],
    )
    .await;
    assert_eq!(status, 303);
    let (_, html) = page(&app, &admin, "/admin?q=Jonas").await;
    assert!(html.contains("Deaktiveret"), "{html}");
    let me = get(&app, &jonas_session, "/api/v1/me").await;
    assert_eq!(me.status(), 401, "deactivation ends the sessions at once");

    let (status, _) = submit(
        &app,
        &admin,
        &format!("/admin/staff/{jonas}"),
        &[("change", "grant_admin")],
    )
    .await;
    assert_eq!(status, 303);
    let found: Vec<Value> = get(&app, &admin, "/api/v1/staff?q=Jonas")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found[0]["is_admin"], true);
    assert_eq!(found[0]["is_active"], false);
    let (status, _) = submit(
        &app,
        &admin,
        &format!("/admin/staff/{jonas}"),
        &[("change", "explode")],
    )
    .await;
    assert_eq!(status, 422);

    let coordinator = logged_in(&app, "coordinator").await;
    let (status, html) = page(&app, &coordinator, "/admin").await;
    assert_eq!(status, 403);
    assert!(html.contains("Kun kommunens administratorer"), "{html}");
    let (status, _) = submit(
        &app,
        &coordinator,
        &format!("/admin/staff/{jonas}"),
        &[("change", "activate")],
    )
    .await;
    assert_eq!(status, 403);
    let citizen = logged_in(&app, "young17").await;
    assert_eq!(page(&app, &citizen, "/admin").await.0, 403);
}

/// The case page's forms follow the policy's permissions, for the admin too: the admin may
/// manage the team and reassign the case but not close it or record consents; a professional
/// gets none of these; each consent says whether the caller may withdraw it.
#[tokio::test]
async fn the_case_page_offers_the_forms_the_policy_allows() {
    let app = spawn_app(Backend::Sqlite).await;
    let coordinator = logged_in(&app, "coordinator").await;
    let case = create_case(&app, &coordinator, "young19").await;
    add_citizen(&app, &coordinator, &case, "young19", "young_person", None).await;
    add_professional(&app, &coordinator, &case, "Jonas", "read").await;
    let young = logged_in(&app, "young19").await;
    consent(&app, &young, &case, &["job_centre"]).await;

    let add_form = format!(r#"action="/cases/{case}/participants""#);
    let paper_form = r#"name="given_by_participant_id""#;
    let close_form = format!(r#"action="/cases/{case}/status/close""#);
    let hand_over_form = format!(r#"action="/cases/{case}/coordinator""#);
    let withdraw = "/withdraw\"";

    let admin = logged_in(&app, "admin").await;
    let (status, html) = page(&app, &admin, &format!("/cases/{case}")).await;
    assert_eq!(status, 200);
    assert!(html.contains(&add_form), "the admin manages the team");
    assert!(
        html.contains(&hand_over_form),
        "the admin reassigns the case"
    );
    assert!(!html.contains(&close_form), "only the coordinator closes");
    assert!(
        !html.contains(withdraw),
        "an admin withdraws no one's consent"
    );
    assert!(!html.contains(paper_form), "nor records one");
    let (_, as_admin) = case_of(&app, &admin, &case).await;
    assert_eq!(as_admin["permissions"]["record_paper_consent"], false);
    assert_eq!(as_admin["consents"][0]["may_withdraw"], false);

    let (_, html) = page(&app, &coordinator, &format!("/cases/{case}")).await;
    for form in [&add_form, &close_form, &hand_over_form] {
        assert!(html.contains(form.as_str()), "the coordinator has {form}");
    }
    assert!(html.contains(withdraw) && html.contains(paper_form));
    let (_, as_young) = case_of(&app, &young, &case).await;
    assert_eq!(as_young["consents"][0]["may_withdraw"], true, "its giver");

    let professional = logged_in(&app, "jobcentre").await;
    let (_, html) = page(&app, &professional, &format!("/cases/{case}")).await;
    for form in [&add_form, &close_form, &hand_over_form] {
        assert!(
            !html.contains(form.as_str()),
            "a professional has no {form}"
        );
    }
    assert!(!html.contains(withdraw));

    // Closed: the coordinator is offered reopening only.
    post(
        &app,
        &coordinator,
        &format!("/api/v1/cases/{case}/close"),
        serde_json::json!({}),
    )
    .await;
    let (_, html) = page(&app, &coordinator, &format!("/cases/{case}")).await;
    assert!(html.contains(&format!(r#"action="/cases/{case}/status/reopen""#)));
    assert!(!html.contains(&add_form) && !html.contains(&hand_over_form));
}

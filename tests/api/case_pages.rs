//! The case pages, driven as a browser drives them: forms with the session's token, redirects
//! back to the case page, Danish text.

use crate::helpers::{Backend, spawn_app};
use crate::team::{browser, create_case, csrf_of, identity, logged_in, page, post};

#[tokio::test]
async fn a_coordinator_creates_a_case_and_a_young_person_consents_through_the_pages() {
    let app = spawn_app(Backend::Sqlite).await;
    let coordinator = logged_in(&app, "coordinator").await;
    let (status, html) = page(&app, &coordinator, "/cases").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Mine sager") && html.contains("Opret sag"),
        "{html}"
    );

    let (_, form) = page(&app, &coordinator, "/cases/new").await;
    let token = csrf_of(&form);
    let young = identity(&app, "young19").await;
    let created = coordinator
        .post(app.url("/cases/new"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("cpr", young["cpr"].as_str().unwrap()),
            ("name", "Mikkel Jensen"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 303);
    let case_path = created.headers()["location"].to_str().unwrap().to_owned();
    let (status, html) = page(&app, &coordinator, &case_path).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Mikkel Jensen") && html.contains("Papirerne deles ikke endnu"),
        "{html}"
    );
    assert!(html.contains("Afventer samtykke fra den unge."));

    // A form without the token is refused, and nothing is added.
    let forged = coordinator
        .post(app.url(&format!("{case_path}/participants")))
        .form(&[
            ("role", "young_person"),
            ("cpr", young["cpr"].as_str().unwrap()),
            ("name", "Mikkel Jensen"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 422);
    let token = csrf_of(&html);
    let added = coordinator
        .post(app.url(&format!("{case_path}/participants")))
        .form(&[
            ("csrf_token", token.as_str()),
            ("role", "young_person"),
            ("access", "read"),
            ("cpr", young["cpr"].as_str().unwrap()),
            ("name", "Mikkel Jensen"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 303);

    let citizen = logged_in(&app, "young19").await;
    let (_, mine) = page(&app, &citizen, "/cases").await;
    assert!(
        mine.contains("Min sag") && mine.contains("Den unge (dig)"),
        "{mine}"
    );
    let (_, html) = page(&app, &citizen, &case_path).await;
    assert!(html.contains("Giv samtykke"), "{html}");
    let token = csrf_of(&html);
    let consented = citizen
        .post(app.url(&format!("{case_path}/consents")))
        .form(&[
            ("csrf_token", token.as_str()),
            ("scope", "job_centre"),
            ("scope", "adult"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(consented.status(), 303);
    let (_, html) = page(&app, &coordinator, &case_path).await;
    assert!(html.contains("Der er givet samtykke"), "{html}");
    assert!(html.contains("Jobcenteret, Voksenforvaltningen"), "{html}");
}

#[tokio::test]
async fn strangers_get_the_not_found_page_and_the_anonymous_a_login_that_comes_back() {
    let app = spawn_app(Backend::Sqlite).await;
    let coordinator = logged_in(&app, "coordinator").await;
    let case = create_case(&app, &coordinator, "young17").await;
    let stranger = logged_in(&app, "guidance").await;
    let (status, html) = page(&app, &stranger, &format!("/cases/{case}")).await;
    assert_eq!(status, 404);
    assert!(html.contains("Siden findes ikke"));
    // Logged out, a deep link says why it asks for a login, and each way to log in comes back.
    let anonymous = browser();
    let response = anonymous
        .get(app.url(&format!("/cases/{case}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let html = response.text().await.unwrap();
    assert!(html.contains("kommer du direkte tilbage"), "{html}");
    let back = format!("return_to=%2Fcases%2F{case}");
    assert!(
        html.contains(&format!("/auth/login/citizen?{back}"))
            && html.contains(&format!("/auth/login/staff?{back}")),
        "{html}"
    );
    let searched = anonymous
        .get(app.url("/cases?q=0101011234"))
        .send()
        .await
        .unwrap();
    let html = searched.text().await.unwrap();
    assert!(
        html.contains("return_to=%2Fcases\"") && !html.contains("0101011234"),
        "a searched-for CPR number never travels into the login: {html}"
    );
}

/// A form with a wrong field answers with a page that says what is wrong in the reader's
/// language, and the API's problem carries the Danish sentence beside the English one.
#[tokio::test]
async fn a_wrong_field_is_explained_in_danish_and_english() {
    let app = spawn_app(Backend::Sqlite).await;
    let coordinator = logged_in(&app, "coordinator").await;
    let case = create_case(&app, &coordinator, "young19").await;
    let case_path = format!("/cases/{case}");
    let bad_cpr = |token: String| {
        let (coordinator, url) = (&coordinator, app.url(&format!("{case_path}/participants")));
        async move {
            let response = coordinator
                .post(url)
                .header("accept", "text/html")
                .form(&[
                    ("csrf_token", token.as_str()),
                    ("role", "parent"),
                    ("access", "read"),
                    ("cpr", "12345"),
                    ("name", "Ida Ølgaard"),
                ])
                .send()
                .await
                .unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    let (_, html) = page(&app, &coordinator, &case_path).await;
    let (status, html) = bad_cpr(csrf_of(&html)).await;
    assert_eq!(status, 422);
    assert!(
        html.contains("Et CPR-nummer har 10 cifre, skrevet DDMMÅÅSSSS eller DDMMÅÅ-SSSS."),
        "{html}"
    );

    page(&app, &coordinator, "/lang/en?return_to=/").await;
    let (_, html) = page(&app, &coordinator, &case_path).await;
    let (status, html) = bad_cpr(csrf_of(&html)).await;
    assert_eq!(status, 422);
    assert!(
        html.contains("A CPR number has 10 digits, written DDMMYYSSSS or DDMMYY-SSSS."),
        "{html}"
    );

    let problem = crate::helpers::assert_problem(
        post(
            &app,
            &coordinator,
            &format!("/api/v1/cases/{case}/participants"),
            serde_json::json!({"role": "parent", "access": "read", "cpr": "12345", "name": "Ida Ølgaard"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(problem["field"], "cpr");
    assert_eq!(
        problem["detail_da"],
        "Et CPR-nummer har 10 cifre, skrevet DDMMÅÅSSSS eller DDMMÅÅ-SSSS."
    );
}

/// A form posted after the session ended gets a page saying so (nothing is saved); the API keeps
/// its problem+json, and a page that answers 401 itself (a wrong password) keeps its own text.
#[tokio::test]
async fn a_form_posted_without_a_session_gets_a_page_to_log_in_again() {
    let app = spawn_app(Backend::Sqlite).await;
    let coordinator = logged_in(&app, "coordinator").await;
    let case = create_case(&app, &coordinator, "young19").await;
    let stranger = reqwest::Client::new();
    let response = stranger
        .post(app.url(&format!("/cases/{case}/participants")))
        .header("accept", "text/html,application/xhtml+xml")
        .form(&[("csrf_token", "x"), ("role", "parent")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Du er ikke logget ind") && html.contains("Log ind igen fra forsiden"),
        "{html}"
    );

    let api = stranger
        .get(app.url("/api/v1/me"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 401);
    assert_eq!(api.headers()["content-type"], "application/problem+json");

    let wrong = stranger
        .post(app.url("/auth/password"))
        .header("accept", "text/html")
        .form(&[
            ("email", "nobody@demo-kommune.example"),
            ("password", "forkert"),
            ("code", "000000"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert!(
        !wrong
            .text()
            .await
            .unwrap()
            .contains("Du er ikke logget ind")
    );
}

use crate::helpers::{Backend, TestApp, assert_problem, spawn_app};
use crate::team::{create_case, csrf_of, logged_in, page};

#[tokio::test]
async fn unknown_api_routes_are_404_problems() {
    let app = spawn_app(Backend::Sqlite).await;
    assert_problem(app.get("/api/v1/does-not-exist").await, 404).await;
    // Even when a browser asks: the API always answers JSON.
    assert_problem(app.get_page("/api/v1/does-not-exist").await, 404).await;
}

#[tokio::test]
async fn a_wrong_method_is_a_405_problem_that_names_the_allowed_one() {
    let app = spawn_app(Backend::Sqlite).await;
    let response = app
        .client
        .post(app.url("/api/v1/openapi.json"))
        .body("{}")
        .send()
        .await
        .unwrap();
    let allow = response
        .headers()
        .get("allow")
        .map(|v| v.to_str().unwrap().to_owned());
    assert_problem(response, 405).await;
    assert_eq!(allow.as_deref(), Some("GET"));
}

#[tokio::test]
async fn browsers_get_a_danish_page_for_unknown_pages() {
    let app = spawn_app(Backend::Sqlite).await;
    let response = app.get_page("/no/such/page").await;
    assert_eq!(response.status(), 404);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = response.text().await.unwrap();
    assert!(html.contains("Siden findes ikke"), "{html}");
    assert!(html.contains("href=\"/\""), "offers the way home");
}

#[tokio::test]
async fn malformed_paths_and_queries_never_give_500() {
    let app = spawn_app(Backend::Sqlite).await;
    for path in [
        "/lang/xx",
        "/lang/en?return_to=%ZZ",
        "/static/../Cargo.toml",
        "/static/%2e%2e/Cargo.toml",
        "/api/v1/%00",
        "/dev-idp/identities?x=%FF",
    ] {
        let status = app.get(path).await.status();
        assert!(
            status.is_client_error() || status.is_redirection() || status.is_success(),
            "{path}: {status}"
        );
        assert_ne!(status, 500, "{path}");
    }
    // The static handler never serves anything outside the embedded folder.
    let status = app.get("/static/%2e%2e/Cargo.toml").await.status();
    assert_eq!(status, 404);
}

/// A malformed id in a path answers exactly as an id the caller may not see: the same not-found
/// page for a browser, the same problem for the API, and never reaches a handler.
#[tokio::test]
async fn malformed_ids_in_paths_answer_as_unknown_ids_do() {
    let app = spawn_app(Backend::Sqlite).await;
    let coordinator = logged_in(&app, "coordinator").await;
    let case = create_case(&app, &coordinator, "young19").await;
    let unknown = uuid::Uuid::new_v4();
    let (_, unknown_page) = page(&app, &coordinator, &format!("/cases/{unknown}")).await;
    for path in [
        "/cases/not-an-id".to_owned(),
        "/documents/42".to_owned(),
        format!("/documents/{unknown}/versions/first/download"),
        format!("/documents/{unknown}/versions/-1/download"),
    ] {
        let (status, html) = page(&app, &coordinator, &path).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(main_of(&html), main_of(&unknown_page), "{path}");
    }
    let unknown_problem =
        api_get(&app, &coordinator, &format!("/api/v1/documents/{unknown}")).await;
    for path in [
        "/api/v1/cases/not-an-id".to_owned(),
        "/api/v1/documents/%00".to_owned(),
        "/api/v1/cases/not-an-id/documents".to_owned(),
        format!("/api/v1/documents/{unknown}/versions/2.5/content"),
    ] {
        assert_eq!(
            api_get(&app, &coordinator, &path).await,
            unknown_problem,
            "{path}"
        );
    }
    // A form posted to a status that does not exist changes nothing.
    let (_, html) = page(&app, &coordinator, &format!("/cases/{case}")).await;
    let token = csrf_of(&html);
    let response = coordinator
        .post(app.url(&format!("/cases/{case}/status/erase")))
        .header("accept", "text/html")
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let (_, after) = page(&app, &coordinator, &format!("/cases/{case}")).await;
    assert!(after.contains(&format!(r#"action="/cases/{case}/status/close""#)));
}

/// The status and body of an API GET (PATCH/POST routes share the path extractor).
async fn api_get(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, String) {
    let response = client.get(app.url(path)).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// A page's main content (the header's language link names the page's own address).
fn main_of(html: &str) -> &str {
    let start = html.find("id=\"main-content\"").expect("a main element");
    let end = html[start..].find("</main>").expect("the end of main");
    &html[start..start + end]
}

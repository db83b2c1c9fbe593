use crate::helpers::{Backend, assert_problem, spawn_app};

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

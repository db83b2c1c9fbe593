use crate::helpers::{Backend, spawn_app};

#[tokio::test]
async fn the_openapi_document_lists_the_routes_and_they_are_served() {
    let app = spawn_app(Backend::Sqlite).await;
    let response = app.get("/api/v1/openapi.json").await;
    assert_eq!(response.status(), 200);
    let doc: serde_json::Value = response.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for expected in ["/healthz", "/readyz", "/metrics", "/dev-idp/identities"] {
        assert!(
            paths.contains_key(expected),
            "{expected} missing from the document"
        );
    }
    // Every documented GET route exists (a documented route that 404s would mislead integrators).
    for (path, item) in paths {
        if item.get("get").is_some() && !path.contains('{') {
            assert_ne!(
                app.get(path).await.status(),
                404,
                "{path} is documented but not served"
            );
        }
    }
    assert!(doc["components"]["schemas"].get("ProblemBody").is_some());
}

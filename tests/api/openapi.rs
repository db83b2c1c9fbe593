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

/// Every path under /api/v1 the routes register is in the document (the contract test holds
/// each documented path's methods to it: an undocumented method must answer 405). Read from the
/// route table's source, since actix cannot list its resources.
#[tokio::test]
async fn every_api_route_is_in_the_openapi_document() {
    let app = spawn_app(Backend::Sqlite).await;
    let doc: serde_json::Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    let paths = doc["paths"].as_object().unwrap();
    let routes = include_str!("../../src/http/routes.rs");
    let registered: Vec<&str> = routes
        .split("web::resource(\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|path| path.starts_with("/api/v1/") && *path != "/api/v1/openapi.json")
        .collect();
    assert!(
        registered.len() >= 30,
        "the route table was not read: {registered:?}"
    );
    let missing: Vec<&&str> = registered
        .iter()
        .filter(|path| !paths.contains_key(**path))
        .collect();
    assert!(
        missing.is_empty(),
        "registered but not documented: {missing:?}"
    );
}

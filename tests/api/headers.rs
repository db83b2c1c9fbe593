use crate::helpers::{Backend, spawn_app, spawn_app_with};
use std::collections::HashSet;

const EXPECTED: [(&str, &str); 4] = [
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
];

fn assert_security_headers(response: &reqwest::Response) {
    let headers = response.headers();
    for (name, value) in EXPECTED {
        assert_eq!(
            headers.get(name).and_then(|v| v.to_str().ok()),
            Some(value),
            "{name} on {}",
            response.url()
        );
    }
    let csp = headers
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(
        !csp.contains("unsafe-inline"),
        "no inline script or style: {csp}"
    );
    assert!(headers.get("x-request-id").is_some());
}

#[tokio::test]
async fn every_kind_of_response_carries_the_security_headers() {
    let app = spawn_app(Backend::Sqlite).await;
    for path in [
        "/",
        "/healthz",
        "/api/v1/nothing-here",
        "/static/dkfds/css/dkfds.min.css",
        "/metrics",
    ] {
        assert_security_headers(&app.get(path).await);
    }
    let wrong_method = app.client.delete(app.url("/healthz")).send().await.unwrap();
    assert_security_headers(&wrong_method);
}

/// No page, answer or error is kept by a browser or proxy (a shared PC after logout); only the
/// static files are cacheable.
#[tokio::test]
async fn nothing_but_static_files_may_be_cached() {
    let app = spawn_app(Backend::Sqlite).await;
    let cache_control = |response: &reqwest::Response| {
        response
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    for path in [
        "/",
        "/cases",
        "/no-such-page",
        "/auth/logged-out",
        "/api/v1/me",
    ] {
        let response = app
            .client
            .get(app.url(path))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert_eq!(
            cache_control(&response).as_deref(),
            Some("no-store"),
            "{path}"
        );
    }
    let css = app.get("/static/dkfds/css/dkfds.min.css").await;
    assert_eq!(cache_control(&css).as_deref(), Some("public, max-age=3600"));
}

#[tokio::test]
async fn hsts_only_where_people_arrive_over_https() {
    let plain = spawn_app(Backend::Sqlite).await;
    assert!(
        plain
            .get("/healthz")
            .await
            .headers()
            .get("strict-transport-security")
            .is_none()
    );
    let https = spawn_app_with(
        Backend::Sqlite,
        "[server]\npublic_url = \"https://vejviser.example\"",
    )
    .await;
    let hsts = https
        .get("/healthz")
        .await
        .headers()
        .get("strict-transport-security")
        .cloned();
    assert_eq!(
        hsts.unwrap().to_str().unwrap(),
        "max-age=31536000; includeSubDomains"
    );
}

#[tokio::test]
async fn request_ids_are_unique_per_request() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut ids = HashSet::new();
    for _ in 0..5 {
        let response = app.get("/healthz").await;
        let id = response
            .headers()
            .get("x-request-id")
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
        ids.insert(id);
    }
    assert_eq!(ids.len(), 5);
}

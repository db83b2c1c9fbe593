use crate::helpers::{Backend, spawn_app};

#[tokio::test]
async fn requests_are_counted_by_route_pattern_not_raw_path() {
    let app = spawn_app(Backend::Sqlite).await;
    app.get("/healthz").await;
    app.get("/healthz").await;
    app.get("/lang/en?return_to=/secret-looking-path").await;
    let response = app.get("/metrics").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("openmetrics-text")
    );
    let text = response.text().await.unwrap();
    let healthz = text
        .lines()
        .find(|l| {
            l.starts_with("vejviser_http_requests_total{") && l.contains("route=\"/healthz\"")
        })
        .unwrap_or_else(|| panic!("no healthz counter in\n{text}"));
    assert!(healthz.contains("status=\"200\""));
    assert!(healthz.ends_with(" 2"), "{healthz}");
    assert!(text.contains("route=\"/lang/{code}\""));
    assert!(!text.contains("secret-looking-path"));
    assert!(text.contains("vejviser_http_request_duration_seconds_bucket"));
    assert!(text.contains("vejviser_build_info"));
}

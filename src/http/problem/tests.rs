//! The error handlers, driven through a real actix-web service.

use super::*;
use crate::store::StoreError;
use actix_web::{App, test as actix_test, web};

#[derive(serde::Deserialize)]
struct Body {
    #[allow(dead_code)]
    count: u32,
}

async fn takes_json(_: web::Json<Body>) -> HttpResponse {
    HttpResponse::Ok().finish()
}

async fn takes_query(_: web::Query<Body>) -> HttpResponse {
    HttpResponse::Ok().finish()
}

async fn takes_id(_: web::Path<uuid::Uuid>) -> HttpResponse {
    HttpResponse::Ok().finish()
}

macro_rules! service {
    () => {
        actix_test::init_service(
            App::new()
                .app_data(
                    web::JsonConfig::default()
                        .limit(64)
                        .error_handler(json_error),
                )
                .app_data(web::QueryConfig::default().error_handler(query_error))
                .app_data(web::PathConfig::default().error_handler(path_error))
                .route("/json", web::post().to(takes_json))
                .route("/query", web::get().to(takes_query))
                .route("/item/{id}", web::get().to(takes_id)),
        )
        .await
    };
}

async fn problem_of(resp: actix_web::dev::ServiceResponse) -> (u16, serde_json::Value) {
    let status = resp.status().as_u16();
    assert_eq!(resp.headers().get("content-type").unwrap(), CONTENT_TYPE);
    let body: serde_json::Value = actix_test::read_body_json(resp).await;
    assert_eq!(body["status"], status);
    assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()));
    assert!(
        body["type"]
            .as_str()
            .unwrap()
            .starts_with("urn:vejviser:problem:")
    );
    (status, body)
}

#[actix_web::test]
async fn malformed_json_is_400() {
    let app = service!();
    let req = actix_test::TestRequest::post()
        .uri("/json")
        .insert_header(("content-type", "application/json"))
        .set_payload("{nope")
        .to_request();
    let (status, _) = problem_of(actix_test::call_service(&app, req).await).await;
    assert_eq!(status, 400);
}

#[actix_web::test]
async fn wrong_fields_are_422_naming_the_field() {
    let app = service!();
    let req = actix_test::TestRequest::post()
        .uri("/json")
        .set_json(serde_json::json!({"count": "many"}))
        .to_request();
    let (status, body) = problem_of(actix_test::call_service(&app, req).await).await;
    assert_eq!(status, 422);
    assert!(
        body["detail"].as_str().unwrap().contains("invalid type"),
        "{body}"
    );
}

#[actix_web::test]
async fn oversized_json_is_413() {
    let app = service!();
    let big = format!("{{\"count\": 1, \"pad\": \"{}\"}}", "x".repeat(200));
    let req = actix_test::TestRequest::post()
        .uri("/json")
        .insert_header(("content-type", "application/json"))
        .set_payload(big)
        .to_request();
    let (status, _) = problem_of(actix_test::call_service(&app, req).await).await;
    assert_eq!(status, 413);
}

#[actix_web::test]
async fn wrong_content_type_is_415() {
    let app = service!();
    let req = actix_test::TestRequest::post()
        .uri("/json")
        .insert_header(("content-type", "text/plain"))
        .set_payload("{}")
        .to_request();
    let (status, _) = problem_of(actix_test::call_service(&app, req).await).await;
    assert_eq!(status, 415);
}

#[actix_web::test]
async fn bad_query_is_400_and_bad_path_id_is_404() {
    let app = service!();
    let req = actix_test::TestRequest::get()
        .uri("/query?count=-1")
        .to_request();
    assert_eq!(
        problem_of(actix_test::call_service(&app, req).await)
            .await
            .0,
        400
    );
    let req = actix_test::TestRequest::get()
        .uri("/item/not-a-uuid")
        .to_request();
    assert_eq!(
        problem_of(actix_test::call_service(&app, req).await)
            .await
            .0,
        404
    );
}

#[test]
fn store_errors_map_once() {
    assert_eq!(
        Problem::from(StoreError::NotFound).status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        Problem::from(StoreError::Conflict("a municipality")).status(),
        StatusCode::CONFLICT
    );
    let internal = Problem::from(StoreError::Corrupt("secret detail".into()));
    assert_eq!(internal.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!internal.body().detail.contains("secret"));
}

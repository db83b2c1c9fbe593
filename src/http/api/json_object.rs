//! A JSON request body that must be a JSON object. serde's derived structs also accept an array
//! of their field values in order (`[null, null]` for two optional fields), which the contract
//! does not allow and nobody means; this extractor refuses anything but an object with a 422
//! before the struct sees it. Size limits and syntax errors stay with `web::Json` (and its
//! problem+json handler in `routes`).

use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, dev::Payload, error::JsonPayloadError, web};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use crate::http::problem::{Problem, json_error};

#[derive(Debug)]
pub struct JsonObject<T>(pub T);

impl<T> JsonObject<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for JsonObject<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonObject<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = web::Json::<serde_json::Value>::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let web::Json(value) = body.await?;
            if !value.is_object() {
                return Err(Problem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid-body",
                    "Invalid body",
                    "The JSON body must be an object.",
                )
                .into());
            }
            serde_json::from_value(value)
                .map(JsonObject)
                .map_err(|e| json_error(JsonPayloadError::Deserialize(e), &req))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::{App, HttpResponse, test};
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Optional {
        a: Option<bool>,
        b: Option<bool>,
    }

    async fn takes(body: JsonObject<Optional>) -> HttpResponse {
        let body = body.into_inner();
        HttpResponse::Ok().body(format!("{:?} {:?}", body.a, body.b))
    }

    async fn status_and_body(json: &str) -> (u16, String) {
        let app = test::init_service(App::new().route("/", web::post().to(takes))).await;
        let request = test::TestRequest::post()
            .uri("/")
            .insert_header(("content-type", "application/json"))
            .set_payload(json.to_owned())
            .to_request();
        let response = test::call_service(&app, request).await;
        let status = response.status().as_u16();
        let body = test::read_body(response).await;
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    #[actix_web::test]
    async fn an_object_is_read() {
        assert_eq!(
            status_and_body(r#"{"a": true}"#).await,
            (200, "Some(true) None".into())
        );
    }

    #[actix_web::test]
    async fn an_array_of_the_field_values_is_refused() {
        // A bare `web::Json<Optional>` takes this as a = null, b = null.
        let (status, body) = status_and_body("[null, null]").await;
        assert_eq!(status, 422);
        assert!(body.contains("must be an object"), "{body}");
    }

    #[actix_web::test]
    async fn wrong_field_types_are_still_refused() {
        let (status, body) = status_and_body(r#"{"a": "yes"}"#).await;
        assert_eq!(status, 422);
        assert!(body.contains("expected fields"), "{body}");
    }
}

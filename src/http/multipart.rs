//! The HTTP side of an upload: a `multipart/form-data` body handed to the documents service as
//! its `FormParts`, and the request's declared length.

use crate::documents::upload_form::{FormPart, FormParts, Request, Sender};
use actix_multipart::{Field, Multipart, MultipartError};
use actix_web::HttpRequest;
use actix_web::http::header::CONTENT_LENGTH;
use futures_util::TryStreamExt;

/// A multipart body as the form parts the documents service reads.
pub struct MultipartParts(pub Multipart);

impl FormParts for MultipartParts {
    type Error = MultipartError;
    type Body = Field;

    async fn next_part(&mut self) -> Result<Option<FormPart<Field>>, MultipartError> {
        Ok(self.0.try_next().await?.map(|field| FormPart {
            name: field.name().unwrap_or_default().to_owned(),
            file_name: field
                .content_disposition()
                .and_then(|cd| cd.get_filename())
                .map(str::to_owned),
            body: field,
        }))
    }
}

/// What the documents service needs to know of the request around the form.
pub fn upload_request<'a>(req: &HttpRequest, sender: Sender<'a>) -> Request<'a> {
    Request {
        sender,
        declared_length: req
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok()),
    }
}

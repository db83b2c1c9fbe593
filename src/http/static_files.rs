//! Static assets (DKFDS and our own), embedded in the binary so it runs from any directory.

use actix_web::http::header::{self, EntityTag};
use actix_web::{HttpRequest, HttpResponse, web};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "static/"]
struct Assets;

pub async fn serve(req: HttpRequest, path: web::Path<String>) -> HttpResponse {
    let Some(file) = Assets::get(&path) else {
        return HttpResponse::NotFound().finish();
    };
    let etag = EntityTag::new_strong(hex::encode(&file.metadata.sha256_hash()[..16]));
    let unchanged = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|value| {
            value.split(',').any(|tag| {
                let tag = tag.trim();
                tag == "*"
                    || tag
                        .trim_start_matches("W/")
                        .parse::<EntityTag>()
                        .is_ok_and(|t| t.weak_eq(&etag))
            })
        });
    let mut response = if unchanged {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header(header::ETag(etag))
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"));
    if unchanged {
        return response.finish();
    }
    let mime = mime_guess::from_path(path.as_str()).first_or_octet_stream();
    response
        .content_type(mime.as_ref())
        .body(file.data.into_owned())
}

/// Browsers ask for it on every site; DKFDS ships none.
pub async fn favicon() -> HttpResponse {
    HttpResponse::NoContent().finish()
}

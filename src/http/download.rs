//! A version's bytes as an HTTP response, for the API and the pages alike: the file name per
//! RFC 6266 (UTF-8 kept), the stored type, `nosniff`, `no-store`, the version as `ETag`.

use crate::app::App;
use crate::documents::reading::{self, OpenedVersion};
use crate::documents::{DocumentError, DocumentResult};
use crate::domain::file_type::FileType;
use crate::domain::ids::DocumentId;
use crate::policy::Actor;
use actix_web::HttpResponse;
use actix_web::http::header::{
    self, CacheControl, CacheDirective, Charset, ContentDisposition, DispositionParam,
    DispositionType, ExtendedValue,
};
use bytes::BytesMut;
use futures_util::TryStreamExt;

/// Versions up to this size are decrypted and checked whole before their headers go out; larger
/// ones stream, and a failed check cuts the body off short of its Content-Length.
const CHECK_BEFORE_SENDING: u64 = 1024 * 1024;

/// The newest version of the document (or version `number`) as a download.
pub async fn file(
    state: &App,
    actor: &Actor,
    id: DocumentId,
    number: Option<i64>,
) -> DocumentResult<HttpResponse> {
    let (version, bytes) = reading::open(state, actor, id, number).await?;
    let size = u64::try_from(version.size).unwrap_or_default();
    let mut response = HttpResponse::Ok();
    response
        .insert_header(attachment(&version.file_name))
        .insert_header((header::CONTENT_TYPE, content_type(&version)))
        .insert_header((header::ETAG, format!("\"{}\"", version.version)))
        .insert_header(CacheControl(vec![CacheDirective::NoStore]))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"));
    if size <= CHECK_BEFORE_SENDING {
        // A damaged small version is a clear 500 (logged as an integrity failure), never a body
        // cut short, and an empty one cannot pass unchecked.
        let body = bytes
            .try_fold(BytesMut::new(), |mut body, piece| async move {
                body.extend_from_slice(&piece);
                Ok(body)
            })
            .await
            .map_err(DocumentError::Download)?;
        return Ok(response.body(body.freeze()));
    }
    Ok(response.no_chunking(size).streaming(bytes))
}

fn content_type(version: &OpenedVersion) -> String {
    if version.content_type == FileType::Text.media_type() {
        "text/plain; charset=utf-8".to_owned()
    } else {
        version.content_type.clone()
    }
}

/// `attachment; filename="<ASCII stand-in>"; filename*=UTF-8''<the name>` (RFC 6266), so every
/// browser saves the file under its name, Danish letters included.
fn attachment(name: &str) -> ContentDisposition {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .filter(|c| *c != '"' && *c != '\\')
        .collect();
    ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(ascii),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: Charset::Ext("UTF-8".to_owned()),
                language_tag: None,
                value: name.as_bytes().to_vec(),
            }),
        ],
    }
}

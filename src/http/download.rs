//! A version's bytes as an HTTP response, for the API and the pages alike: the file name per
//! RFC 6266 (UTF-8 kept), the stored type, `nosniff`, `no-store`, the version as `ETag`. A page's
//! "Vis" asks for a preview: a PDF or image is then shown in the browser (`inline`) under a
//! Content-Security-Policy of its own; every other type is still a download, so text or anything
//! HTML-like is never rendered from our origin.

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

/// Images are shown in a sandboxed document: no script, no plugin, no form, a unique origin.
const IMAGE_PREVIEW_POLICY: &str =
    "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'";

/// Chromium and Safari refuse their PDF viewer in a sandboxed document (it counts as a plugin;
/// no sandbox token re-enables it), so a PDF gets no `sandbox`, only a policy that lets nothing
/// but the viewer load. What keeps this safe: the bytes were sniffed as PDF at upload and go out
/// as `application/pdf` with `nosniff`, so they cannot be taken for HTML, and a PDF's own
/// scripts run inside the viewer's isolated process, not in our origin.
const PDF_PREVIEW_POLICY: &str = "default-src 'none'; object-src 'self'; style-src 'unsafe-inline'; \
     base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// How the browser is to treat the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Showing {
    /// Saved under the file's name.
    Download,
    /// Shown in the browser when the type is one it shows safely; saved otherwise.
    Preview,
}

/// Whether a stored type is shown by "Vis" rather than downloaded.
pub fn previewable(content_type: &str) -> bool {
    preview_policy(content_type).is_some()
}

fn preview_policy(content_type: &str) -> Option<&'static str> {
    match content_type.parse::<FileType>().ok()? {
        FileType::Pdf => Some(PDF_PREVIEW_POLICY),
        FileType::Png | FileType::Jpeg => Some(IMAGE_PREVIEW_POLICY),
        _ => None,
    }
}

/// The newest version of the document (or version `number`) as a download.
pub async fn file(
    state: &App,
    actor: &Actor,
    id: DocumentId,
    number: Option<i64>,
) -> DocumentResult<HttpResponse> {
    respond(state, actor, (id, number), Showing::Download).await
}

/// The version's bytes, shown (`Showing::Preview`) or saved.
pub async fn respond(
    state: &App,
    actor: &Actor,
    (id, number): (DocumentId, Option<i64>),
    showing: Showing,
) -> DocumentResult<HttpResponse> {
    let (version, bytes) = reading::open(state, actor, id, number).await?;
    let size = u64::try_from(version.size).unwrap_or_default();
    let mut response = HttpResponse::Ok();
    let policy = match showing {
        Showing::Preview => preview_policy(&version.content_type),
        Showing::Download => None,
    };
    let disposition = match policy {
        Some(policy) => {
            response.insert_header((header::CONTENT_SECURITY_POLICY, policy));
            DispositionType::Inline
        }
        None => DispositionType::Attachment,
    };
    response
        .insert_header(named(disposition, &version.file_name))
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
/// browser saves the file under its name, Danish letters included (`inline` likewise).
fn named(disposition: DispositionType, name: &str) -> ContentDisposition {
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
        disposition,
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

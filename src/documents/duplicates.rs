//! What an upload repeats: another document of the case with the same title, or the same file
//! (by SHA-256) already stored as a version. The document page warns of it right after the
//! upload, with links, so a second copy of the plan is noticed while it is easy to undo.

use super::reading::DocumentDetail;
use super::{DocumentResult, case_key, sealing};
use crate::app::App;
use crate::store::documents as store;

/// A document (and version) that an upload repeats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Twin {
    pub document_id: String,
    pub title: String,
    pub version: i64,
}

#[derive(Debug, Default)]
pub struct Duplicates {
    /// Other documents with the title of a new document (not checked for a new version).
    pub same_title: Vec<Twin>,
    /// Versions, here or in another document, holding the same file as the upload.
    pub same_file: Vec<Twin>,
}

impl Duplicates {
    pub fn is_empty(&self) -> bool {
        self.same_title.is_empty() && self.same_file.is_empty()
    }
}

/// What version `uploaded` of the document (which the reader has just been allowed to see, as
/// `detail` proves) repeats within its case.
pub async fn of_upload(
    state: &App,
    detail: &DocumentDetail,
    uploaded: i64,
) -> DocumentResult<Duplicates> {
    let Some(version) = detail.versions.iter().find(|v| v.version == uploaded) else {
        return Ok(Duplicates::default());
    };
    let case = detail.case_id;
    let this = detail.document.id.as_str();
    let rows = store::for_case(&state.db, case).await?;
    let key = case_key::for_download(state, case).await?;
    let mut titles = Vec::with_capacity(rows.len());
    for row in &rows {
        titles.push((
            row.id.to_string(),
            sealing::title(&key, row.id, &row.title)?,
        ));
    }
    let title_of = |id: &str| {
        titles
            .iter()
            .find(|(other, _)| other == id)
            .map(|(_, title)| title.clone())
    };
    let wanted = detail.document.title.trim().to_lowercase();
    let same_title = if uploaded == 1 {
        titles
            .iter()
            .filter(|(id, title)| id != this && title.trim().to_lowercase() == wanted)
            .map(|(id, title)| Twin {
                document_id: id.clone(),
                title: title.clone(),
                version: 0,
            })
            .collect()
    } else {
        Vec::new()
    };
    let same_file = store::versions_with_hash(&state.db, case, &version.sha256)
        .await?
        .into_iter()
        .map(|(id, number)| (id.to_string(), number))
        .filter(|(id, number)| !(id == this && *number == uploaded))
        .filter_map(|(id, number)| {
            Some(Twin {
                title: title_of(&id)?,
                document_id: id,
                version: number,
            })
        })
        .collect();
    Ok(Duplicates {
        same_title,
        same_file,
    })
}

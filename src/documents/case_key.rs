//! A case's key: made on the case's first upload, unsealed per request (never cached, so an
//! erased case is unreadable at once).

use super::{DocumentError, DocumentResult};
use crate::app::App;
use crate::crypto::keys::CaseKey;
use crate::domain::ids::CaseId;
use crate::store::case_keys;

/// The case's key, made and stored first if the case has none yet.
pub async fn for_upload(state: &App, case: CaseId) -> DocumentResult<CaseKey> {
    let sealed = match case_keys::get(&state.db, case).await? {
        Some(sealed) => sealed,
        None => {
            let fresh = CaseKey::generate()?.wrap(&state.keys, case.uuid())?;
            case_keys::get_or_insert(&state.db, case, &fresh, state.clock.now()).await?
        }
    };
    Ok(CaseKey::unwrap(&state.keys, case.uuid(), &sealed)?)
}

/// The key of a case that has documents. Missing means the case was erased.
pub async fn for_download(state: &App, case: CaseId) -> DocumentResult<CaseKey> {
    let sealed = case_keys::get(&state.db, case)
        .await?
        .ok_or(DocumentError::Store(crate::store::StoreError::NotFound))?;
    Ok(CaseKey::unwrap(&state.keys, case.uuid(), &sealed)?)
}

//! The document pages in a real browser (tests/browser/documents.mjs, Chromium on a phone): the
//! upload form on the case page, the new-version form, the download button saving the file under
//! its Danish name byte for byte, and the 412 page for a form left open on an old version.

use crate::browser::run_script;
use crate::documents::{Store, team};
use crate::helpers::Backend;

#[tokio::test]
async fn upload_new_version_and_download_through_the_pages_in_chromium() {
    let team = team(Backend::Sqlite, Store::Local, "").await;
    let args = vec![
        team.app.address.clone(),
        team.case.clone(),
        "jobcentre".to_owned(),
        "young19".to_owned(),
    ];
    let (success, output) = run_script("documents.mjs", args).await;
    assert!(success, "tests/browser/documents.mjs:\n{output}");
    for step in [
        "uploaded version 1 through the case page",
        "uploaded version 2 through the document page",
        "downloaded version 2 byte for byte as \"Mål og aftaler.pdf\"",
        "got 412 naming version 3",
    ] {
        assert!(output.contains(step), "{output}");
    }
}

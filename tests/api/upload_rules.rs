//! The upload rules of issue #10 over HTTP, on both databases and both blob stores: a file is
//! accepted only as what its bytes are to the last byte (nothing kept when it is not), and the
//! download name's extension matches the sniffed type, without invisible characters.

use crate::document_pages::{post_form, upload_form};
use crate::documents::{
    Store, Team, download, form, new_version, on_both_databases_and_stores, pdf, raw_blobs, team,
    upload, uploaded,
};
use crate::helpers::{Backend, assert_problem};
use crate::team::{csrf_of, get, page};
use serde_json::Value;

const SNIFF_LEN: usize = 64 * 1024;

/// The case's documents as `client` lists them.
pub async fn listed(team: &Team, client: &reqwest::Client) -> Vec<Value> {
    get(
        &team.app,
        client,
        &format!("/api/v1/cases/{}/documents", team.case),
    )
    .await
    .json()
    .await
    .unwrap()
}

/// Nothing of a refused upload is anywhere: no document, no blob, no pending note.
pub async fn assert_nothing_kept(team: &Team, documents: usize) {
    let listed = listed(team, &team.coordinator).await;
    assert_eq!(listed.len(), documents, "{listed:?}");
    assert_eq!(raw_blobs(&team.app).await.len(), documents, "no blob left");
    let state = &team.app.app;
    let later = state.clock.now() + time::Duration::hours(1);
    let pending = vejviser::store::documents::stale_pending_blobs(&state.db, later)
        .await
        .unwrap();
    assert!(pending.is_empty(), "no pending note left: {pending:?}");
}

/// Text past the sniffed prefix, then `tail`.
fn text_then(tail: &[u8]) -> Vec<u8> {
    let mut bytes = "Referat af mødet, æøå.\n".repeat(4000).into_bytes();
    assert!(bytes.len() > SNIFF_LEN);
    bytes.extend_from_slice(tail);
    bytes
}

async fn a_file_is_only_what_its_bytes_are(backend: Backend, store: Store) {
    let team = team(backend, store, "").await;
    // A character cut by the sniffing prefix's end (and the first encrypted chunk's) is fine.
    let mut straddling = vec![b'a'; SNIFF_LEN - 1];
    straddling.extend_from_slice("æ og ø\n".as_bytes());
    straddling.extend("mere tekst\n".repeat(10_000).bytes());
    let created = uploaded(
        &team,
        &team.professional,
        form(straddling.clone(), "noter.txt", "Noter"),
    )
    .await;
    assert_eq!(created["content_type"], "text/plain");
    let id = created["id"].as_str().unwrap();
    let path = format!("/api/v1/documents/{id}/content");
    let (status, _, body) = download(&team, &team.young, &path).await;
    assert_eq!(status, 200);
    assert!(body == straddling, "the bytes come back unchanged");

    let refused: Vec<(&str, Vec<u8>, &str, &str)> = vec![
        (
            "binary after text",
            text_then(b"MZ\x90\0\x03\0\0\0\x04\0"),
            "text/plain",
            "not_text",
        ),
        ("a NUL", text_then(b"\0"), "text/plain", "not_text"),
        (
            "not UTF-8",
            text_then(b"\xff\xfe"),
            "text/plain",
            "not_text",
        ),
        (
            "ends inside a character",
            text_then(&"æ".as_bytes()[..1]),
            "text/plain",
            "not_text",
        ),
        (
            "a PDF header on something else",
            [b"%PDF-1.7\n".as_slice(), &vec![7u8; 200_000]].concat(),
            "application/pdf",
            "no_trailer",
        ),
    ];
    for (what, bytes, found, mismatch) in refused {
        let response = upload(&team, &team.professional, form(bytes, "plan.txt", what)).await;
        let problem = assert_problem(response, 415).await;
        assert_eq!(problem["found"], found, "{what}");
        assert_eq!(problem["mismatch"], mismatch, "{what}");
        assert_eq!(
            problem["type"], "urn:vejviser:problem:content-mismatch",
            "{what}"
        );
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("is not that all the way through"),
            "{what}: {problem}"
        );
        assert_nothing_kept(&team, 1).await;
    }
    // A new version is held to the same rule, and the document keeps its one version.
    let response = new_version(
        &team,
        &team.professional,
        id,
        Some("\"1\""),
        text_then(b"\0\0"),
    )
    .await;
    assert_problem(response, 415).await;
    assert_nothing_kept(&team, 1).await;
    let detail: Value = get(&team.app, &team.young, &format!("/api/v1/documents/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["version"], 1);
}

async fn download_names_match_the_sniffed_type(backend: Backend, store: Store) {
    let team = team(backend, store, "").await;
    let names = [
        ("Referat.pdf.hta", b"tekst".to_vec(), "Referat.pdf.hta.txt"),
        (
            "Re\u{200b}fer\u{feff}at\u{2028}.pdf",
            pdf(3000),
            "Referat.pdf",
        ),
        ("Plan\u{2060}\u{200d}\u{2029}", pdf(3000), "Plan.pdf"),
        ("scan.PDF", pdf(3000), "scan.PDF"),
        ("Mål.pdf", b"ikke en pdf".to_vec(), "Mål.pdf.txt"),
    ];
    for (sent, bytes, offered) in names {
        let created = uploaded(&team, &team.professional, form(bytes, sent, "Navn")).await;
        let id = created["id"].as_str().unwrap();
        let detail: Value = get(&team.app, &team.young, &format!("/api/v1/documents/{id}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(detail["versions"][0]["file_name"], offered, "{sent:?}");
        let path = format!("/api/v1/documents/{id}/content");
        let (_, headers, _) = download(&team, &team.young, &path).await;
        let disposition = headers["content-disposition"].to_str().unwrap();
        let encoded = utf8_percent_encoded(offered);
        assert!(
            disposition.starts_with("attachment;")
                && disposition.contains(&format!("filename*=UTF-8''{encoded}")),
            "{sent:?}: {disposition}"
        );
    }
}

/// RFC 5987's encoding of a file name (what `filename*` carries).
fn utf8_percent_encoded(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

on_both_databases_and_stores!(
    a_file_is_only_what_its_bytes_are,
    download_names_match_the_sniffed_type,
);

#[tokio::test]
async fn a_page_upload_that_is_not_its_type_throughout_gets_a_clear_page_and_leaves_nothing() {
    let team = team(Backend::Sqlite, Store::Local, "").await;
    let case_path = format!("/cases/{}", team.case);
    let (_, html) = page(&team.app, &team.coordinator, &case_path).await;
    let form = upload_form(
        &csrf_of(&html),
        "Referat",
        "other",
        text_then(b"\0binary"),
        "Referat.txt",
    );
    let path = format!("{case_path}/documents");
    let (status, html) = post_form(&team, &team.coordinator, &path, form).await;
    assert_eq!(status, 415);
    assert!(
        html.contains(
            "«Referat.txt» begynder som ren tekst (.txt), men er det ikke hele vejen igennem"
        ),
        "{html}"
    );
    assert_nothing_kept(&team, 0).await;
}

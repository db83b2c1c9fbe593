//! The guided upload pages of issue #14, driven as a browser drives them: the answer a script
//! sending the form gets (201 and the page to go to; a refusal as a page with `data-refusal`),
//! refusals that name the file and the way out, "Vis" (PDF and images in the browser under their
//! own policy, everything else saved), the warning after a repeated title or file, and the page a
//! stale new-version form gets.

use crate::document_pages::{post_form, upload_form};
use crate::documents::{Store, Team, download, form, pdf, team, uploaded_id};
use crate::helpers::Backend;
use crate::team::{csrf_of, page};
use reqwest::multipart::{Form, Part};

/// A 1x1 PNG, whole (signature, IHDR, IDAT, IEND), as a browser can show it.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\0\x05\0\x01\xff\x89\x99=\x1d\0\0\0\0IEND\xaeB`\x82";

/// A JPEG as the sniffer and the trailer check see one: SOI, a JFIF marker, filler, EOI.
fn jpeg() -> Vec<u8> {
    [
        b"\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0".as_slice(),
        &[0x11; 500],
        b"\xff\xd9",
    ]
    .concat()
}

/// Posts the case page's upload form as static/upload.js does.
async fn post_by_script(team: &Team, path: &str, form: Form) -> reqwest::Response {
    team.coordinator
        .post(team.app.url(path))
        .header("accept", "text/html")
        .header("x-upload", "progress")
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn token_of(team: &Team, client: &reqwest::Client, path: &str) -> String {
    let (status, html) = page(&team.app, client, path).await;
    assert_eq!(status, 200, "{html}");
    csrf_of(&html)
}

#[tokio::test]
async fn a_script_sending_the_form_gets_201_and_the_page_to_go_to() {
    let team = team(Backend::Sqlite, Store::Local, "").await;
    let case_path = format!("/cases/{}", team.case);
    let (_, html) = page(&team.app, &team.coordinator, &case_path).await;
    assert!(
        html.contains("data-upload=\"{&#34;max_bytes&#34;:104857600"),
        "the form carries the browser's check: {html}"
    );
    assert!(
        html.contains("Højst 100 MB."),
        "the limit is rounded: {html}"
    );
    let path = format!("{case_path}/documents");
    let form = upload_form(&csrf_of(&html), "Plan", "other", pdf(4000), "plan.pdf");
    let sent = post_by_script(&team, &path, form).await;
    assert_eq!(sent.status(), 201);
    let next = sent.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        next.starts_with("/documents/") && next.ends_with("?uploaded=1"),
        "{next}"
    );
    let (status, html) = page(&team.app, &team.coordinator, &next).await;
    assert_eq!(status, 200);
    assert!(html.contains("Dokumentet er uploadet."), "{html}");
    assert!(!html.contains("Er det en kopi?"), "{html}");

    // A refusal is the usual page; the script takes what is marked data-refusal from it.
    let token = csrf_of(&html);
    let refused = post_by_script(
        &team,
        &path,
        upload_form(&token, "Plan", "other", b"MZ\x90\0".repeat(50), "plan.pdf"),
    )
    .await;
    assert_eq!(refused.status(), 415);
    let html = refused.text().await.unwrap();
    let marked = html.split("<div data-refusal>").nth(1).unwrap_or_default();
    assert!(
        marked.contains("«plan.pdf» kan ikke uploades"),
        "the refusal is not marked: {html}"
    );
}

#[tokio::test]
async fn refusals_name_the_file_and_the_way_out() {
    let team = team(Backend::Sqlite, Store::Local, "max_upload_bytes = 2097152").await;
    let case_path = format!("/cases/{}", team.case);
    let token = token_of(&team, &team.coordinator, &case_path).await;
    let path = format!("{case_path}/documents");
    let ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1".repeat(200);
    let heic = [b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".as_slice(), &[0; 400]].concat();
    let cases: Vec<(Vec<u8>, &str, u16, &str)> = vec![
        (
            heic,
            "IMG_0042.HEIC",
            415,
            "«IMG_0042.HEIC» er et billede fra en iPhone (HEIC), og den slags kan ikke uploades. Gem billedet som JPEG eller PDF",
        ),
        (
            ole.clone(),
            "Handleplan 2019.doc",
            415,
            "«Handleplan 2019.doc» er gemt i et gammelt Word-format (.doc), som ikke kan uploades. Åbn filen i Word, vælg Gem som, og gem den som .docx eller PDF.",
        ),
        (
            ole,
            "Budget.xls",
            415,
            "«Budget.xls» er gemt i et gammelt Excel-format (.xls)",
        ),
        // Just past the limit: refused as the file streams in.
        (
            pdf(2_097_152 + 1000),
            "Lidt for stor.pdf",
            413,
            "«Lidt for stor.pdf» er større end de 2 MB, der er tilladt.",
        ),
        // Far past it: refused from the declared length, before the file's bytes are read.
        (
            pdf(3_000_000),
            "Stor plan.pdf",
            413,
            "«Stor plan.pdf» er større end de 2 MB, der er tilladt.",
        ),
    ];
    for (bytes, name, status, says) in cases {
        let form = upload_form(&token, "Plan", "other", bytes, name);
        let (got, html) = post_form(&team, &team.coordinator, &path, form).await;
        assert_eq!(got, status, "{name}: {html}");
        assert!(html.contains(says), "{name}: {html}");
    }
    // A very long name is shortened in the middle, keeping its end.
    let long = format!("{}.exe", "a".repeat(200));
    let form = upload_form(&token, "Plan", "other", b"MZ\x90\0".repeat(50), &long);
    let (_, html) = post_form(&team, &team.coordinator, &path, form).await;
    assert!(
        html.contains(&format!("«{}…{}.exe»", "a".repeat(60), "a".repeat(15))),
        "{html}"
    );
}

#[tokio::test]
async fn vis_shows_pdf_and_images_in_the_browser_and_saves_everything_else() {
    let team = team(Backend::Sqlite, Store::Local, "").await;
    let files: Vec<(&str, Vec<u8>, bool)> = vec![
        ("plan.pdf", pdf(3000), true),
        ("netvaerk.png", PNG.to_vec(), true),
        ("foto.jpg", jpeg(), true),
        ("noter.txt", b"<script>alert(1)</script>\n".to_vec(), false),
    ];
    for (name, bytes, shown) in files {
        let id = uploaded_id(&team, &team.coordinator, form(bytes.clone(), name, name)).await;
        let (_, html) = page(&team.app, &team.young, &format!("/documents/{id}")).await;
        let view = format!("/documents/{id}/versions/1/view");
        assert_eq!(html.contains(&view), shown, "{name}: Vis offered? {html}");

        let (status, headers, body) = download(&team, &team.young, &view).await;
        assert_eq!(status, 200, "{name}");
        assert!(body == bytes, "{name}: the bytes as stored");
        let disposition = headers["content-disposition"].to_str().unwrap();
        let policy = headers["content-security-policy"].to_str().unwrap();
        assert_eq!(headers["x-content-type-options"], "nosniff");
        if shown {
            assert!(disposition.starts_with("inline;"), "{name}: {disposition}");
            assert!(
                policy.starts_with("default-src 'none'") || policy.starts_with("sandbox"),
                "{name}: {policy}"
            );
            assert!(!policy.contains("script-src"), "{name}: {policy}");
            if name.ends_with(".pdf") {
                assert!(policy.contains("object-src 'self'"), "{policy}");
            } else {
                assert!(
                    policy.starts_with("sandbox;") && policy.contains("img-src 'self'"),
                    "{policy}"
                );
            }
        } else {
            // Text (or anything HTML-like) is never rendered from our origin.
            assert!(
                disposition.starts_with("attachment;"),
                "{name}: {disposition}"
            );
            assert!(
                policy.contains("script-src 'self'"),
                "the pages' policy: {policy}"
            );
        }
        // "Hent" stays a download for every type.
        let (_, headers, _) = download(
            &team,
            &team.young,
            &format!("/documents/{id}/versions/1/download"),
        )
        .await;
        assert!(
            headers["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment;")
        );
    }
    // Vis asks the policy like every read: someone outside the case gets the not-found page.
    let id = uploaded_id(&team, &team.coordinator, form(pdf(2000), "x.pdf", "X")).await;
    let stranger = crate::team::logged_in(&team.app, "young17").await;
    let (status, _) = page(
        &team.app,
        &stranger,
        &format!("/documents/{id}/versions/1/view"),
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_repeated_title_or_file_is_pointed_out_after_the_upload() {
    let team = team(Backend::Sqlite, Store::Local, "").await;
    let case_path = format!("/cases/{}", team.case);
    let path = format!("{case_path}/documents");
    let plan = pdf(5000);
    let first = uploaded_id(
        &team,
        &team.coordinator,
        form(plan.clone(), "plan.pdf", "Mål og aftaler"),
    )
    .await;
    let token = token_of(&team, &team.professional, &case_path).await;
    let (_, html) = page(&team.app, &team.professional, &case_path).await;
    assert!(
        html.contains(&format!("data-titles=\"[{{&#34;href&#34;:&#34;/documents/{first}&#34;,&#34;title&#34;:&#34;Mål og aftaler&#34;}}]\"")),
        "the form knows the case's titles: {html}"
    );

    // The same title (in other case and spacing) and the same file, by the professional.
    let form_again = upload_form(
        &token,
        " mål OG aftaler ",
        "other",
        plan.clone(),
        "kopi.pdf",
    );
    let (status, next) = post_form(&team, &team.professional, &path, form_again).await;
    assert_eq!(status, 303, "{next}");
    let (_, html) = page(&team.app, &team.professional, &next).await;
    assert!(html.contains("Er det en kopi?"), "{html}");
    let same_title = html
        .split("Sagen har i forvejen et dokument med samme titel:")
        .nth(1)
        .unwrap();
    assert!(
        same_title.contains(&format!(
            "<a href=\"/documents/{first}\">Mål og aftaler</a>"
        )),
        "{html}"
    );
    assert!(
        html.contains("Præcis den samme fil er allerede gemt som:"),
        "{html}"
    );
    assert!(
        html.contains(&format!(
            "<a href=\"/documents/{first}\">Mål og aftaler, version 1</a>"
        )),
        "{html}"
    );
    assert!(
        html.contains("bed sagens koordinator om at slette det"),
        "{html}"
    );

    // Another title, another file: no warning; the warning shows only right after the upload.
    let other = upload_form(&token, "Netværkskort", "other", pdf(6000), "kort.pdf");
    let (_, next) = post_form(&team, &team.professional, &path, other).await;
    let (_, html) = page(&team.app, &team.professional, &next).await;
    assert!(
        html.contains("Dokumentet er uploadet.") && !html.contains("Er det en kopi?"),
        "{html}"
    );
    let second = next
        .trim_start_matches("/documents/")
        .trim_end_matches("?uploaded=1")
        .to_owned();

    // A new version holding a file stored elsewhere: the same file, not the title.
    let token = token_of(&team, &team.professional, &format!("/documents/{second}")).await;
    let version = Form::new()
        .text("csrf_token", token)
        .part("file", Part::bytes(plan).file_name("plan.pdf"));
    let (status, next) = post_form(
        &team,
        &team.professional,
        &format!("/documents/{second}/versions?based_on=1"),
        version,
    )
    .await;
    assert_eq!(
        (status, next.as_str()),
        (303, format!("/documents/{second}?uploaded=2").as_str())
    );
    let (_, html) = page(&team.app, &team.coordinator, &next).await;
    assert!(html.contains("Version 2 er uploadet."), "{html}");
    assert!(
        html.contains(&format!(
            "<a href=\"/documents/{first}\">Mål og aftaler, version 1</a>"
        )),
        "{html}"
    );
    assert!(
        !html.contains("Sagen har i forvejen et dokument med samme titel"),
        "{html}"
    );
    assert!(
        html.contains("kan du slette dokumentet nederst på siden"),
        "the coordinator may delete: {html}"
    );

    // A number that names no version, or no number, shows no notice.
    for query in ["?uploaded=9", "?uploaded=x", "?uploaded=", ""] {
        let (status, html) = page(
            &team.app,
            &team.coordinator,
            &format!("/documents/{second}{query}"),
        )
        .await;
        assert_eq!(status, 200, "{query}");
        assert!(
            !html.contains("er uploadet") && !html.contains("Er det en kopi?"),
            "{query}: {html}"
        );
    }
}

#[tokio::test]
async fn a_stale_form_says_who_uploaded_the_newer_version_and_leads_on() {
    let team = team(Backend::Sqlite, Store::Local, "").await;
    let id = uploaded_id(
        &team,
        &team.coordinator,
        form(pdf(3000), "plan.pdf", "Plan"),
    )
    .await;
    let document_path = format!("/documents/{id}");
    let stale_token = token_of(&team, &team.coordinator, &document_path).await;
    let token = token_of(&team, &team.professional, &document_path).await;
    let version = |token: &str, bytes| {
        Form::new()
            .text("csrf_token", token.to_owned())
            .part("file", Part::bytes(bytes).file_name("plan.pdf"))
    };
    let action = format!("{document_path}/versions?based_on=1");
    let (status, _) = post_form(
        &team,
        &team.professional,
        &action,
        version(&token, pdf(4000)),
    )
    .await;
    assert_eq!(status, 303);

    let (status, html) = post_form(
        &team,
        &team.coordinator,
        &action,
        version(&stale_token, pdf(5000)),
    )
    .await;
    assert_eq!(status, 412);
    assert!(html.contains("Der er kommet en nyere version"), "{html}");
    let marked = html.split("<div data-refusal>").nth(1).unwrap_or_default();
    assert!(
        marked.contains("Version 2 blev uploadet af Jonas Berg den ")
            && marked.contains("Din fil er ikke gemt."),
        "{html}"
    );
    assert!(
        marked.contains(&format!(
            "href=\"{document_path}/versions/2/download\" download>Hent version 2</a>"
        )),
        "{html}"
    );
    assert!(
        marked.contains(&format!(
            "href=\"{document_path}?newest=2#new-version\">Upload din fil som version 3</a>"
        )),
        "{html}"
    );
    let (_, html) = page(&team.app, &team.coordinator, &document_path).await;
    assert!(
        html.contains("<h2 id=\"new-version\">") && html.contains("based_on=2"),
        "{html}"
    );
}

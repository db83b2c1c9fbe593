use crate::helpers::{Backend, spawn_app};

#[tokio::test]
async fn front_page_is_danish_dkfds_and_offers_both_logins() {
    let app = spawn_app(Backend::Sqlite).await;
    let response = app.get_page("/").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("<html lang=\"da\">"));
    assert!(html.contains("/static/dkfds/css/dkfds.min.css"));
    assert!(html.contains("href=\"/auth/login/citizen\"") && html.contains("Log på med MitID"));
    assert!(html.contains("href=\"/auth/login/staff\"") && html.contains("Medarbejderlogin"));
    assert!(
        !html.contains("<script>") && !html.contains("style=\""),
        "no inline script or style (CSP)"
    );
}

#[tokio::test]
async fn every_asset_the_layout_links_is_served_with_its_type() {
    let app = spawn_app(Backend::Sqlite).await;
    let html = app.get_page("/").await.text().await.unwrap();
    let assets: Vec<&str> = html
        .split(['"', '\''])
        .filter(|part| part.starts_with("/static/"))
        .map(|part| part.split('#').next().unwrap())
        .collect();
    assert!(assets.len() >= 4, "{assets:?}");
    for asset in assets {
        let response = app.get(asset).await;
        assert_eq!(response.status(), 200, "{asset}");
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        let expected = match asset.rsplit('.').next().unwrap() {
            "css" => "text/css",
            "js" => "javascript",
            "svg" => "image/svg+xml",
            other => panic!("unexpected asset type {other}"),
        };
        assert!(content_type.contains(expected), "{asset}: {content_type}");
    }
}

#[tokio::test]
async fn the_css_fonts_resolve() {
    let app = spawn_app(Backend::Sqlite).await;
    let css = app
        .get("/static/dkfds/css/dkfds.min.css")
        .await
        .text()
        .await
        .unwrap();
    let fonts: Vec<String> = css
        .split("url(")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .map(|u| {
            u.trim_matches(['"', '\''])
                .split(['?', '#'])
                .next()
                .unwrap()
                .to_owned()
        })
        .filter(|u| u.ends_with(".woff2"))
        .collect();
    assert!(!fonts.is_empty());
    for font in fonts {
        let path = format!("/static/dkfds/css/{font}");
        let resolved = normalise(&path);
        assert_eq!(app.get(&resolved).await.status(), 200, "{resolved}");
    }
}

fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            ".." => {
                parts.pop();
            }
            "." => {}
            other => parts.push(other),
        }
    }
    parts.join("/")
}

#[tokio::test]
async fn static_assets_are_cached_and_revalidated() {
    let app = spawn_app(Backend::Sqlite).await;
    let first = app.get("/static/app.js").await;
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert!(
        first.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    let again = app
        .client
        .get(app.url("/static/app.js"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    let other = app
        .client
        .get(app.url("/static/app.js"))
        .header("if-none-match", "\"other\"")
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 200);
}

#[tokio::test]
async fn the_language_switch_turns_pages_english_and_back() {
    let app = spawn_app(Backend::Sqlite).await;
    let switch = app.get("/lang/en?return_to=/").await;
    assert_eq!(switch.status(), 303);
    assert_eq!(switch.headers()["location"], "/");
    let english = app.get_page("/").await.text().await.unwrap();
    assert!(english.contains("<html lang=\"en\">"));
    assert!(english.contains("Dansk"), "offers the way back to Danish");
    app.get("/lang/da").await;
    assert!(
        app.get_page("/")
            .await
            .text()
            .await
            .unwrap()
            .contains("<html lang=\"da\">")
    );
}

#[tokio::test]
async fn the_language_switch_is_no_open_redirect() {
    let app = spawn_app(Backend::Sqlite).await;
    for target in [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
    ] {
        let encoded: String = url::form_urlencoded::byte_serialize(target.as_bytes()).collect();
        let response = app.get(&format!("/lang/en?return_to={encoded}")).await;
        assert_eq!(response.headers()["location"], "/", "{target}");
    }
}

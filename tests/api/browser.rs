//! Following a login through its redirects the way a browser does (the test client keeps cookies
//! but follows no redirects itself, so each hop can be seen).

use crate::helpers::TestApp;

/// GETs `url` (absolute, or a path on the app) and follows redirects, returning the last response.
pub async fn follow(app: &TestApp, url: &str) -> reqwest::Response {
    let mut current = if url.starts_with("http") {
        url.to_owned()
    } else {
        app.url(url)
    };
    for _ in 0..15 {
        let response = app
            .client
            .get(&current)
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        if !response.status().is_redirection() {
            return response;
        }
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        current = reqwest::Url::parse(&current)
            .unwrap()
            .join(&location)
            .unwrap()
            .to_string();
    }
    panic!("more than 15 redirects from {url}");
}

/// Logs in through `provider` with `login_hint`, returning the final response.
pub async fn log_in(app: &TestApp, provider: &str, hint: &str) -> reqwest::Response {
    follow(app, &format!("/auth/login/{provider}?login_hint={hint}")).await
}

/// The session cookie's value as the client holds it.
pub fn session_cookie(response_headers: &reqwest::header::HeaderMap) -> Option<String> {
    response_headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("vejviser_session=") || c.starts_with("__Host-vejviser_session="))
        .map(str::to_owned)
}

pub async fn me(app: &TestApp) -> (u16, serde_json::Value) {
    let response = app.get("/api/v1/me").await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

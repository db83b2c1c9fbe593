//! Browsers: following a login through its redirects the way a browser does (the test client
//! keeps cookies but follows no redirects itself, so each hop can be seen), and running the
//! scripts in tests/browser that drive a real Chromium (npm `playwright-core`; scripts/test
//! installs the packages pinned in tests/browser/package-lock.json and names the browser in
//! `VEJVISER_TEST_CHROMIUM`).

use crate::helpers::TestApp;
use std::path::Path;
use std::process::Command;

/// Runs `node tests/browser/<script> <args>` off the async workers (the app answers it
/// meanwhile); its success and everything it printed.
pub async fn run_script(script: &str, args: Vec<String>) -> (bool, String) {
    let chromium = std::env::var("VEJVISER_TEST_CHROMIUM").expect(
        "VEJVISER_TEST_CHROMIUM is not set: run the suite with scripts/test, which installs the browser scripts (tests/browser) and names Chromium",
    );
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    assert!(
        Path::new(&chromium).is_file(),
        "VEJVISER_TEST_CHROMIUM={chromium} is not a file: install Chromium (apt-get install chromium)"
    );
    assert!(
        dir.join("node_modules/@axe-core/playwright").is_dir()
            && dir.join("node_modules/playwright-core").is_dir(),
        "the browser scripts' npm packages are missing: run `npm ci` in tests/browser (scripts/test does)"
    );
    let script = dir.join(script);
    tokio::task::spawn_blocking(move || {
        let output = Command::new("node")
            .arg(&script)
            .args(&args)
            .current_dir(&dir)
            .env("VEJVISER_TEST_CHROMIUM", &chromium)
            .output()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run node for {} ({e}): install Node.js (apt-get install nodejs npm)",
                    script.display()
                )
            });
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (output.status.success(), text)
    })
    .await
    .unwrap()
}

/// Where the journeys save their screenshots (the README shows some of them).
pub fn journey_shots() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots/journeys")
}

/// Runs the journey `script` (`node SCRIPT BASE_URL CASE_ID DEVICE SHOTS`) against the app and
/// case; fails unless it succeeds and its output names every one of `steps`.
pub async fn run_journey(script: &str, app: &TestApp, case: &str, device: &str, steps: &[&str]) {
    let args = vec![
        app.address.clone(),
        case.to_owned(),
        device.to_owned(),
        journey_shots().display().to_string(),
    ];
    let (success, output) = run_script(script, args).await;
    assert!(success, "tests/browser/{script} ({device}):\n{output}");
    for step in steps {
        assert!(output.contains(step), "{device}: {step}\n{output}");
    }
}

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
    // To the front page: where a login without a destination lands (`/start`) is tested apart.
    follow(
        app,
        &format!("/auth/login/{provider}?login_hint={hint}&return_to=/"),
    )
    .await
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

//! The staff fallback: password + authenticator app (TOTP), recovery codes, lock-out, and no
//! user enumeration. Codes are computed here with an independent RFC 6238 implementation.

use crate::helpers::{Backend, TestApp, assert_problem, on_both_databases, spawn_app};
use ring::hmac;
use serde_json::json;
use vejviser::auth::password::hash_password;
use vejviser::domain::email::Email;
use vejviser::domain::municipality_code::MunicipalityCode;
use vejviser::store::{accounts, credentials, municipalities};

on_both_databases!(staff_enrol_an_authenticator_and_log_in_with_password_and_code);

const EMAIL: &str = "karen.holm@demo-kommune.example";
const PASSWORD: &str = "korrekt hest batteri hæfteklamme";

async fn give_password(app: &TestApp) {
    let db = &app.app.db;
    let demo = municipalities::find_by_code(db, MunicipalityCode::parse("999").unwrap())
        .await
        .unwrap();
    let staff = accounts::find_staff_by_email(db, demo.id, &Email::parse(EMAIL).unwrap())
        .await
        .unwrap();
    let hash = hash_password(PASSWORD).unwrap();
    credentials::set_password(db, staff.id, &hash, time::OffsetDateTime::now_utc())
        .await
        .unwrap();
}

async fn post_login(app: &TestApp, password: &str, code: Option<&str>) -> reqwest::Response {
    app.client
        .post(app.url("/auth/password"))
        .json(&json!({ "email": EMAIL, "password": password, "totp": code }))
        .send()
        .await
        .unwrap()
}

/// RFC 4648 base32 (no padding), as authenticator apps read the key.
fn base32_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut bits = 0u64;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.bytes().filter(|c| *c != b'=') {
        bits = (bits << 5) | ALPHABET.iter().position(|a| *a == c).unwrap() as u64;
        count += 5;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    out
}

/// RFC 6238 with HMAC-SHA1, 6 digits, 30-second steps.
fn totp_code(secret: &[u8], unix_time: u64) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, secret);
    let mac = hmac::sign(&key, &(unix_time / 30).to_be_bytes());
    let mac = mac.as_ref();
    let offset = usize::from(mac[19] & 0x0f);
    let value = u32::from_be_bytes([
        mac[offset] & 0x7f,
        mac[offset + 1],
        mac[offset + 2],
        mac[offset + 3],
    ]);
    format!("{:06}", value % 1_000_000)
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

async fn staff_enrol_an_authenticator_and_log_in_with_password_and_code(backend: Backend) {
    let app = spawn_app(backend).await;
    give_password(&app).await;

    // The password alone opens only the enrolment.
    let first = post_login(&app, PASSWORD, None).await;
    assert_eq!(first.status(), 200);
    assert_eq!(
        first.json::<serde_json::Value>().await.unwrap()["status"],
        "totp_enrolment_required"
    );
    assert_problem(app.get("/api/v1/me").await, 401).await;

    let enrol: serde_json::Value = app
        .client
        .get(app.url("/auth/totp"))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret = base32_decode(enrol["secret"].as_str().unwrap());
    assert_eq!(secret.len(), 20);
    let uri = enrol["otpauth_uri"].as_str().unwrap();
    assert!(
        uri.starts_with("otpauth://totp/") && uri.contains("issuer=vejviser"),
        "{uri}"
    );

    let wrong = app
        .client
        .post(app.url("/auth/totp"))
        .json(&json!({"code": "000000"}))
        .send()
        .await
        .unwrap();
    assert_problem(wrong, 400).await;
    let enrolled_at = now();
    let enrolment_code = totp_code(&secret, enrolled_at);
    let confirmed = app
        .client
        .post(app.url("/auth/totp"))
        .json(&json!({ "code": enrolment_code }))
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), 200);
    let codes: Vec<String> = serde_json::from_value(
        confirmed.json::<serde_json::Value>().await.unwrap()["recovery_codes"].clone(),
    )
    .unwrap();
    assert_eq!(codes.len(), 10);
    let me: serde_json::Value = app.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["kind"], "staff");
    assert_eq!(me["name"], "Karen Holm");

    // From now on the password alone is not enough.
    app.client
        .post(app.url("/auth/logout"))
        .send()
        .await
        .unwrap();
    assert_problem(post_login(&app, PASSWORD, None).await, 401).await;
    // The code used for enrolment cannot be replayed (the very code, not one computed again
    // now, which a slow run could put in the next step).
    assert_problem(post_login(&app, PASSWORD, Some(&enrolment_code)).await, 401).await;
    // A code of the step after enrolment works (the service allows one step of clock skew).
    let next = post_login(&app, PASSWORD, Some(&totp_code(&secret, enrolled_at + 30))).await;
    assert_eq!(next.status(), 200, "{}", next.text().await.unwrap());
    assert_eq!(app.get("/api/v1/me").await.status(), 200);

    // A recovery code works once.
    app.client
        .post(app.url("/auth/logout"))
        .send()
        .await
        .unwrap();
    let with_recovery = post_login(&app, PASSWORD, Some(&codes[3].to_lowercase())).await;
    assert_eq!(with_recovery.status(), 200);
    app.client
        .post(app.url("/auth/logout"))
        .send()
        .await
        .unwrap();
    assert_problem(post_login(&app, PASSWORD, Some(&codes[3])).await, 401).await;
}

#[tokio::test]
async fn refusals_look_the_same_whether_or_not_the_account_exists() {
    let app = spawn_app(Backend::Sqlite).await;
    give_password(&app).await;
    let wrong_password =
        assert_problem(post_login(&app, "not the password at all", None).await, 401).await;
    let unknown = app
        .client
        .post(app.url("/auth/password"))
        .json(&json!({ "email": "nobody@demo-kommune.example", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    let unknown = assert_problem(unknown, 401).await;
    assert_eq!(wrong_password, unknown);
    // The access log tells them apart (issue #10): the wrong password in the municipality's
    // chain aimed at the account, the unknown address outside it, and no e-mail in either row.
    let rows = refusals(&app).await;
    let reasons: Vec<_> = rows.iter().map(|r| r.reason.as_deref().unwrap()).collect();
    assert_eq!(reasons, ["unknown_account", "wrong_password"], "{rows:?}");
    assert!(rows[0].municipality_id.is_none() && rows[0].target_account_id.is_none());
    assert!(rows[1].municipality_id.is_some() && rows[1].target_account_id.is_some());
    let text = format!("{rows:?}");
    assert!(
        !text.contains("nobody@") && !text.contains("karen.holm"),
        "{text}"
    );
}

/// The refused logins in the access log, newest first.
async fn refusals(app: &TestApp) -> Vec<vejviser::store::audit::AuditRow> {
    let filter = vejviser::store::audit::Filter {
        action: Some("login_refused".to_owned()),
        ..Default::default()
    };
    vejviser::store::audit::search(&app.app.db, &filter, 0, 100)
        .await
        .unwrap()
}

#[tokio::test]
async fn repeated_failures_lock_the_account_even_for_the_right_password() {
    let app = spawn_app(Backend::Sqlite).await;
    give_password(&app).await;
    for _ in 0..5 {
        assert_problem(post_login(&app, "wrong wrong wrong", None).await, 401).await;
    }
    // Locked: the right password (which would otherwise start enrolment) is refused too, and
    // the answer is the same as for a wrong one.
    assert_problem(post_login(&app, PASSWORD, None).await, 401).await;
    let failures: i64 = sqlx::query_scalar("SELECT failed_attempts FROM staff_credentials")
        .fetch_one(app.app.db.pool())
        .await
        .unwrap();
    assert_eq!(failures, 5, "attempts while locked do not extend the lock");
    let newest = &refusals(&app).await[0];
    assert_eq!(newest.reason.as_deref(), Some("locked"), "{newest:?}");
    assert!(newest.target_account_id.is_some());
    // When the back-off has passed, the right password works again.
    let long_ago = vejviser::store::time_text::to_text(
        time::OffsetDateTime::now_utc() - time::Duration::minutes(2),
    );
    sqlx::query("UPDATE staff_credentials SET last_failed_at = $1")
        .bind(&long_ago)
        .execute(app.app.db.pool())
        .await
        .unwrap();
    assert_eq!(post_login(&app, PASSWORD, None).await.status(), 200);
}

#[tokio::test]
async fn the_login_page_is_a_danish_form_and_a_failure_says_so() {
    let app = spawn_app(Backend::Sqlite).await;
    let page = app.get_page("/auth/password").await.text().await.unwrap();
    assert!(page.contains("Log på med adgangskode") && page.contains("name=\"password\""));
    let failed = app
        .client
        .post(app.url("/auth/password"))
        .form(&[("email", EMAIL), ("password", "nope"), ("totp", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(failed.status(), 401);
    assert!(
        failed
            .text()
            .await
            .unwrap()
            .contains("E-mail, adgangskode eller kode er forkert")
    );
}

#[tokio::test]
async fn the_enrolment_page_shows_a_qr_code_without_inline_style() {
    let app = spawn_app(Backend::Sqlite).await;
    give_password(&app).await;
    post_login(&app, PASSWORD, None).await;
    let page = app.get_page("/auth/totp").await;
    assert_eq!(page.headers()["cache-control"], "no-store");
    let html = page.text().await.unwrap();
    assert!(
        html.contains("<svg") && html.contains("role=\"img\""),
        "{html}"
    );
    assert!(!html.contains("style="), "the CSP forbids inline styles");
    assert!(html.contains("name=\"csrf_token\""));
}

/// A person enrolling in a browser who types a wrong code, or posts an old page, gets a page in
/// Danish that leads back to the enrolment, not a JSON problem.
#[tokio::test]
async fn a_wrong_enrolment_code_in_the_browser_is_a_page_leading_back() {
    let app = spawn_app(Backend::Sqlite).await;
    give_password(&app).await;
    assert_eq!(post_login(&app, PASSWORD, None).await.status(), 200);
    let page = app.get_page("/auth/totp").await.text().await.unwrap();
    let token = page
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the enrolment form carries the token")
        .to_owned();
    for (csrf, status, sentence) in [
        (
            token.as_str(),
            400,
            "Koden passer ikke til autentifikator-appen",
        ),
        ("an-old-token", 403, "Siden var forældet"),
    ] {
        let response = app
            .client
            .post(app.url("/auth/totp"))
            .header("accept", "text/html")
            .form(&[("code", "000000"), ("csrf_token", csrf)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let html = response.text().await.unwrap();
        assert!(html.contains(sentence), "{html}");
        assert!(html.contains("href=\"/auth/totp\""), "{html}");
    }
}

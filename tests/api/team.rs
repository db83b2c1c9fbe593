//! People around a test case: logged-in clients for the development identities, and sessions
//! made directly for accounts the development provider does not know (another municipality, a
//! low assurance level), so that policy tests need not repeat the login tests.

use crate::browser::log_in;
use crate::helpers::TestApp;
use serde_json::{Value, json};
use vejviser::auth::tokens::{random_token, token_hash};
use vejviser::domain::assurance_level::AssuranceLevel;
use vejviser::domain::ids::AccountId;
use vejviser::store::sessions::{self, SessionRow};

pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap()
}

/// A client logged in through the development provider as `hint`.
pub async fn logged_in(app: &TestApp, hint: &str) -> reqwest::Client {
    let provider = match hint {
        "coordinator" | "jobcentre" | "guidance" | "admin" => "staff",
        _ => "citizen",
    };
    let client = browser();
    let guest = app.with_client(client.clone());
    log_in(&guest, provider, hint).await;
    client
}

/// A client with a session for `account`, made directly in the store.
pub async fn session_for(
    app: &TestApp,
    account: AccountId,
    level: AssuranceLevel,
) -> reqwest::Client {
    let token = session_token_for(app, account, level).await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "cookie",
        format!("vejviser_session={token}").parse().unwrap(),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap()
}

/// The cookie value of a session for `account`, made directly in the store (for clients
/// that are not reqwest, such as a raw TCP connection).
pub async fn session_token_for(app: &TestApp, account: AccountId, level: AssuranceLevel) -> String {
    let token = random_token();
    let now = time::OffsetDateTime::now_utc();
    let row = SessionRow {
        account_id: account,
        provider: "test".into(),
        assurance_level: level,
        csrf_token: random_token(),
        created_at: now,
        last_seen_at: now,
        absolute_expires_at: now + time::Duration::hours(1),
        id_token_sealed: None,
        provider_sid_hash: None,
    };
    let mut conn = app.app.db.pool().acquire().await.unwrap();
    sessions::insert(&mut conn, &token_hash(&token), &row)
        .await
        .unwrap();
    token
}

/// A development identity (`GET /dev-idp/identities`).
pub async fn identity(app: &TestApp, hint: &str) -> Value {
    let all: Vec<Value> = app.get("/dev-idp/identities").await.json().await.unwrap();
    all.into_iter().find(|i| i["login_hint"] == hint).unwrap()
}

pub async fn get(app: &TestApp, client: &reqwest::Client, path: &str) -> reqwest::Response {
    client.get(app.url(path)).send().await.unwrap()
}

pub async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    body: Value,
) -> reqwest::Response {
    client.post(app.url(path)).json(&body).send().await.unwrap()
}

/// Creates a case for the development identity `young` as `coordinator`; returns its id.
pub async fn create_case(app: &TestApp, coordinator: &reqwest::Client, young: &str) -> String {
    let person = identity(app, young).await;
    let response = post(
        app,
        coordinator,
        "/api/v1/cases",
        json!({
            "young_person": { "cpr": person["cpr"], "name": person["name"] },
            "placement": "Plejefamilie"
        }),
    )
    .await;
    assert_eq!(response.status(), 201);
    response.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Adds the citizen development identity `hint` as `role`; returns the participant id.
pub async fn add_citizen(
    app: &TestApp,
    coordinator: &reqwest::Client,
    case: &str,
    hint: &str,
    role: &str,
    custody: Option<bool>,
) -> String {
    let person = identity(app, hint).await;
    let mut body = json!({ "role": role, "access": "read", "cpr": person["cpr"], "name": person["name"], "email": person["email"] });
    if let Some(custody) = custody {
        body["has_custody"] = json!(custody);
    }
    let response = post(
        app,
        coordinator,
        &format!("/api/v1/cases/{case}/participants"),
        body,
    )
    .await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    response.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The staff account id of a development staff identity, found through staff search.
pub async fn staff_id(app: &TestApp, client: &reqwest::Client, name: &str) -> String {
    let found: Vec<Value> = get(app, client, &format!("/api/v1/staff?q={name}"))
        .await
        .json()
        .await
        .unwrap();
    found[0]["id"].as_str().unwrap().to_owned()
}

pub async fn add_professional(
    app: &TestApp,
    coordinator: &reqwest::Client,
    case: &str,
    name: &str,
    access: &str,
) -> String {
    let id = staff_id(app, coordinator, name).await;
    let response = post(
        app,
        coordinator,
        &format!("/api/v1/cases/{case}/participants"),
        json!({
            "role": "professional", "access": access, "account_id": id
        }),
    )
    .await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    response.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The team journey 1 builds: the 17-year-old's case with her custody-holding parent, a
/// job-centre professional who reads and a guidance counsellor who writes. The coordinator's
/// session and the case.
pub async fn journey_team(app: &TestApp) -> (reqwest::Client, String) {
    let coordinator = logged_in(app, "coordinator").await;
    let case = create_case(app, &coordinator, "young17").await;
    add_citizen(app, &coordinator, &case, "young17", "young_person", None).await;
    add_citizen(app, &coordinator, &case, "parent", "parent", Some(true)).await;
    add_professional(app, &coordinator, &case, "Jonas", "read").await;
    add_professional(app, &coordinator, &case, "Amira", "write").await;
    (coordinator, case)
}

pub async fn case_of(app: &TestApp, client: &reqwest::Client, case: &str) -> (u16, Value) {
    let response = get(app, client, &format!("/api/v1/cases/{case}")).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

pub async fn consent(
    app: &TestApp,
    citizen: &reqwest::Client,
    case: &str,
    scope: &[&str],
) -> String {
    let response = post(
        app,
        citizen,
        &format!("/api/v1/cases/{case}/consents"),
        json!({ "scope": scope }),
    )
    .await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    response.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The id of the (first) participant with `role` in a case view.
pub fn participant_id(case: &Value, role: &str) -> String {
    case["participants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["role"] == role)
        .unwrap_or_else(|| panic!("no {role} on the case: {case}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub fn missing_codes(case: &Value) -> Vec<String> {
    case["sharing"]["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["code"].as_str().unwrap().to_owned())
        .collect()
}

/// The session's CSRF token, as a page form carries it.
pub fn csrf_of(html: &str) -> String {
    html.split("name=\"csrf_token\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

/// GETs a page as a browser would; the status and the HTML.
pub async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, String) {
    let response = client
        .get(app.url(path))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Posts a page form as a browser does, with the session's token; the status and the page.
/// Every page form carries the token; the new-case form is one any login can open.
pub async fn submit(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> (u16, String) {
    let (_, html) = page(app, client, "/cases/new").await;
    let token = csrf_of(&html);
    let mut form = vec![("csrf_token", token.as_str())];
    form.extend_from_slice(fields);
    let response = client
        .post(app.url(path))
        .header("accept", "text/html")
        .form(&form)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

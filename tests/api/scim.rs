//! Provisioning from the municipality's directory over SCIM 2.0 (issue #16): create, replace,
//! patch `active`, delete and filter by `userName`, with a wrong, missing and right token; a
//! deactivation of a coordinator is refused with a SCIM error and shows on the admin overview
//! until an admin hands the cases over; every change is an access-log row by the directory, and
//! the directory never makes an admin. Fails on the code before: there was no `/scim/v2`.

use crate::helpers::{Backend, TestApp, on_both_databases, spawn_app_with};
use crate::team::{create_case, get, logged_in, page, post, staff_id};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

on_both_databases!(the_directory_provisions_staff_through_the_same_rules);
on_both_databases!(a_coordinator_leaves_the_directory_only_after_a_hand_over);

/// With `admins_create_staff = false` the directory alone creates staff: the admin page offers
/// no form, the API refuses, and the directory still creates.
#[tokio::test]
async fn where_the_directory_alone_creates_staff_admins_cannot() {
    let hash = vejviser::auth::tokens::token_hash(TOKEN);
    let settings = format!(
        "[scim.clients.entra]\nmunicipality = \"999\"\ntoken_sha256 = \"{hash}\"\n\
         default_department = \"school\"\nadmins_create_staff = false\n"
    );
    let app = &spawn_app_with(Backend::Sqlite, &settings).await;
    let admin = logged_in(app, "admin").await;
    let body =
        json!({ "name": "Ida", "email": "ida@demo-kommune.example", "department": "school" });
    let refused =
        crate::helpers::assert_problem(post(app, &admin, "/api/v1/staff", body).await, 409).await;
    assert!(refused.to_string().contains("brugerkatalog"), "{refused}");
    let (_, html) = page(app, &admin, "/admin").await;
    assert!(
        !html.contains("action=\"/admin/staff\""),
        "no creation form"
    );
    assert!(html.contains("Kommunens brugerkatalog opretter medarbejderne"));
    let ida =
        json!({ "schemas": [USER], "userName": "ida@demo-kommune.example", "displayName": "Ida" });
    assert_eq!(
        ok(app, Method::POST, "/Users", Some(ida)).await[ENTERPRISE]["department"],
        "school"
    );
}

const TOKEN: &str = "scim-test-token-0123456789abcdefghijklmnopqrstuvwxyz";
const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
const PATCH: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

async fn directory_app(backend: Backend) -> TestApp {
    let hash = vejviser::auth::tokens::token_hash(TOKEN);
    let settings = format!(
        "[scim.clients.entra]\nmunicipality = \"999\"\ntoken_sha256 = \"{hash}\"\n\
         [scim.clients.entra.departments]\n\"Jobcenter Vest\" = \"job_centre\"\n"
    );
    spawn_app_with(backend, &settings).await
}

/// A SCIM request with `token` (None: no Authorization header) and an optional JSON body.
async fn scim(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = reqwest::Client::new().request(method, app.url(&format!("/scim/v2{path}")));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/scim+json")
            .body(body.to_string());
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    if status != StatusCode::NO_CONTENT {
        let media = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(media, "application/scim+json", "{path}");
    }
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn ok(app: &TestApp, method: Method, path: &str, body: Option<Value>) -> Value {
    let (status, body) = scim(app, method, path, Some(TOKEN), body).await;
    assert!(status.is_success(), "{status} {body}");
    body
}

fn assert_scim_error(answer: &(StatusCode, Value), status: u16, scim_type: Option<&str>) {
    let (got, body) = answer;
    assert_eq!(got.as_u16(), status, "{body}");
    assert_eq!(body["schemas"], json!([ERROR]), "{body}");
    assert_eq!(body["status"], status.to_string(), "{body}");
    assert_eq!(body["scimType"].as_str(), scim_type, "{body}");
    assert!(!body["detail"].as_str().unwrap().is_empty());
}

fn user(user_name: &str, name: &str, department: &str) -> Value {
    json!({
        "schemas": [USER, ENTERPRISE],
        "userName": user_name,
        "displayName": name,
        "externalId": format!("ext-{user_name}"),
        "active": true,
        "roles": [{ "value": "admin" }],
        ENTERPRISE: { "department": department },
    })
}

fn patch_active(active: &str) -> Value {
    json!({ "schemas": [PATCH], "Operations": [{ "op": "Replace", "path": "active", "value": active }] })
}

/// The directory's rows in the access log, by action.
async fn directory_rows(app: &TestApp) -> Vec<String> {
    let filter = vejviser::store::audit::Filter::default();
    vejviser::store::audit::search(&app.app.db, &filter, 0, 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.actor_role.as_deref() == Some("directory"))
        .map(|r| r.action)
        .collect()
}

async fn the_directory_provisions_staff_through_the_same_rules(backend: Backend) {
    let app = &directory_app(backend).await;
    let kim = user(
        "kim.lund@demo-kommune.example",
        "Kim Lund",
        "Jobcenter Vest",
    );
    for token in [None, Some("wrong-token"), Some("")] {
        let refused = scim(app, Method::POST, "/Users", token, Some(kim.clone())).await;
        assert_scim_error(&refused, 401, None);
        assert_scim_error(
            &scim(app, Method::GET, "/Users", token, None).await,
            401,
            None,
        );
    }
    assert!(
        directory_rows(app).await.is_empty(),
        "nothing without the token"
    );

    // Create: 201, in vejviser's words, never an admin.
    let created = ok(app, Method::POST, "/Users", Some(kim.clone())).await;
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["userName"], "kim.lund@demo-kommune.example");
    assert_eq!(created["active"], true);
    assert_eq!(created[ENTERPRISE]["department"], "job_centre");
    assert_eq!(created["externalId"], "ext-kim.lund@demo-kommune.example");
    assert!(
        created["meta"]["location"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/scim/v2/Users/{id}"))
    );
    let admin = logged_in(app, "admin").await;
    let listed: Vec<Value> = get(app, &admin, "/api/v1/staff?q=Kim")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["id"], id.as_str());
    assert_eq!(
        listed[0]["is_admin"], false,
        "the directory makes no admins"
    );
    assert_eq!(listed[0]["department"], "job_centre");
    let again = scim(app, Method::POST, "/Users", Some(TOKEN), Some(kim.clone())).await;
    assert_scim_error(&again, 409, Some("uniqueness"));
    let mut unknown = kim.clone();
    unknown["userName"] = json!("lis@demo-kommune.example");
    unknown[ENTERPRISE]["department"] = json!("Økonomi");
    let refused = scim(app, Method::POST, "/Users", Some(TOKEN), Some(unknown)).await;
    assert_scim_error(&refused, 400, Some("invalidValue"));

    // Filter by userName (any case) and by externalId; a filter it does not support is named.
    let found = ok(
        app,
        Method::GET,
        "/Users?filter=userName%20eq%20%22KIM.LUND%40demo-kommune.example%22",
        None,
    )
    .await;
    assert_eq!(found["totalResults"], 1, "{found}");
    assert_eq!(found["Resources"][0]["id"], id.as_str());
    let none = ok(
        app,
        Method::GET,
        "/Users?filter=userName%20eq%20%22nobody%40x.dk%22",
        None,
    )
    .await;
    assert_eq!(none["totalResults"], 0);
    assert_eq!(none["Resources"], json!([]));
    let by_external = ok(
        app,
        Method::GET,
        "/Users?filter=externalId%20eq%20%22ext-kim.lund%40demo-kommune.example%22",
        None,
    )
    .await;
    assert_eq!(by_external["totalResults"], 1);
    let bad = scim(
        app,
        Method::GET,
        "/Users?filter=title%20sw%20%22x%22",
        Some(TOKEN),
        None,
    )
    .await;
    assert_scim_error(&bad, 400, Some("invalidFilter"));
    let all = ok(app, Method::GET, "/Users?startIndex=2&count=2", None).await;
    assert_eq!(
        all["totalResults"], 5,
        "four staff of the demo and Kim: {all}"
    );
    assert_eq!(all["itemsPerPage"], 2);
    assert_eq!(all["startIndex"], 2);

    // Replace: the name and department change, recorded, and the policy sees the new department.
    let mut moved = kim.clone();
    moved["displayName"] = json!("Kim Lund Hansen");
    moved[ENTERPRISE]["department"] = json!("school");
    let replaced = ok(app, Method::PUT, &format!("/Users/{id}"), Some(moved)).await;
    assert_eq!(replaced["displayName"], "Kim Lund Hansen");
    assert_eq!(replaced[ENTERPRISE]["department"], "school");
    let rows = directory_rows(app).await;
    for action in ["create_staff", "change_staff_details", "change_department"] {
        assert!(rows.iter().any(|r| r == action), "{action} in {rows:?}");
    }

    // Deactivate a professional who is logged in: the session ends at once.
    let jonas_client = logged_in(app, "jobcentre").await;
    assert_eq!(get(app, &jonas_client, "/api/v1/me").await.status(), 200);
    let jonas = staff_id(app, &admin, "Jonas").await;
    let off = ok(
        app,
        Method::PATCH,
        &format!("/Users/{jonas}"),
        Some(patch_active("False")),
    )
    .await;
    assert_eq!(off["active"], false);
    assert_eq!(get(app, &jonas_client, "/api/v1/me").await.status(), 401);
    let on = ok(
        app,
        Method::PATCH,
        &format!("/Users/{jonas}"),
        Some(patch_active("true")),
    )
    .await;
    assert_eq!(on["active"], true);

    // Delete: 204, then gone for the directory; the account stays for the log, deactivated.
    let (deleted, _) = scim(
        app,
        Method::DELETE,
        &format!("/Users/{id}"),
        Some(TOKEN),
        None,
    )
    .await;
    assert_eq!(deleted, StatusCode::NO_CONTENT);
    let gone = scim(app, Method::GET, &format!("/Users/{id}"), Some(TOKEN), None).await;
    assert_scim_error(&gone, 404, None);
    let patch_gone = scim(
        app,
        Method::PATCH,
        &format!("/Users/{id}"),
        Some(TOKEN),
        Some(patch_active("true")),
    )
    .await;
    assert_scim_error(&patch_gone, 404, None);
    let listed: Vec<Value> = get(app, &admin, "/api/v1/staff?q=Kim")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["is_active"], false);
    assert!(
        directory_rows(app)
            .await
            .iter()
            .any(|r| r == "remove_staff")
    );

    // Not staff of the municipality, not an id, not JSON, not SCIM's media type.
    let citizen =
        crate::notification_settings::account_of(app, &logged_in(app, "young19").await).await;
    assert_scim_error(
        &scim(
            app,
            Method::GET,
            &format!("/Users/{citizen}"),
            Some(TOKEN),
            None,
        )
        .await,
        404,
        None,
    );
    assert_scim_error(
        &scim(app, Method::GET, "/Users/not-an-id", Some(TOKEN), None).await,
        404,
        None,
    );
    let garbled = reqwest::Client::new()
        .post(app.url("/scim/v2/Users"))
        .bearer_auth(TOKEN)
        .header("content-type", "application/scim+json")
        .body("{\"userName\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(garbled.status(), 400);
    let text = reqwest::Client::new()
        .post(app.url("/scim/v2/Users"))
        .bearer_auth(TOKEN)
        .header("content-type", "text/plain")
        .body(kim.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(text.status(), 415);
}

async fn a_coordinator_leaves_the_directory_only_after_a_hand_over(backend: Backend) {
    let app = &directory_app(backend).await;
    let coordinator = logged_in(app, "coordinator").await;
    create_case(app, &coordinator, "young19").await;
    let admin = logged_in(app, "admin").await;
    let karen = staff_id(app, &admin, "Karen").await;
    let path = format!("/Users/{karen}");

    let refused = scim(
        app,
        Method::PATCH,
        &path,
        Some(TOKEN),
        Some(patch_active("false")),
    )
    .await;
    assert_scim_error(&refused, 409, None);
    assert!(
        refused.1["detail"].as_str().unwrap().contains("1 case"),
        "{}",
        refused.1
    );
    let deleted = scim(app, Method::DELETE, &path, Some(TOKEN), None).await;
    assert_scim_error(&deleted, 409, None);
    assert_eq!(
        get(app, &coordinator, "/api/v1/me").await.status(),
        200,
        "still working"
    );
    assert_eq!(ok(app, Method::GET, &path, None).await["active"], true);

    // The admin sees the request, and hands the case over.
    let overview: Value = get(app, &admin, "/api/v1/admin/overview")
        .await
        .json()
        .await
        .unwrap();
    let waiting = &overview["directory_deactivations_waiting"];
    assert_eq!(waiting[0]["account_id"], karen.as_str(), "{overview}");
    assert_eq!(waiting[0]["cases"], 1);
    let (_, page) = page(app, &admin, "/admin").await;
    assert!(
        page.contains("Kommunens brugerkatalog vil deaktivere"),
        "the admin page says so"
    );
    let amira = staff_id(app, &admin, "Amira").await;
    let handed = post(
        app,
        &admin,
        &format!("/api/v1/admin/staff/{karen}/offboard"),
        json!({ "hand_over_to": amira }),
    )
    .await;
    assert_eq!(handed.status(), 200, "{}", handed.text().await.unwrap());
    let overview: Value = get(app, &admin, "/api/v1/admin/overview")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(overview["directory_deactivations_waiting"], json!([]));

    // The directory's next attempt succeeds.
    let off = ok(app, Method::PATCH, &path, Some(patch_active("false"))).await;
    assert_eq!(off["active"], false);
    let (deleted, _) = scim(app, Method::DELETE, &path, Some(TOKEN), None).await;
    assert_eq!(deleted, StatusCode::NO_CONTENT);
}

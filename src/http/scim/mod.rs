//! `/scim/v2`: provisioning of staff from the municipality's directory (SCIM 2.0, RFC 7643 and
//! RFC 7644; issue #16). A bearer token names the configured client (`[scim.clients.<name>]`)
//! and with it the one municipality whose staff it manages; the handlers read the SCIM document,
//! and `staff::directory` decides and records. Users only: no groups, bulk, sorting or ETags
//! (`ServiceProviderConfig` says so).

mod error;
mod filter;
mod patch;
mod user;

use crate::app::App;
use crate::config::scim::ScimClient;
use crate::domain::ids::AccountId;
use crate::domain::municipality_code::MunicipalityCode;
use crate::staff::directory::{self, Directory};
use crate::store::{StoreError, municipalities};
use actix_web::http::StatusCode;
use actix_web::http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, HeaderValue, LOCATION};
use actix_web::{HttpRequest, HttpResponse, web};
use error::ScimError;
use futures_util::StreamExt;
use serde_json::{Value, json};

/// A User document is well under a kilobyte; anything near this is not one.
const MAX_BODY: usize = 64 * 1024;
/// The most users one listing returns (`count` is capped to it).
const MAX_RESULTS: i64 = 200;
const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

type Answer = Result<HttpResponse, ScimError>;

/// The configured client a request's bearer token belongs to.
struct Client<'a> {
    name: &'a str,
    settings: &'a ScimClient,
    directory: Directory<'a>,
}

async fn client<'a>(req: &HttpRequest, state: &'a App) -> Result<Client<'a>, ScimError> {
    let token = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        })
        .filter(|t| !t.is_empty());
    let Some((name, settings)) = token.and_then(|t| state.settings.scim.client_with_token(t))
    else {
        tracing::warn!(
            token_given = token.is_some(),
            "SCIM request with no valid token"
        );
        return Err(ScimError::unauthorized());
    };
    let unavailable = |why: &str| {
        tracing::error!(
            client = name,
            why,
            "SCIM client's municipality cannot be used"
        );
        ScimError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            None,
            "this client's municipality is not set up in vejviser",
        )
    };
    let code = MunicipalityCode::parse(&settings.municipality)
        .map_err(|_| unavailable("not a municipality code"))?;
    let municipality = match municipalities::find_by_code(&state.db, code).await {
        Ok(m) => m.id,
        Err(StoreError::NotFound) => return Err(unavailable("no municipality with this code")),
        Err(e) => return Err(directory::DirectoryError::Store(e).into()),
    };
    Ok(Client {
        name,
        settings,
        directory: Directory {
            client: name,
            municipality,
        },
    })
}

fn base_url(state: &App) -> String {
    format!(
        "{}/scim/v2",
        state.settings.server.public_url.trim_end_matches('/')
    )
}

fn scim_json(status: StatusCode, body: &Value) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(error::CONTENT_TYPE)
        .insert_header((CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .body(body.to_string())
}

/// The JSON body of a SCIM request: `application/scim+json` (or `application/json`), at most
/// `MAX_BODY` bytes.
async fn json_body(req: &HttpRequest, mut payload: web::Payload) -> Result<Value, ScimError> {
    let media = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    if !matches!(
        media.as_deref(),
        Some("application/scim+json" | "application/json")
    ) {
        return Err(ScimError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            None,
            "the body must be application/scim+json",
        ));
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|_| ScimError::bad("invalidSyntax", "the body could not be read"))?;
        if body.len() + chunk.len() > MAX_BODY {
            return Err(ScimError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                None,
                format!("the body is larger than {} KiB", MAX_BODY / 1024),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    serde_json::from_slice(&body)
        .map_err(|e| ScimError::bad("invalidSyntax", format!("the body is not JSON: {e}")))
}

fn user_id(raw: &str) -> Result<AccountId, ScimError> {
    AccountId::parse(raw).map_err(|_| directory::DirectoryError::NotFound.into())
}

/// `GET /scim/v2/Users?filter=userName eq "…"&startIndex=1&count=100`
pub async fn list(
    req: HttpRequest,
    state: web::Data<App>,
    query: web::Query<Vec<(String, String)>>,
) -> Answer {
    let client = client(&req, &state).await?;
    let param = |name: &str| {
        let mut found = query.iter().filter(|(k, _)| k.eq_ignore_ascii_case(name));
        match (found.next(), found.next()) {
            (Some((_, v)), None) => Ok(Some(v.as_str())),
            (None, _) => Ok(None),
            (Some(_), Some(_)) => Err(ScimError::bad(
                "invalidValue",
                format!("{name} is given more than once"),
            )),
        }
    };
    let number = |name: &str| -> Result<Option<i64>, ScimError> {
        param(name)?
            .map(|v| {
                v.trim().parse::<i64>().map_err(|_| {
                    ScimError::bad("invalidValue", format!("{name} must be a whole number"))
                })
            })
            .transpose()
    };
    let matching = match param("filter")? {
        Some(f) => filter::parse(f)?,
        None => crate::store::directory::Matching::All,
    };
    // RFC 7644 §3.4.2.4: a startIndex below 1 is 1, a negative count is 0.
    let start = number("startIndex")?.unwrap_or(1).max(1);
    let count = number("count")?.unwrap_or(100).clamp(0, MAX_RESULTS);
    let (users, total) =
        directory::list(&state, client.directory, &matching, start - 1, count).await?;
    let base = base_url(&state);
    let resources: Vec<Value> = users.iter().map(|u| user::resource(u, &base)).collect();
    Ok(scim_json(
        StatusCode::OK,
        &json!({
            "schemas": [LIST_SCHEMA],
            "totalResults": total,
            "startIndex": start,
            "itemsPerPage": resources.len(),
            "Resources": resources,
        }),
    ))
}

/// `GET /scim/v2/Users/{id}`
pub async fn show(req: HttpRequest, state: web::Data<App>, id: web::Path<String>) -> Answer {
    let client = client(&req, &state).await?;
    let user = directory::find(&state, client.directory, user_id(&id)?).await?;
    Ok(scim_json(
        StatusCode::OK,
        &user::resource(&user, &base_url(&state)),
    ))
}

/// `POST /scim/v2/Users`: 201 with the user and its `Location`.
pub async fn create(req: HttpRequest, state: web::Data<App>, payload: web::Payload) -> Answer {
    let client = client(&req, &state).await?;
    let document = json_body(&req, payload).await?;
    let entry = user::entry_of(&document, client.name, client.settings)?;
    let created = directory::create(&state, client.directory, &entry).await?;
    let resource = user::resource(&created, &base_url(&state));
    let mut response = scim_json(StatusCode::CREATED, &resource);
    if let Ok(location) =
        HeaderValue::from_str(&format!("{}/Users/{}", base_url(&state), created.id))
    {
        response.headers_mut().insert(LOCATION, location);
    }
    Ok(response)
}

/// `PUT /scim/v2/Users/{id}`: the whole user replaced.
pub async fn replace(
    req: HttpRequest,
    state: web::Data<App>,
    id: web::Path<String>,
    payload: web::Payload,
) -> Answer {
    let client = client(&req, &state).await?;
    let id = user_id(&id)?;
    let document = json_body(&req, payload).await?;
    // The user must exist before its document is judged: a PUT to nobody is 404, not 400.
    directory::find(&state, client.directory, id).await?;
    let entry = user::entry_of(&document, client.name, client.settings)?;
    let user = directory::replace(&state, client.directory, id, &entry).await?;
    Ok(scim_json(
        StatusCode::OK,
        &user::resource(&user, &base_url(&state)),
    ))
}

/// `PATCH /scim/v2/Users/{id}`: the operations applied to the current user, then as a PUT.
pub async fn change(
    req: HttpRequest,
    state: web::Data<App>,
    id: web::Path<String>,
    payload: web::Payload,
) -> Answer {
    let client = client(&req, &state).await?;
    let id = user_id(&id)?;
    let body = json_body(&req, payload).await?;
    let base = base_url(&state);
    let current = directory::find(&state, client.directory, id).await?;
    let mut document = user::resource(&current, &base);
    patch::apply(&mut document, &body)?;
    let entry = user::entry_of(&document, client.name, client.settings)?;
    let user = directory::replace(&state, client.directory, id, &entry).await?;
    Ok(scim_json(StatusCode::OK, &user::resource(&user, &base)))
}

/// `DELETE /scim/v2/Users/{id}`: 204; the user is gone for the directory.
pub async fn delete(req: HttpRequest, state: web::Data<App>, id: web::Path<String>) -> Answer {
    let client = client(&req, &state).await?;
    directory::remove(&state, client.directory, user_id(&id)?).await?;
    Ok(HttpResponse::NoContent()
        .insert_header((CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .finish())
}

/// `GET /scim/v2/ServiceProviderConfig` (RFC 7643 §5): what this provider supports.
pub async fn service_provider_config(req: HttpRequest, state: web::Data<App>) -> Answer {
    client(&req, &state).await?;
    let unsupported = json!({ "supported": false });
    Ok(scim_json(
        StatusCode::OK,
        &json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
            "patch": { "supported": true },
            "bulk": { "supported": false, "maxOperations": 0, "maxPayloadSize": 0 },
            "filter": { "supported": true, "maxResults": MAX_RESULTS },
            "changePassword": unsupported,
            "sort": unsupported,
            "etag": unsupported,
            "authenticationSchemes": [{
                "type": "oauthbearertoken",
                "name": "Bearer token",
                "description": "The token configured for the directory as scim.clients.<name>.token_sha256",
            }],
            "meta": { "resourceType": "ServiceProviderConfig", "location": format!("{}/ServiceProviderConfig", base_url(&state)) },
        }),
    ))
}

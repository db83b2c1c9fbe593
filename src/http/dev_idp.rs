//! HTTP endpoints of the development identity provider, under `/dev-idp/{realm}/`.

use crate::app::App;
use crate::auth::dev_idp::{Authorize, AuthorizeOutcome, DevIdp, TokenError, realm_from_name};
use crate::http::pages::layout::{Chrome, render};
use crate::http::problem::Problem;
use actix_web::http::StatusCode;
use actix_web::http::header::{AUTHORIZATION, CACHE_CONTROL, LOCATION};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use std::collections::HashMap;
use std::sync::Arc;

fn provider(
    state: &App,
    realm: &str,
) -> Result<(Arc<DevIdp>, crate::seed::identities::Provider), Problem> {
    let not_here = || Problem::not_found("There is no development identity provider here.");
    let idp = state.dev_idp.clone().ok_or_else(not_here)?;
    let realm = realm_from_name(realm).ok_or_else(not_here)?;
    Ok((idp, realm))
}

pub async fn discovery(
    state: web::Data<App>,
    realm: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let (idp, realm) = provider(&state, &realm)?;
    Ok(HttpResponse::Ok().json(idp.discovery(realm)))
}

pub async fn jwks(
    state: web::Data<App>,
    realm: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let (idp, _) = provider(&state, &realm)?;
    Ok(HttpResponse::Ok().json(idp.jwks()))
}

#[derive(Template)]
#[template(path = "dev_idp_picker.html")]
struct PickerPage {
    chrome: Chrome,
    choices: Vec<(String, String, String)>,
}
crate::http::pages::layout::with_chrome!(PickerPage);

pub async fn authorize(
    req: HttpRequest,
    state: web::Data<App>,
    realm: web::Path<String>,
    query: web::Query<Authorize>,
) -> Result<HttpResponse, Problem> {
    let (idp, realm) = provider(&state, &realm)?;
    match idp.authorize(realm, &query, state.clock.now()) {
        AuthorizeOutcome::Redirect(target) => Ok(HttpResponse::Found()
            .insert_header((LOCATION, target))
            .finish()),
        AuthorizeOutcome::Invalid(reason) => Err(Problem::bad_request(format!(
            "The authorization request is refused: {reason}."
        ))),
        AuthorizeOutcome::Pick(identities) => {
            let chrome = Chrome::for_request(&req);
            let choices = identities
                .into_iter()
                .map(|identity| {
                    let mut url = url::Url::parse("http://picker.invalid/").expect("a fixed URL");
                    url.set_path(req.path());
                    url.set_query(req.uri().query());
                    let kept: Vec<(String, String)> = url
                        .query_pairs()
                        .filter(|(k, _)| k != "login_hint")
                        .map(|(k, v)| (k.into_owned(), v.into_owned()))
                        .collect();
                    url.query_pairs_mut()
                        .clear()
                        .extend_pairs(kept)
                        .append_pair("login_hint", &identity.login_hint);
                    let href = format!("{}?{}", url.path(), url.query().unwrap_or_default());
                    (href, identity.name, identity.login_hint)
                })
                .collect();
            Ok(render(StatusCode::OK, &PickerPage { chrome, choices }))
        }
    }
}

pub async fn token(
    req: HttpRequest,
    state: web::Data<App>,
    realm: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, Problem> {
    let (idp, realm) = provider(&state, &realm)?;
    let basic = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b64| STANDARD.decode(b64).ok())
        .and_then(|raw| String::from_utf8(raw).ok())
        .and_then(|pair| {
            let (id, secret) = pair.split_once(':')?;
            let decode = |s: &str| {
                url::form_urlencoded::parse(format!("x={s}").as_bytes())
                    .next()
                    .map(|(_, v)| v.into_owned())
            };
            Some((decode(id)?, decode(secret)?))
        });
    match idp.token(realm, &form, basic, state.clock.now()) {
        Ok(body) => Ok(HttpResponse::Ok()
            .insert_header((CACHE_CONTROL, "no-store"))
            .json(body)),
        Err(TokenError::Signing(reason)) => {
            tracing::error!(reason, "development provider could not sign a token");
            Err(Problem::internal())
        }
        Err(err) => {
            let status = if matches!(err, TokenError::InvalidClient) {
                401
            } else {
                400
            };
            Ok(
                HttpResponse::build(
                    StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
                )
                .json(serde_json::json!({ "error": err.to_string() })),
            )
        }
    }
}

pub async fn userinfo(
    req: HttpRequest,
    state: web::Data<App>,
    realm: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let (idp, _) = provider(&state, &realm)?;
    let token = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match token.and_then(|t| idp.userinfo(t, state.clock.now())) {
        Some(claims) => Ok(HttpResponse::Ok().json(claims)),
        None => Ok(HttpResponse::Unauthorized()
            .insert_header(("WWW-Authenticate", "Bearer error=\"invalid_token\""))
            .finish()),
    }
}

//! The userinfo response, as JSON or as a signed JWT (OpenID Connect Core 5.3.2), whose `sub`
//! must be the ID token's. A JWT is checked with the provider's published keys and the same
//! algorithm allow-list as ID tokens, and may leave out `iss` and `aud`, which the spec allows.
//!
//! Written here rather than with the crate's `UserInfoRequest`: that one checks a signed answer
//! with RS256 only and keeps its verifier's algorithm list private, so an ES256 provider (or one
//! whose JWT omits `iss`) could not log anyone in (see `super::jws`).

use super::LoginError;
use super::jws;
use openidconnect::core::{CoreJsonWebKeySet, CoreJwsSigningAlgorithm};
use serde_json::{Map, Value};

/// Fetches userinfo with the access token and returns its claims.
pub async fn fetch(
    http: &reqwest::Client,
    url: &str,
    access_token: &str,
    subject: &str,
    keys: &CoreJsonWebKeySet,
    algs: &[CoreJwsSigningAlgorithm],
) -> Result<Map<String, Value>, LoginError> {
    let failed = |what: String| LoginError::Userinfo(what);
    let response = http
        .get(url)
        .bearer_auth(access_token)
        .header(reqwest::header::ACCEPT, "application/json, application/jwt")
        .send()
        .await
        .map_err(|e| failed(format!("request failed: {e}")))?;
    if !response.status().is_success() {
        return Err(failed(format!("answered {}", response.status())));
    }
    let is_jwt = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/jwt"));
    let body = response
        .text()
        .await
        .map_err(|e| failed(format!("body unreadable: {e}")))?;
    let claims = if is_jwt {
        jws::verified_claims(body.trim(), keys, algs)
            .map_err(|e| failed(format!("signed answer refused: {e}")))?
    } else {
        serde_json::from_str::<Map<String, Value>>(&body)
            .map_err(|e| failed(format!("not a JSON object: {e}")))?
    };
    match claims.get("sub").and_then(Value::as_str) {
        Some(sub) if sub == subject => Ok(claims),
        _ => Err(failed("its sub is not the ID token's".into())),
    }
}

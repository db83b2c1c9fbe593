//! The userinfo response, as JSON or as a signed JWT (OpenID Connect Core 5.3.2), whose `sub`
//! must be the ID token's. A JWT is checked with the provider's published keys and the same
//! algorithm allow-list as ID tokens, and may leave out `iss` and `aud`, which the spec allows.
//!
//! Written here rather than with the crate's `UserInfoRequest`: that one checks a signed answer
//! with RS256 only and keeps its verifier's algorithm list private, so an ES256 provider (or one
//! whose JWT omits `iss`) could not log anyone in. The signature itself is still the crate's
//! (`JsonWebKey::verify_signature`).

use super::LoginError;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openidconnect::core::{CoreJsonWebKeySet, CoreJwsSigningAlgorithm};
use openidconnect::{JsonWebKey, JsonWebKeyId};
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
        verified_claims(body.trim(), keys, algs)?
    } else {
        serde_json::from_str::<Map<String, Value>>(&body)
            .map_err(|e| failed(format!("not a JSON object: {e}")))?
    };
    match claims.get("sub").and_then(Value::as_str) {
        Some(sub) if sub == subject => Ok(claims),
        _ => Err(failed("its sub is not the ID token's".into())),
    }
}

/// The payload of a compact JWS whose header names an allowed algorithm and whose signature a
/// published key (the one its `kid` names, or any that verifies when it names none) accepts.
fn verified_claims(
    compact: &str,
    keys: &CoreJsonWebKeySet,
    algs: &[CoreJwsSigningAlgorithm],
) -> Result<Map<String, Value>, LoginError> {
    let bad = |what: &str| LoginError::Userinfo(format!("signed answer refused: {what}"));
    let mut parts = compact.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("not a compact JWS"));
    };
    let decode = |part: &str| {
        URL_SAFE_NO_PAD
            .decode(part)
            .map_err(|_| bad("not base64url"))
    };
    let head: Map<String, Value> =
        serde_json::from_slice(&decode(header)?).map_err(|_| bad("header unreadable"))?;
    let alg: CoreJwsSigningAlgorithm = head
        .get("alg")
        .cloned()
        .and_then(|alg| serde_json::from_value(alg).ok())
        .ok_or_else(|| bad("no algorithm"))?;
    if !algs.contains(&alg) {
        return Err(bad("algorithm not allowed"));
    }
    let kid = head
        .get("kid")
        .and_then(Value::as_str)
        .map(|k| JsonWebKeyId::new(k.to_owned()));
    let message = format!("{header}.{payload}");
    let signature = decode(signature)?;
    let verified = keys
        .keys()
        .iter()
        .filter(|key| kid.is_none() || key.key_id() == kid.as_ref())
        .any(|key| {
            key.verify_signature(&alg, message.as_bytes(), &signature)
                .is_ok()
        });
    if !verified {
        return Err(bad("no published key verifies the signature"));
    }
    serde_json::from_slice(&decode(payload)?).map_err(|_| bad("payload unreadable"))
}

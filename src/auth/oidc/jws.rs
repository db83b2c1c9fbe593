//! Checking a compact JWS (RFC 7515) signed by the provider: the userinfo JWT and the back-channel
//! logout token are checked with the provider's published keys and the same algorithm allow-list
//! as ID tokens.
//!
//! Written here rather than with the crate's verifiers: those check a userinfo JWT with RS256 only
//! and have no logout token at all, and they keep their algorithm list private. The signature
//! itself is still the crate's (`JsonWebKey::verify_signature`).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openidconnect::core::{CoreJsonWebKeySet, CoreJwsSigningAlgorithm};
use openidconnect::{JsonWebKey, JsonWebKeyId};
use serde_json::{Map, Value};

/// Why a JWS was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwsError {
    #[error("not a compact JWS")]
    NotCompact,
    #[error("not base64url")]
    NotBase64,
    #[error("header unreadable")]
    Header,
    #[error("no algorithm")]
    NoAlgorithm,
    #[error("algorithm not allowed")]
    AlgorithmNotAllowed,
    #[error("no published key verifies the signature")]
    NoMatchingKey,
    #[error("payload unreadable")]
    Payload,
}

/// The payload of a compact JWS whose header names an allowed algorithm and whose signature a
/// published key (the one its `kid` names, or any that verifies when it names none) accepts.
pub fn verified_claims(
    compact: &str,
    keys: &CoreJsonWebKeySet,
    algs: &[CoreJwsSigningAlgorithm],
) -> Result<Map<String, Value>, JwsError> {
    let mut parts = compact.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwsError::NotCompact);
    };
    let decode = |part: &str| {
        URL_SAFE_NO_PAD
            .decode(part)
            .map_err(|_| JwsError::NotBase64)
    };
    let head: Map<String, Value> =
        serde_json::from_slice(&decode(header)?).map_err(|_| JwsError::Header)?;
    let alg: CoreJwsSigningAlgorithm = head
        .get("alg")
        .cloned()
        .and_then(|alg| serde_json::from_value(alg).ok())
        .ok_or(JwsError::NoAlgorithm)?;
    if !algs.contains(&alg) {
        return Err(JwsError::AlgorithmNotAllowed);
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
        return Err(JwsError::NoMatchingKey);
    }
    serde_json::from_slice(&decode(payload)?).map_err(|_| JwsError::Payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_keys() -> CoreJsonWebKeySet {
        CoreJsonWebKeySet::new(vec![])
    }

    const RS256: &[CoreJwsSigningAlgorithm] = &[CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256];

    fn part(json: &str) -> String {
        URL_SAFE_NO_PAD.encode(json)
    }

    #[test]
    fn malformed_tokens_are_refused_by_cause() {
        let keys = no_keys();
        assert_eq!(
            verified_claims("a.b", &keys, RS256),
            Err(JwsError::NotCompact)
        );
        assert_eq!(
            verified_claims("a.b.c.d", &keys, RS256),
            Err(JwsError::NotCompact)
        );
        assert_eq!(
            verified_claims("*.b.c", &keys, RS256),
            Err(JwsError::NotBase64)
        );
        let not_json = format!("{}.e30.", part("nope"));
        assert_eq!(
            verified_claims(&not_json, &keys, RS256),
            Err(JwsError::Header)
        );
        let no_alg = format!("{}.e30.", part("{}"));
        assert_eq!(
            verified_claims(&no_alg, &keys, RS256),
            Err(JwsError::NoAlgorithm)
        );
        let none = format!("{}.e30.", part(r#"{"alg":"none"}"#));
        assert_eq!(
            verified_claims(&none, &keys, RS256),
            Err(JwsError::AlgorithmNotAllowed)
        );
        let hs = format!("{}.e30.", part(r#"{"alg":"HS256"}"#));
        assert_eq!(
            verified_claims(&hs, &keys, RS256),
            Err(JwsError::AlgorithmNotAllowed)
        );
        let unsigned = format!("{}.e30.c2ln", part(r#"{"alg":"RS256"}"#));
        assert_eq!(
            verified_claims(&unsigned, &keys, RS256),
            Err(JwsError::NoMatchingKey)
        );
    }
}

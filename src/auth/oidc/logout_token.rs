//! The rules a back-channel logout token must meet (OpenID Connect Back-Channel Logout 1.0 §2.4
//! and §2.6), once its signature is checked: our issuer and client, issued recently, not expired,
//! the logout event, no `nonce` (so an ID token cannot pass for one), and a `sub` or `sid`.
//! Replays (the same `jti` twice) are caught with the store, see `auth::backchannel`. Also the
//! provider's `verify_logout_token`, which checks the signature first.

use super::LoginError;
use super::jws::{self, JwsError};
use super::provider::Provider;
use serde_json::{Map, Value};
use time::OffsetDateTime;

/// The event member a logout token must carry.
pub const BACKCHANNEL_LOGOUT_EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";
/// A token issued longer ago than this is refused (and its `jti` need be kept no longer).
pub const MAX_AGE_SECS: i64 = 600;
/// Clock difference allowed between the provider and vejviser.
const CLOCK_SKEW_SECS: i64 = 60;

/// What a valid logout token asks to end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoutClaims {
    /// The provider's subject: every session of that account from this provider.
    pub subject: Option<String>,
    /// The provider's session: the vejviser sessions started from it.
    pub sid: Option<String>,
    pub jti: String,
    /// Until when the `jti` must be remembered to refuse a replay.
    pub expires_at: OffsetDateTime,
}

/// Why a logout token was refused; each says which rule it broke.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogoutTokenError {
    #[error("signature refused: {0}")]
    Signature(#[from] JwsError),
    #[error("the provider could not be asked for its keys: {0}")]
    Provider(String),
    #[error("iss is not the provider's issuer")]
    Issuer,
    #[error("aud does not name this client")]
    Audience,
    #[error("iat is missing, in the future or older than {MAX_AGE_SECS} s")]
    IssuedAt,
    #[error("exp has passed")]
    Expired,
    #[error("no jti")]
    NoJti,
    #[error("events has no back-channel logout event")]
    NotALogoutEvent,
    #[error("carries a nonce (an ID token is not a logout token)")]
    Nonce,
    #[error("neither sub nor sid")]
    NoSubjectOrSession,
    #[error("jti already used (a replay)")]
    Replayed,
}

/// Checks the claims of a logout token whose signature has been verified.
pub fn check(
    claims: &Map<String, Value>,
    issuer: &str,
    client_id: &str,
    now: OffsetDateTime,
) -> Result<LogoutClaims, LogoutTokenError> {
    let text = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_owned);
    if text("iss").as_deref() != Some(issuer) {
        return Err(LogoutTokenError::Issuer);
    }
    let audience_ok = match claims.get("aud") {
        Some(Value::String(aud)) => aud == client_id,
        Some(Value::Array(auds)) => auds.iter().any(|a| a.as_str() == Some(client_id)),
        _ => false,
    };
    if !audience_ok {
        return Err(LogoutTokenError::Audience);
    }
    let now_secs = now.unix_timestamp();
    let iat = claims
        .get("iat")
        .and_then(Value::as_i64)
        .ok_or(LogoutTokenError::IssuedAt)?;
    if iat > now_secs + CLOCK_SKEW_SECS || iat < now_secs - MAX_AGE_SECS {
        return Err(LogoutTokenError::IssuedAt);
    }
    // `exp` became required late in the spec's life; a token without one is bounded by its age.
    let exp = claims.get("exp").and_then(Value::as_i64);
    if exp.is_some_and(|exp| exp + CLOCK_SKEW_SECS < now_secs) {
        return Err(LogoutTokenError::Expired);
    }
    let jti = text("jti")
        .filter(|j| !j.is_empty())
        .ok_or(LogoutTokenError::NoJti)?;
    let is_logout = claims
        .get("events")
        .and_then(Value::as_object)
        .and_then(|events| events.get(BACKCHANNEL_LOGOUT_EVENT))
        .is_some_and(Value::is_object);
    if !is_logout {
        return Err(LogoutTokenError::NotALogoutEvent);
    }
    if claims.contains_key("nonce") {
        return Err(LogoutTokenError::Nonce);
    }
    let subject = text("sub").filter(|s| !s.is_empty());
    let sid = text("sid").filter(|s| !s.is_empty());
    if subject.is_none() && sid.is_none() {
        return Err(LogoutTokenError::NoSubjectOrSession);
    }
    // Kept at least as long as a token counts as fresh, whatever `exp` says.
    let remember_until = exp.unwrap_or(iat).max(iat + MAX_AGE_SECS) + CLOCK_SKEW_SECS;
    Ok(LogoutClaims {
        subject,
        sid,
        jti,
        expires_at: OffsetDateTime::from_unix_timestamp(remember_until)
            .unwrap_or(now + time::Duration::seconds(MAX_AGE_SECS)),
    })
}

impl Provider {
    /// Checks a back-channel logout token: its signature with the published keys (re-fetched once
    /// when none matches, as for ID tokens), then the rules of `check`.
    pub async fn verify_logout_token(
        &self,
        http: &reqwest::Client,
        token: &str,
        now: OffsetDateTime,
    ) -> Result<LogoutClaims, LogoutTokenError> {
        let unreachable = |e: LoginError| LogoutTokenError::Provider(e.to_string());
        let metadata = self.metadata(http).await.map_err(unreachable)?;
        let claims = match jws::verified_claims(token, metadata.jwks(), self.algs()) {
            Err(JwsError::NoMatchingKey)
                if self.refresh_keys(http).await.map_err(unreachable)? =>
            {
                let metadata = self.metadata(http).await.map_err(unreachable)?;
                jws::verified_claims(token, metadata.jwks(), self.algs())?
            }
            verified => verified?,
        };
        check(&claims, self.issuer(), &self.settings().client_id, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ISSUER: &str = "https://idp.example";
    const CLIENT: &str = "vejviser";

    fn now() -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap()
    }

    fn valid() -> Map<String, Value> {
        let now = now().unix_timestamp();
        json!({
            "iss": ISSUER, "aud": CLIENT, "iat": now, "exp": now + 120, "jti": "j-1",
            "sub": "s-1", "sid": "sid-1",
            "events": { BACKCHANNEL_LOGOUT_EVENT: {} },
        })
        .as_object()
        .unwrap()
        .clone()
    }

    type Change = Box<dyn FnOnce(&mut Map<String, Value>)>;

    fn with(
        change: impl FnOnce(&mut Map<String, Value>),
    ) -> Result<LogoutClaims, LogoutTokenError> {
        let mut claims = valid();
        change(&mut claims);
        check(&claims, ISSUER, CLIENT, now())
    }

    #[test]
    fn a_valid_token_names_what_to_end() {
        let claims = with(|_| {}).unwrap();
        assert_eq!(claims.subject.as_deref(), Some("s-1"));
        assert_eq!(claims.sid.as_deref(), Some("sid-1"));
        assert_eq!(claims.jti, "j-1");
        assert!(claims.expires_at > now() + time::Duration::seconds(MAX_AGE_SECS));
        let listed = with(|c| {
            c.insert("aud".into(), json!(["other", CLIENT]));
            c.remove("sid");
        })
        .unwrap();
        assert_eq!(listed.sid, None);
        assert!(
            with(|c| {
                c.remove("sub");
            })
            .is_ok()
        );
        assert!(
            with(|c| {
                c.remove("exp");
            })
            .is_ok()
        );
    }

    #[test]
    fn each_rule_refuses_on_its_own() {
        let t = now().unix_timestamp();
        let cases: Vec<(LogoutTokenError, Change)> = vec![
            (
                LogoutTokenError::Issuer,
                Box::new(|c| {
                    c.insert("iss".into(), json!("https://evil.example"));
                }),
            ),
            (
                LogoutTokenError::Issuer,
                Box::new(|c| {
                    c.remove("iss");
                }),
            ),
            (
                LogoutTokenError::Audience,
                Box::new(|c| {
                    c.insert("aud".into(), json!("other"));
                }),
            ),
            (
                LogoutTokenError::Audience,
                Box::new(|c| {
                    c.insert("aud".into(), json!(["other"]));
                }),
            ),
            (
                LogoutTokenError::Audience,
                Box::new(|c| {
                    c.remove("aud");
                }),
            ),
            (
                LogoutTokenError::IssuedAt,
                Box::new(|c| {
                    c.remove("iat");
                }),
            ),
            (
                LogoutTokenError::IssuedAt,
                Box::new(move |c| {
                    c.insert("iat".into(), json!(t + 3600));
                }),
            ),
            (
                LogoutTokenError::IssuedAt,
                Box::new(move |c| {
                    c.insert("iat".into(), json!(t - MAX_AGE_SECS - 1));
                }),
            ),
            (
                LogoutTokenError::Expired,
                Box::new(move |c| {
                    c.insert("exp".into(), json!(t - 3600));
                }),
            ),
            (
                LogoutTokenError::NoJti,
                Box::new(|c| {
                    c.remove("jti");
                }),
            ),
            (
                LogoutTokenError::NoJti,
                Box::new(|c| {
                    c.insert("jti".into(), json!(""));
                }),
            ),
            (
                LogoutTokenError::NotALogoutEvent,
                Box::new(|c| {
                    c.remove("events");
                }),
            ),
            (
                LogoutTokenError::NotALogoutEvent,
                Box::new(|c| {
                    c.insert("events".into(), json!({ BACKCHANNEL_LOGOUT_EVENT: "yes" }));
                }),
            ),
            (
                LogoutTokenError::NotALogoutEvent,
                Box::new(|c| {
                    c.insert(
                        "events".into(),
                        json!({ "http://schemas.openid.net/event/other": {} }),
                    );
                }),
            ),
            (
                LogoutTokenError::Nonce,
                Box::new(|c| {
                    c.insert("nonce".into(), json!("n"));
                }),
            ),
            (
                LogoutTokenError::NoSubjectOrSession,
                Box::new(|c| {
                    c.remove("sub");
                    c.remove("sid");
                }),
            ),
        ];
        for (expected, change) in cases {
            assert_eq!(with(change), Err(expected.clone()), "{expected}");
        }
    }
}

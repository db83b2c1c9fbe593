//! Login against a test OpenID provider the suite controls (`support::test_op`): positive
//! controls first, so the refusals mean something, then one test per misbehaviour, named after
//! the OpenID Foundation's RP conformance test where one exists (`rp-id_token-bad-sig-rs256` is
//! `rp_id_token_bad_sig_rs256`). Every refusal must be an HTML page (never a redirect into the
//! app) with the login-failed or assurance heading, echo neither a token nor the CPR number,
//! and leave no session behind: `/api/v1/me` answers 401 and the sessions table does not grow.
//! (The refusal's log line is written by `refused()`, one per page; it is not captured here.)

use crate::helpers::{Backend, TestApp, spawn_app_with};
use crate::support::test_op::{
    ACR_SUBSTANTIAL, Alg, CLIENT_ID, CLIENT_SECRET, CPR, CPR_CLAIM, IssParam, Kid, StateParam,
    TestOp,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use std::time::{SystemTime, UNIX_EPOCH};

pub(crate) const PROVIDER: &str = "testop";
const FLOW_COOKIE: &str = "vejviser_login";
/// The heading of the "login failed" page (Danish, the default language).
const FAILED: &str = "Log-in mislykkedes";
/// The heading of the "assurance too low" page.
const TOO_LOW: &str = "Dit log-in er ikke sikkert nok";

pub(crate) struct Rig {
    pub(crate) app: TestApp,
    pub(crate) op: TestOp,
}

/// What the browser saw at the step that ended the login, and whether it is logged in after.
#[derive(Debug)]
pub(crate) struct Outcome {
    status: u16,
    content_type: String,
    location: Option<String>,
    body: String,
    /// `/api/v1/me` right after, in the same browser.
    me: u16,
    me_body: Value,
    sessions_before: i64,
    sessions_after: i64,
    /// Whether the page shows the authorization code the browser came back with.
    shows_the_code: bool,
}

/// A login started at the app: where it sends the browser, and what it left in the browser.
#[derive(Debug)]
struct Started {
    authorize_url: String,
    flow_cookie: String,
    state: String,
}

/// A browser of its own: keeps cookies, follows no redirects.
pub(crate) fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap()
}

pub(crate) fn unix_now() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
}

fn query_param(url: &str, name: &str) -> Option<String> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// A JWT's shape: a base64url header `eyJ…`, a dot, a base64url payload `eyJ…`. (A bare "eyJ" can
/// turn up by chance in any random base64url value on the page.)
fn contains_a_jwt(text: &str) -> bool {
    text.match_indices("eyJ").any(|(at, _)| {
        let rest = &text[at..];
        let header_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(rest.len());
        rest[header_len..].starts_with(".eyJ")
    })
}

/// A fresh app whose provider `testop` is a fresh test OP.
async fn rig() -> Rig {
    rig_on(Backend::Sqlite).await
}

/// `rig` on the database `backend`.
pub(crate) async fn rig_on(backend: Backend) -> Rig {
    let op = TestOp::start().await;
    let config = format!(
        r#"
        [oidc.providers.{PROVIDER}]
        kind = "citizen"
        issuer = "{issuer}"
        client_id = "{CLIENT_ID}"
        client_secret = "{CLIENT_SECRET}"
        scopes = ["openid", "profile"]
        acr_values = "{ACR_SUBSTANTIAL}"
        claims.cpr = "{CPR_CLAIM}"
        "#,
        issuer = op.issuer,
    );
    let app = spawn_app_with(backend, &config).await;
    op.register_redirect_uri(&app.url(&format!("/auth/callback/{PROVIDER}")));
    Rig { app, op }
}

impl Rig {
    pub(crate) async fn sessions(&self) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
            .fetch_one(self.app.app.db.pool())
            .await
            .unwrap()
    }

    /// The outcome of `response`, with `/api/v1/me` asked right after in `browser`.
    async fn outcome(
        &self,
        browser: &reqwest::Client,
        response: reqwest::Response,
        sessions_before: i64,
    ) -> Outcome {
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header("content-type").unwrap_or_default();
        let location = header("location");
        let body = response.text().await.unwrap();
        let me = browser
            .get(self.app.url("/api/v1/me"))
            .header("accept", "application/json")
            .send()
            .await
            .unwrap();
        let me_status = me.status().as_u16();
        let me_body = me.json().await.unwrap_or(Value::Null);
        Outcome {
            status,
            content_type,
            location,
            body,
            me: me_status,
            me_body,
            sessions_before,
            sessions_after: self.sessions().await,
            shows_the_code: false,
        }
    }

    /// `GET /auth/login/testop`; the outcome instead when the app refuses already there.
    async fn start(&self, browser: &reqwest::Client) -> Result<Started, Outcome> {
        let before = self.sessions().await;
        let response = browser
            .get(self.app.url(&format!("/auth/login/{PROVIDER}")))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        if response.status() != 302 {
            return Err(self.outcome(browser, response, before).await);
        }
        let flow_cookie = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| c.strip_prefix(&format!("{FLOW_COOKIE}=")))
            .and_then(|c| c.split(';').next())
            .expect("the login sets the flow cookie")
            .to_owned();
        let authorize_url = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(
            authorize_url.starts_with(&format!("{}/authorize?", self.op.issuer)),
            "{authorize_url}"
        );
        let state = query_param(&authorize_url, "state").expect("the request carries a state");
        Ok(Started {
            authorize_url,
            flow_cookie,
            state,
        })
    }

    /// The provider's `/authorize`: returns the callback URL it redirects to.
    async fn authorize(&self, started: &Started) -> String {
        let response = browser().get(&started.authorize_url).send().await.unwrap();
        assert_eq!(response.status(), 302, "{:?}", response.text().await);
        let callback = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(
            callback.starts_with(&self.app.url(&format!("/auth/callback/{PROVIDER}?"))),
            "{callback}"
        );
        callback
    }

    /// The browser comes back to the app with `callback_url`.
    async fn callback(&self, browser: &reqwest::Client, callback_url: &str) -> Outcome {
        let before = self.sessions().await;
        let response = browser
            .get(callback_url)
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        let mut outcome = self.outcome(browser, response, before).await;
        if let Some(code) = query_param(callback_url, "code") {
            outcome.shows_the_code = outcome.body.contains(&code);
        }
        outcome
    }

    /// One whole login in `browser`, ending where the app answers.
    pub(crate) async fn login_in(&self, browser: &reqwest::Client) -> Outcome {
        match self.start(browser).await {
            Ok(started) => {
                let callback = self.authorize(&started).await;
                self.callback(browser, &callback).await
            }
            Err(refused) => refused,
        }
    }

    /// One whole login in the app's own client.
    async fn login(&self) -> Outcome {
        self.login_in(&self.app.client).await
    }
}

#[track_caller]
pub(crate) fn assert_logged_in(outcome: &Outcome) {
    assert_eq!(outcome.status, 303, "{outcome:#?}");
    // No destination was asked for: `/start` sends the person on to their cases.
    assert_eq!(outcome.location.as_deref(), Some("/start"), "{outcome:#?}");
    assert_eq!(outcome.me, 200, "{outcome:#?}");
    assert_eq!(outcome.me_body["kind"], "citizen", "{outcome:#?}");
    assert_eq!(
        outcome.me_body["assurance_level"], "substantial",
        "{outcome:#?}"
    );
    assert_eq!(outcome.sessions_after, outcome.sessions_before + 1);
}

/// Refused with a page that says so, nothing sensitive on it, and no session.
#[track_caller]
fn assert_refused(outcome: &Outcome, status: u16, heading: &str) {
    assert_eq!(outcome.status, status, "{outcome:#?}");
    assert_eq!(outcome.location, None, "no redirect into the app");
    assert!(
        outcome.content_type.starts_with("text/html"),
        "{outcome:#?}"
    );
    assert!(outcome.body.contains(heading), "{outcome:#?}");
    assert!(
        !outcome.body.contains(CPR) && !contains_a_jwt(&outcome.body) && !outcome.shows_the_code,
        "the page echoes no CPR, no token and no authorization code: {outcome:#?}"
    );
    assert_eq!(outcome.me, 401, "no session: {outcome:#?}");
    assert_eq!(
        outcome.sessions_after, outcome.sessions_before,
        "no session was stored"
    );
}

// ---------------------------------------------------------------------------------------------
// Positive controls

/// The well-behaved provider: code flow with PKCE S256, state, nonce, RFC 9207 iss,
/// client_secret_basic; the citizen logs in at substantial.
#[tokio::test]
async fn rp_response_type_code() {
    let rig = rig().await;
    assert_logged_in(&rig.login().await);

    let authorizations = rig.op.authorizations();
    assert_eq!(authorizations.len(), 1);
    let sent = &authorizations[0];
    assert_eq!(sent.client_id, CLIENT_ID);
    assert_eq!(sent.code_challenge_method, "S256");
    assert!(sent.state.as_ref().is_some_and(|s| s.len() >= 16));
    assert!(sent.nonce.as_ref().is_some_and(|n| n.len() >= 16));
    assert!(sent.scope.split(' ').any(|s| s == "openid"));
    assert_eq!(sent.acr_values.as_deref(), Some(ACR_SUBSTANTIAL));
    assert_eq!(sent.redemptions, 1);
    let tokens = rig.op.token_requests();
    assert_eq!(tokens.len(), 1);
    assert!(
        tokens[0].client_authenticated,
        "rp-token_endpoint-client_secret_basic"
    );
    assert!(
        tokens[0].pkce_verified,
        "the RP sent the verifier of its challenge"
    );
}

#[tokio::test]
async fn rp_id_token_sig_rs256() {
    let rig = rig().await;
    rig.op.configure(|b| b.alg = Alg::Rs256);
    assert_logged_in(&rig.login().await);
}

#[tokio::test]
async fn rp_id_token_sig_es256() {
    let rig = rig().await;
    rig.op.configure(|b| b.alg = Alg::Es256);
    assert_logged_in(&rig.login().await);
}

/// No `kid`, and the JWKS holds a single key: that key is the one.
#[tokio::test]
async fn rp_id_token_kid_absent_single_jwks() {
    let rig = rig().await;
    rig.op.configure(|b| {
        b.kid = Kid::Absent;
        b.publish_rsa_key = false;
    });
    assert_logged_in(&rig.login().await);
}

/// The provider rotates its signing key (new `kid`); the RP re-fetches the JWKS and logs in.
#[tokio::test]
async fn rp_key_rotation_op_sign_key() {
    let rig = rig().await;
    assert_logged_in(&rig.login_in(&browser()).await);
    let fetched = rig.op.jwks_fetches();
    let kid = rig.op.rotate_signing_key();
    assert_logged_in(&rig.login_in(&browser()).await);
    assert!(
        rig.op.jwks_fetches() > fetched,
        "the RP re-fetched the JWKS for the new kid {kid}"
    );
}

// ---------------------------------------------------------------------------------------------
// Signatures and keys

#[tokio::test]
async fn rp_id_token_bad_sig_rs256() {
    let rig = rig().await;
    rig.op.configure(|b| {
        b.alg = Alg::Rs256;
        b.corrupt_signature = true;
    });
    assert_refused(&rig.login().await, 400, FAILED);
}

#[tokio::test]
async fn rp_id_token_bad_sig_es256() {
    let rig = rig().await;
    rig.op.configure(|b| {
        b.alg = Alg::Es256;
        b.corrupt_signature = true;
    });
    assert_refused(&rig.login().await, 400, FAILED);
}

/// HS256, keyed with the provider's RSA public key: the public key must not double as a secret.
#[tokio::test]
async fn rp_id_token_bad_sig_hs256() {
    let rig = rig().await;
    rig.op.configure(|b| b.alg = Alg::Hs256WithRsaPublicKey);
    assert_refused(&rig.login().await, 400, FAILED);
}

#[tokio::test]
async fn rp_id_token_sig_none() {
    let rig = rig().await;
    rig.op.configure(|b| b.alg = Alg::None);
    assert_refused(&rig.login().await, 400, FAILED);
}

/// No `kid` and two eligible keys. The conformance test lets the RP either refuse or try every
/// key; this RP refuses (the key is ambiguous), which is what is asserted.
#[tokio::test]
async fn rp_id_token_kid_absent_multiple_jwks() {
    let rig = rig().await;
    rig.op.configure(|b| {
        b.kid = Kid::Absent;
        b.publish_decoy_key = true;
    });
    assert_refused(&rig.login().await, 400, FAILED);
}

/// The token carries its own key in the header (`jwk`): only the provider's JWKS counts.
#[tokio::test]
async fn key_embedded_in_the_token_header_is_not_trusted() {
    let rig = rig().await;
    rig.op.configure(|b| {
        b.sign_with_unpublished_key = true;
        b.embed_jwk_header = true;
    });
    assert_refused(&rig.login().await, 400, FAILED);
}

/// A `kid` the JWKS does not have, even after the re-fetch that an unknown `kid` triggers.
#[tokio::test]
async fn unknown_kid_still_unknown_after_jwks_refetch_is_refused() {
    let rig = rig().await;
    rig.op.configure(|b| b.sign_with_unpublished_key = true);
    assert_refused(&rig.login().await, 400, FAILED);
    assert_eq!(
        rig.op.jwks_fetches(),
        2,
        "once with discovery, once more for the unknown kid"
    );
}

// ---------------------------------------------------------------------------------------------
// ID-token claims

#[tokio::test]
async fn rp_id_token_issuer_mismatch() {
    let rig = rig().await;
    rig.op
        .configure(|b| _ = b.claim("iss", json!("https://idp.attacker.example")));
    assert_refused(&rig.login().await, 400, FAILED);
}

/// The ID token has no `sub`.
#[tokio::test]
async fn rp_id_token_sub() {
    let rig = rig().await;
    rig.op.configure(|b| _ = b.claim("sub", Value::Null));
    assert_refused(&rig.login().await, 400, FAILED);
}

/// The ID token is for another client.
#[tokio::test]
async fn rp_id_token_aud() {
    let rig = rig().await;
    rig.op
        .configure(|b| _ = b.claim("aud", json!("another-client")));
    assert_refused(&rig.login().await, 400, FAILED);
}

#[tokio::test]
async fn id_token_without_aud_is_refused() {
    let rig = rig().await;
    rig.op.configure(|b| _ = b.claim("aud", Value::Null));
    assert_refused(&rig.login().await, 400, FAILED);
}

#[tokio::test]
async fn id_token_with_an_extra_untrusted_aud_is_refused() {
    let rig = rig().await;
    rig.op.configure(|b| {
        b.claim("aud", json!([CLIENT_ID, "another-client"]))
            .claim("azp", json!(CLIENT_ID));
    });
    assert_refused(&rig.login().await, 400, FAILED);
}

#[tokio::test]
async fn id_token_azp_naming_another_client_is_refused() {
    let rig = rig().await;
    rig.op
        .configure(|b| _ = b.claim("azp", json!("another-client")));
    assert_refused(&rig.login().await, 400, FAILED);
}

#[tokio::test]
async fn expired_id_token_is_refused() {
    let rig = rig().await;
    let now = unix_now();
    rig.op.configure(|b| {
        b.claim("iat", json!(now - 900))
            .claim("exp", json!(now - 600));
    });
    assert_refused(&rig.login().await, 400, FAILED);
}

#[tokio::test]
async fn id_token_without_iat_is_refused() {
    let rig = rig().await;
    rig.op.configure(|b| _ = b.claim("iat", Value::Null));
    assert_refused(&rig.login().await, 400, FAILED);
}

/// Issued an hour in the future.
#[tokio::test]
async fn rp_id_token_iat() {
    let rig = rig().await;
    let now = unix_now();
    rig.op.configure(|b| {
        b.claim("iat", json!(now + 3600))
            .claim("exp", json!(now + 3900));
    });
    assert_refused(&rig.login().await, 400, FAILED);
}

// ---------------------------------------------------------------------------------------------
// Nonce, state, code, PKCE

#[tokio::test]
async fn rp_nonce_invalid() {
    let rig = rig().await;
    rig.op
        .configure(|b| _ = b.claim("nonce", json!("not-the-nonce-that-was-sent")));
    assert_refused(&rig.login().await, 400, FAILED);
}

#[tokio::test]
async fn id_token_without_nonce_is_refused() {
    let rig = rig().await;
    rig.op.configure(|b| _ = b.claim("nonce", Value::Null));
    assert_refused(&rig.login().await, 400, FAILED);
}

/// The ID token carries the nonce of an earlier authorization (a replayed token).
#[tokio::test]
async fn id_token_with_the_nonce_of_an_earlier_authorization_is_refused() {
    let rig = rig().await;
    let earlier = rig.start(&browser()).await.unwrap();
    rig.authorize(&earlier).await;
    rig.op
        .configure(|b| b.nonce_of_previous_authorization = true);
    assert_refused(&rig.login().await, 400, FAILED);
}

/// Login CSRF: an attacker's own callback URL, opened in the victim's browser (which has no flow
/// cookie), logs nobody in.
#[tokio::test]
async fn callback_without_the_flow_cookie_is_refused() {
    let rig = rig().await;
    let attacker = browser();
    let started = rig.start(&attacker).await.unwrap();
    let callback = rig.authorize(&started).await;
    let victim = browser();
    assert_refused(&rig.callback(&victim, &callback).await, 400, FAILED);
    assert!(rig.op.token_requests().is_empty());
}

/// A completed login's callback URL, replayed with its flow cookie from another browser: the
/// flow is single use.
#[tokio::test]
async fn callback_replayed_with_its_flow_cookie_is_refused() {
    let rig = rig().await;
    let victim = browser();
    let started = rig.start(&victim).await.unwrap();
    let callback = rig.authorize(&started).await;
    assert_logged_in(&rig.callback(&victim, &callback).await);

    let attacker = browser();
    let before = rig.sessions().await;
    let response = attacker
        .get(&callback)
        .header("accept", "text/html")
        .header("cookie", format!("{FLOW_COOKIE}={}", started.flow_cookie))
        .send()
        .await
        .unwrap();
    let replay = rig.outcome(&attacker, response, before).await;
    assert_refused(&replay, 400, FAILED);
}

#[tokio::test]
async fn state_missing_is_refused() {
    let rig = rig().await;
    rig.op.configure(|b| b.state_param = StateParam::Missing);
    assert_refused(&rig.login().await, 400, FAILED);
}

#[tokio::test]
async fn state_mismatch_is_refused() {
    let rig = rig().await;
    rig.op
        .configure(|b| b.state_param = StateParam::Other("forged-state-value".into()));
    assert_refused(&rig.login().await, 400, FAILED);
    assert!(
        rig.op.token_requests().is_empty(),
        "the code is not even exchanged"
    );
}

/// A code already redeemed by one browser, brought to the app in another browser's flow. The
/// provider accepts the reuse and skips PKCE, so only the RP's own checks stand in the way
/// (its flow's nonce is not the token's).
#[tokio::test]
async fn code_reused_in_another_browsers_flow_is_refused() {
    let rig = rig().await;
    rig.op.configure(|b| {
        b.accept_code_reuse = true;
        b.enforce_pkce = false;
    });
    let victim = browser();
    let started = rig.start(&victim).await.unwrap();
    let callback = rig.authorize(&started).await;
    assert_logged_in(&rig.callback(&victim, &callback).await);
    let code = query_param(&callback, "code").unwrap();

    let attacker = browser();
    let own = rig.start(&attacker).await.unwrap();
    let mut forged = url::Url::parse(&rig.app.url(&format!("/auth/callback/{PROVIDER}"))).unwrap();
    forged
        .query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", &own.state)
        .append_pair("iss", &rig.op.issuer);
    assert_refused(&rig.callback(&attacker, forged.as_str()).await, 400, FAILED);
    let redeemed = rig
        .op
        .token_requests()
        .iter()
        .filter(|t| t.code == code && t.status == 200)
        .count();
    assert_eq!(redeemed, 2, "the provider did hand out tokens twice");
}

/// Authorization code injection: the provider answers a flow with the code of another
/// authorization (another browser's). The RP sends its own flow's PKCE verifier, which does not
/// match that code's challenge, so the provider refuses the exchange.
#[tokio::test]
async fn code_of_another_authorization_fails_pkce() {
    let rig = rig().await;
    let other = rig.start(&browser()).await.unwrap();
    rig.authorize(&other).await;
    rig.op.configure(|b| b.answer_with_previous_code = true);
    assert_refused(&rig.login().await, 400, FAILED);
    let tokens = rig.op.token_requests();
    assert_eq!(tokens.len(), 1);
    assert!(tokens[0].client_authenticated);
    assert!(!tokens[0].pkce_verified);
    assert_eq!(tokens[0].status, 400);
}

// ---------------------------------------------------------------------------------------------
// Userinfo, discovery, mix-up

/// Userinfo answers for another subject than the ID token's.
#[tokio::test]
async fn rp_userinfo_bad_sub_claim() {
    let rig = rig().await;
    rig.op
        .configure(|b| b.userinfo_sub = Some("someone-else".into()));
    assert_refused(&rig.login().await, 400, FAILED);
}

/// Userinfo as a signed JWT without `iss` and `aud` (allowed by OpenID Connect Core 5.3.2):
/// accepted on its signature and `sub` (issue #10; refused before: the issuer check failed).
#[tokio::test]
async fn signed_userinfo_without_iss_and_aud_is_accepted() {
    let rig = rig().await;
    rig.op.configure(|b| b.signed_userinfo = true);
    assert_logged_in(&rig.login().await);
}

/// A signed userinfo for another subject, or with a broken signature, is still refused.
#[tokio::test]
async fn signed_userinfo_for_another_subject_or_badly_signed_is_refused() {
    let other = rig().await;
    other.op.configure(|b| {
        b.signed_userinfo = true;
        b.userinfo_sub = Some("someone-else".into());
    });
    assert_refused(&other.login().await, 400, FAILED);
    let broken = rig().await;
    broken.op.configure(|b| {
        b.signed_userinfo = true;
        b.corrupt_userinfo_signature = true;
    });
    assert_refused(&broken.login().await, 400, FAILED);
}

/// RP-Initiated Logout (issue #10): logging out ends vejviser's session and sends the browser on
/// to the provider's `end_session_endpoint` with the login's ID token as `id_token_hint`, our
/// `client_id`, and `/auth/logged-out` to come back to. Fails on the code before: the logout
/// went straight to `/auth/logged-out` and the provider's session lived on.
#[tokio::test]
async fn logout_ends_the_session_at_the_provider_too() {
    let rig = rig().await;
    assert_logged_in(&rig.login().await);
    let out = rig
        .app
        .client
        .post(rig.app.url("/auth/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    let location = out.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with(&format!("{}/session/end?", rig.op.issuer)),
        "{location}"
    );
    let hint = query_param(&location, "id_token_hint").unwrap();
    let payload: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(hint.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        payload["aud"], CLIENT_ID,
        "the login's own ID token: {payload}"
    );
    assert_eq!(payload["iss"], rig.op.issuer.as_str());
    assert_eq!(
        query_param(&location, "client_id").as_deref(),
        Some(CLIENT_ID)
    );
    assert_eq!(
        query_param(&location, "post_logout_redirect_uri"),
        Some(format!("{}/auth/logged-out", rig.app.address))
    );
    let me = rig.app.get("/api/v1/me").await;
    assert_eq!(me.status(), 401, "vejviser's session is gone");
}

/// Discovery names another issuer than the configured one: refused before the browser leaves.
#[tokio::test]
async fn rp_discovery_issuer_not_matching_config() {
    let rig = rig().await;
    rig.op
        .configure(|b| b.discovery_issuer = Some("https://idp.attacker.example".into()));
    assert_refused(&rig.login().await, 502, FAILED);
    assert!(rig.op.authorizations().is_empty());
}

/// RFC 9207: the authorization response names another issuer (mix-up attack).
#[tokio::test]
async fn iss_response_parameter_naming_another_issuer_is_refused() {
    let rig = rig().await;
    rig.op
        .configure(|b| b.iss_param = IssParam::Other("https://idp.attacker.example".into()));
    assert_refused(&rig.login().await, 400, FAILED);
    assert!(rig.op.token_requests().is_empty());
}

/// A provider that does not advertise RFC 9207 support and sends no `iss` still logs in.
#[tokio::test]
async fn iss_response_parameter_absent_from_a_provider_without_rfc9207_logs_in() {
    let rig = rig().await;
    rig.op.configure(|b| {
        b.advertise_iss_parameter = false;
        b.iss_param = IssParam::Missing;
    });
    assert_logged_in(&rig.login().await);
}

/// RFC 9207 section 2.4: a client must reject a response without `iss` from a provider whose
/// metadata says `authorization_response_iss_parameter_supported: true` (a mix-up attacker
/// would simply drop the parameter).
#[tokio::test]
async fn iss_response_parameter_absent_from_a_provider_that_advertises_it_is_refused() {
    let rig = rig().await;
    rig.op.configure(|b| {
        b.advertise_iss_parameter = true;
        b.iss_param = IssParam::Missing;
    });
    assert_refused(&rig.login().await, 400, FAILED);
    assert!(rig.op.token_requests().is_empty());
}

/// The response of this provider's authorization arrives at another provider's redirect URI
/// (mix-up): the flow belongs to `testop`, so `citizen` refuses it.
#[tokio::test]
async fn callback_at_another_providers_redirect_uri_is_refused() {
    let rig = rig().await;
    let victim = browser();
    let started = rig.start(&victim).await.unwrap();
    let callback = rig.authorize(&started).await;
    let elsewhere = callback.replace(
        &format!("/auth/callback/{PROVIDER}?"),
        "/auth/callback/citizen?",
    );
    assert_refused(&rig.callback(&victim, &elsewhere).await, 400, FAILED);
    assert!(rig.op.token_requests().is_empty());
    // The flow was used up by the refusal: the right callback cannot follow.
    assert_refused(&rig.callback(&victim, &callback).await, 400, FAILED);
}

/// The provider says no (`error=access_denied`).
#[tokio::test]
async fn provider_error_response_is_refused() {
    let rig = rig().await;
    rig.op
        .configure(|b| b.error_response = Some("access_denied".into()));
    assert_refused(&rig.login().await, 400, FAILED);
    assert!(rig.op.token_requests().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Assurance and CPR

#[tokio::test]
async fn assurance_too_low_is_refused_with_403() {
    let rig = rig().await;
    rig.op
        .configure(|b| _ = b.claim("acr", json!("urn:grn:authn:dk:mitid:low")));
    assert_refused(&rig.login().await, 403, TOO_LOW);
}

#[tokio::test]
async fn unknown_assurance_value_is_refused_with_403() {
    let rig = rig().await;
    rig.op
        .configure(|b| _ = b.claim("acr", json!("urn:example:loa:whatever")));
    assert_refused(&rig.login().await, 403, TOO_LOW);
}

#[tokio::test]
async fn citizen_without_cpr_claim_is_refused() {
    let rig = rig().await;
    rig.op.configure(|b| _ = b.claim(CPR_CLAIM, Value::Null));
    assert_refused(&rig.login().await, 400, FAILED);
}

#[tokio::test]
async fn citizen_with_malformed_cpr_claim_is_refused() {
    let rig = rig().await;
    rig.op
        .configure(|b| _ = b.claim(CPR_CLAIM, json!("3213089999")));
    let outcome = rig.login().await;
    assert_refused(&outcome, 400, FAILED);
    assert!(!outcome.body.contains("3213089999"));
}

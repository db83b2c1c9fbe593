//! Logout started at the provider (issue #10, OpenID Connect Back-Channel Logout 1.0): a signed
//! logout token posted to `/auth/backchannel-logout/<provider>` ends the vejviser sessions it
//! names, once, with a logout row in the access log; a token that breaks a rule ends nothing.
//! First against the suite's own test OP (which signs whatever the test asks), then end to end
//! against `oidc-provider`, whose logout page posts the token itself. Each fails on the code
//! before: there was no such route, and a session outlived the provider's.

use crate::browser::{follow, log_in, me};
use crate::helpers::{Backend, TestApp, audit_rows_of, on_both_databases};
use crate::login_conformance::{PROVIDER, Rig, assert_logged_in, browser, rig_on, unix_now};
use crate::login_oidc_provider::{issuer, spawn};
use crate::support::test_op::{Alg, Behaviour, CLIENT_ID, SUBJECT};
use serde_json::{Map, Value, json};

on_both_databases!(
    a_logout_token_ends_the_sessions_it_names_once,
    logging_out_at_the_provider_ends_the_vejviser_session,
);

/// One change to a logout token's claims.
type ClaimChange = Box<dyn Fn(&mut Map<String, Value>)>;
/// One change to how the test OP signs.
type SigningChange = Box<dyn Fn(&mut Behaviour)>;

const EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";

fn logout_claims(rig: &Rig, jti: &str) -> Map<String, Value> {
    let now = unix_now();
    json!({
        "iss": rig.op.issuer, "aud": CLIENT_ID, "iat": now, "exp": now + 120, "jti": jti,
        "events": { EVENT: {} },
    })
    .as_object()
    .unwrap()
    .clone()
}

/// Posts `body` as the provider would; status and JSON answer.
async fn post_logout(
    app: &TestApp,
    provider: &str,
    content_type: &str,
    body: String,
) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(app.url(&format!("/auth/backchannel-logout/{provider}")))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    if status == 200 {
        assert_eq!(response.headers()["cache-control"], "no-store");
    }
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn post_token(rig: &Rig, claims: &Map<String, Value>) -> (u16, Value) {
    let token = rig.op.sign_claims(&Value::Object(claims.clone()));
    let body = format!("logout_token={token}");
    post_logout(
        &rig.app,
        PROVIDER,
        "application/x-www-form-urlencoded",
        body,
    )
    .await
}

/// A browser of its own logged in with the provider session `sid`.
async fn logged_in_with_sid(rig: &Rig, sid: &str) -> reqwest::Client {
    rig.op.configure(|b| {
        b.claim("sid", json!(sid));
    });
    let browser = browser();
    assert_logged_in(&rig.login_in(&browser).await);
    browser
}

async fn me_status(rig: &Rig, browser: &reqwest::Client) -> u16 {
    browser
        .get(rig.app.url("/api/v1/me"))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn a_logout_token_ends_the_sessions_it_names_once(backend: Backend) {
    let rig = rig_on(backend).await;
    let phone = logged_in_with_sid(&rig, "op-session-phone").await;
    let laptop = logged_in_with_sid(&rig, "op-session-laptop").await;

    // By provider session: the phone's session ends, the laptop's lives on.
    let mut by_sid = logout_claims(&rig, "jti-1");
    by_sid.insert("sid".into(), json!("op-session-phone"));
    by_sid.insert("sub".into(), json!(SUBJECT));
    assert_eq!(post_token(&rig, &by_sid).await.0, 200);
    assert_eq!(
        me_status(&rig, &phone).await,
        401,
        "the phone is logged out"
    );
    assert_eq!(me_status(&rig, &laptop).await, 200, "the laptop is not");
    assert_eq!(
        audit_rows_of(&rig.app, "logout").await,
        1,
        "the logout is in the access log"
    );

    // The same token again is a replay: refused, and it ends nothing more.
    let (status, body) = post_token(&rig, &by_sid).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "invalid_request");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("replay"),
        "{body}"
    );

    // A valid token whose session is gone ends nothing and is still a success.
    let mut gone = logout_claims(&rig, "jti-2");
    gone.insert("sid".into(), json!("op-session-phone"));
    assert_eq!(post_token(&rig, &gone).await.0, 200);
    assert_eq!(me_status(&rig, &laptop).await, 200);
    assert_eq!(audit_rows_of(&rig.app, "logout").await, 1);

    // By subject: every session of that account from this provider ends.
    let _tablet = logged_in_with_sid(&rig, "op-session-tablet").await;
    assert_eq!(rig.sessions().await, 2);
    let mut by_sub = logout_claims(&rig, "jti-3");
    by_sub.insert("sub".into(), json!(SUBJECT));
    assert_eq!(post_token(&rig, &by_sub).await.0, 200);
    assert_eq!(me_status(&rig, &laptop).await, 401);
    assert_eq!(rig.sessions().await, 0);
    assert_eq!(
        audit_rows_of(&rig.app, "logout").await,
        2,
        "one row per account and token"
    );
}

/// Every rule of §2.6 on its own: the token is refused with 400 and the session lives on.
#[tokio::test]
async fn logout_tokens_that_break_a_rule_end_nothing() {
    let rig = rig_on(Backend::Sqlite).await;
    let phone = logged_in_with_sid(&rig, "op-session-phone").await;
    let now = unix_now();
    let valid = |jti: &str| {
        let mut claims = logout_claims(&rig, jti);
        claims.insert("sid".into(), json!("op-session-phone"));
        claims
    };
    let broken: Vec<(&str, ClaimChange)> = vec![
        (
            "iss",
            Box::new(|c| {
                c.insert("iss".into(), json!("https://evil.example"));
            }),
        ),
        (
            "aud",
            Box::new(|c| {
                c.insert("aud".into(), json!("another-client"));
            }),
        ),
        (
            "iat",
            Box::new(move |c| {
                c.insert("iat".into(), json!(now - 3600));
            }),
        ),
        (
            "iat",
            Box::new(move |c| {
                c.insert("iat".into(), json!(now + 3600));
            }),
        ),
        (
            "exp",
            Box::new(move |c| {
                c.insert("exp".into(), json!(now - 600));
            }),
        ),
        (
            "jti",
            Box::new(|c| {
                c.remove("jti");
            }),
        ),
        (
            "events",
            Box::new(|c| {
                c.remove("events");
            }),
        ),
        (
            "nonce",
            Box::new(|c| {
                c.insert("nonce".into(), json!("an ID token's"));
            }),
        ),
        (
            "neither sub nor sid",
            Box::new(|c| {
                c.remove("sid");
            }),
        ),
    ];
    for (n, (rule, change)) in broken.into_iter().enumerate() {
        let mut claims = valid(&format!("broken-{n}"));
        change(&mut claims);
        let (status, body) = post_token(&rig, &claims).await;
        assert_eq!(status, 400, "{rule}: {body}");
        assert_eq!(body["error"], "invalid_request", "{rule}");
        assert!(
            body["error_description"].as_str().unwrap().contains(rule),
            "{rule}: {body}"
        );
        assert_eq!(me_status(&rig, &phone).await, 200, "{rule}");
    }

    // Signatures: a broken one, `none`, and a symmetric key made of the public one.
    let signings: Vec<(&str, SigningChange)> = vec![
        ("corrupt", Box::new(|b| b.corrupt_signature = true)),
        ("none", Box::new(|b| b.alg = Alg::None)),
        ("hs256", Box::new(|b| b.alg = Alg::Hs256WithRsaPublicKey)),
    ];
    for (what, change) in signings {
        rig.op.configure(|b| change(b));
        let (status, body) = post_token(&rig, &valid(&format!("sig-{what}"))).await;
        rig.op.configure(|b| *b = Behaviour::default());
        assert_eq!(status, 400, "{what}: {body}");
        assert!(
            body["error_description"]
                .as_str()
                .unwrap()
                .contains("signature"),
            "{what}: {body}"
        );
    }

    // A subject other than the session's: the provider session is someone else's, nothing ends.
    let mut other = valid("other-subject");
    other.insert("sub".into(), json!("another-person"));
    assert_eq!(post_token(&rig, &other).await.0, 200);
    assert_eq!(me_status(&rig, &phone).await, 200);

    // The request itself.
    let token = rig.op.sign_claims(&Value::Object(valid("request")));
    let form = "application/x-www-form-urlencoded";
    let requests = [
        (
            "application/json",
            format!("{{\"logout_token\":\"{token}\"}}"),
            400,
        ),
        (form, String::new(), 400),
        (form, "logout_token=".into(), 400),
        (
            form,
            format!("logout_token={token}&logout_token={token}"),
            400,
        ),
        (form, format!("logout_token={}", "a".repeat(20_000)), 413),
    ];
    for (content_type, body, expected) in requests {
        let (status, answer) = post_logout(&rig.app, PROVIDER, content_type, body).await;
        assert_eq!(status, expected, "{content_type}: {answer}");
    }
    let (status, _) = post_logout(&rig.app, "nosuch", form, format!("logout_token={token}")).await;
    assert_eq!(status, 404);
    assert_eq!(
        me_status(&rig, &phone).await,
        200,
        "nothing above ended the session"
    );
    // The untouched token still works: none of the refusals used it up.
    assert_eq!(
        post_logout(&rig.app, PROVIDER, form, format!("logout_token={token}"))
            .await
            .0,
        200
    );
    assert_eq!(me_status(&rig, &phone).await, 401);
}

/// The provider's logout page, confirmed as a person would: its form's `xsrf`, then "yes".
async fn confirm_logout_at_the_provider(
    app: &TestApp,
    page: reqwest::Response,
) -> reqwest::Response {
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Log ud af Test-OP?"), "{html}");
    let xsrf = html
        .split("name=\"xsrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the logout form carries its xsrf")
        .to_owned();
    app.client
        .post(format!("{}/session/end/confirm", issuer()))
        .form(&[("xsrf", xsrf.as_str()), ("logout", "yes")])
        .send()
        .await
        .unwrap()
}

/// Logging out at `oidc-provider` itself (not through vejviser): it posts a logout token to the
/// registered back-channel URI, and the vejviser session is gone on the next request.
async fn logging_out_at_the_provider_ends_the_vejviser_session(backend: Backend) {
    let app = spawn(backend).await;
    assert_eq!(log_in(&app, "mitid", "citizen").await.status(), 200);
    assert_eq!(me(&app).await.0, 200);
    let page = app
        .client
        .get(format!("{}/session/end", issuer()))
        .send()
        .await
        .unwrap();
    let done = confirm_logout_at_the_provider(&app, page).await;
    assert!(done.status().is_redirection(), "{}", done.status());
    assert_eq!(
        me(&app).await.0,
        401,
        "the provider's logout ended vejviser's session"
    );
    assert_eq!(audit_rows_of(&app, "logout").await, 1);
}

/// Logging out of vejviser goes on to the provider's logout (RP-initiated) and back to
/// `/auth/logged-out`; the next login at the provider asks who you are again.
#[tokio::test]
async fn logging_out_of_vejviser_ends_the_provider_session_too() {
    let app = spawn(Backend::Sqlite).await;
    assert_eq!(log_in(&app, "mitid", "citizen").await.status(), 200);
    let out = app
        .client
        .post(app.url("/auth/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    let at_provider = out.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        at_provider.starts_with(&format!("{}/session/end?", issuer())),
        "{at_provider}"
    );
    let page = app.client.get(&at_provider).send().await.unwrap();
    let done = confirm_logout_at_the_provider(&app, page).await;
    assert_eq!(done.status(), 303);
    let back = done.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(back, app.url("/auth/logged-out"));
    assert_eq!(follow(&app, &back).await.status(), 200);
    assert_eq!(me(&app).await.0, 401);

    // No login hint: a provider session still alive would log straight back in.
    let again = follow(&app, "/auth/login/mitid").await;
    let html = again.text().await.unwrap();
    assert!(
        html.contains("Test-OP login"),
        "the provider asks again: {html}"
    );
    assert_eq!(me(&app).await.0, 401);
}

//! A small OpenID provider inside the test process, whose behaviour each test sets.
//!
//! It serves discovery, JWKS, `/authorize`, `/token` (client_secret_basic, PKCE S256) and
//! `/userinfo` on 127.0.0.1, and signs its ID tokens itself: ES256 with a key it generates,
//! RS256 with the committed test-only key in `tests/fixtures/`, and, for the attack where a
//! public key doubles as an HMAC secret, HS256. JWTs are built by hand, so a test can make the
//! provider send exactly the malformed or malicious answer it wants, and then check that the
//! relying party refuses it.
//!
//! Well behaved by default ([`Behaviour::default`]); a test changes knobs with
//! [`TestOp::configure`]. The provider records what the relying party sent
//! ([`TestOp::authorizations`], [`TestOp::token_requests`]) so a test can check the RP's side too.

use actix_web::http::header;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::rand::SystemRandom;
use ring::signature::{
    ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair, RSA_PKCS1_SHA256, RsaKeyPair,
};
use ring::{digest, hmac};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

pub const CLIENT_ID: &str = "vejviser-test-client";
pub const CLIENT_SECRET: &str = "test-op-client-secret";
/// A valid CPR number (14 March 2008), sent in the `cprNumberIdentifier` claim.
pub const CPR: &str = "1403084123";
pub const CPR_CLAIM: &str = "cprNumberIdentifier";
pub const SUBJECT: &str = "test-op-subject-0001";
pub const NAME: &str = "Freja Testesen";
pub const ACR_SUBSTANTIAL: &str = "urn:grn:authn:dk:mitid:substantial";

/// The test-only RSA key (PKCS#8 PEM) for RS256.
const RSA_PEM: &str = include_str!("../../fixtures/test_op_rsa_2048.TEST-ONLY.pk8.pem");
const RSA_KID: &str = "rsa-1";
const DECOY_KID: &str = "es-decoy";
const UNPUBLISHED_KID: &str = "es-unpublished";

/// How the ID token is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alg {
    Es256,
    Rs256,
    /// HS256 with the RSA public key's bytes (DER) as the HMAC secret, `kid` of the RSA key.
    Hs256WithRsaPublicKey,
    /// `alg: none` and an empty signature.
    None,
}

/// The `kid` in the ID token's header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kid {
    /// The signing key's own `kid`.
    Own,
    Absent,
}

/// The `state` the authorization response carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateParam {
    Echo,
    Missing,
    Other(String),
}

/// The RFC 9207 `iss` the authorization response carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssParam {
    Own,
    Missing,
    Other(String),
}

/// The knobs. The default is a well-behaved provider.
#[derive(Debug, Clone)]
pub struct Behaviour {
    /// Discovery names this issuer instead of its own base URL.
    pub discovery_issuer: Option<String>,
    /// Discovery says `authorization_response_iss_parameter_supported: true` (RFC 9207).
    pub advertise_iss_parameter: bool,
    pub alg: Alg,
    pub kid: Kid,
    /// Flip a bit of the signature after signing.
    pub corrupt_signature: bool,
    /// Sign ES256 with a key that is never published (its `kid` is unknown to the JWKS).
    pub sign_with_unpublished_key: bool,
    /// Put the signing key itself into the header (`jwk`), as an attacker would.
    pub embed_jwk_header: bool,
    /// Publish a second ES256 key next to the signing one.
    pub publish_decoy_key: bool,
    /// Publish the RSA key (even when signing with EC).
    pub publish_rsa_key: bool,
    /// ID-token claims set on top of the defaults; `Value::Null` removes a claim.
    pub claims: Map<String, Value>,
    pub state_param: StateParam,
    pub iss_param: IssParam,
    /// Answer the authorization with this `error` (and no code).
    pub error_response: Option<String>,
    /// Check the PKCE verifier at the token endpoint.
    pub enforce_pkce: bool,
    /// Let a code be redeemed more than once.
    pub accept_code_reuse: bool,
    /// Answer the authorization with the code of the previous authorization, not a fresh one
    /// (authorization code injection).
    pub answer_with_previous_code: bool,
    /// Put the nonce of the previous authorization into the ID token (a replayed token).
    pub nonce_of_previous_authorization: bool,
    /// Userinfo answers with this `sub` instead of the ID token's.
    pub userinfo_sub: Option<String>,
    /// Userinfo answers as a signed JWT (`application/jwt`) without `iss` and `aud`, as the
    /// OpenID Connect spec allows.
    pub signed_userinfo: bool,
    /// Break the signed userinfo's signature (the ID token's stays good).
    pub corrupt_userinfo_signature: bool,
}

impl Default for Behaviour {
    fn default() -> Self {
        Self {
            discovery_issuer: None,
            advertise_iss_parameter: true,
            alg: Alg::Es256,
            kid: Kid::Own,
            corrupt_signature: false,
            sign_with_unpublished_key: false,
            embed_jwk_header: false,
            publish_decoy_key: false,
            publish_rsa_key: true,
            claims: Map::new(),
            state_param: StateParam::Echo,
            iss_param: IssParam::Own,
            error_response: None,
            enforce_pkce: true,
            accept_code_reuse: false,
            answer_with_previous_code: false,
            nonce_of_previous_authorization: false,
            userinfo_sub: None,
            signed_userinfo: false,
            corrupt_userinfo_signature: false,
        }
    }
}

impl Behaviour {
    /// Sets (or, with `Value::Null`, removes) an ID-token claim.
    pub fn claim(&mut self, name: &str, value: Value) -> &mut Self {
        self.claims.insert(name.to_owned(), value);
        self
    }
}

/// One authorization request as the provider received it.
#[derive(Debug, Clone)]
pub struct Authorization {
    pub code: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub scope: String,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: String,
    pub code_challenge_method: String,
    pub acr_values: Option<String>,
    /// How often the code was redeemed at the token endpoint.
    pub redemptions: u32,
}

/// One token request as the provider received it.
#[derive(Debug, Clone)]
pub struct TokenRequest {
    pub code: String,
    /// The client authenticated with client_secret_basic and the right secret.
    pub client_authenticated: bool,
    /// The PKCE verifier hashes (S256) to the challenge of the code's authorization.
    pub pkce_verified: bool,
    /// What the provider answered (200, 400, 401).
    pub status: u16,
}

struct EcKey {
    kid: String,
    pair: EcdsaKeyPair,
}

struct Keys {
    current_ec: EcKey,
    decoy_ec: EcKey,
    unpublished_ec: EcKey,
    rsa: RsaKeyPair,
    rotations: u32,
}

#[derive(Default)]
struct Records {
    authorizations: Vec<Authorization>,
    token_requests: Vec<TokenRequest>,
    access_tokens: HashMap<String, String>,
    jwks_fetches: u32,
    redirect_uri: Option<String>,
}

struct Inner {
    issuer: String,
    behaviour: Mutex<Behaviour>,
    keys: Mutex<Keys>,
    records: Mutex<Records>,
    rng: SystemRandom,
}

/// The running provider. Stops with the test's runtime.
pub struct TestOp {
    pub issuer: String,
    inner: Arc<Inner>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn now() -> i64 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_secs();
    i64::try_from(secs).expect("seconds fit in i64")
}

fn random_string(rng: &SystemRandom) -> String {
    let bytes: [u8; 24] = ring::rand::generate(rng).expect("random bytes").expose();
    URL_SAFE_NO_PAD.encode(bytes)
}

fn generate_ec(kid: &str, rng: &SystemRandom) -> EcKey {
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, rng)
        .expect("an EC key is generated");
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), rng)
        .expect("the generated EC key loads");
    EcKey {
        kid: kid.to_owned(),
        pair,
    }
}

fn load_rsa() -> RsaKeyPair {
    let body: String = RSA_PEM
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    let der = STANDARD.decode(body).expect("the RSA fixture is base64");
    RsaKeyPair::from_pkcs8(&der).expect("the RSA fixture is a PKCS#8 RSA key")
}

fn ec_jwk(key: &EcKey) -> Value {
    // Uncompressed point: 0x04 || x (32 bytes) || y (32 bytes).
    let point = key.pair.public_key().as_ref();
    json!({
        "kty": "EC",
        "crv": "P-256",
        "x": URL_SAFE_NO_PAD.encode(&point[1..33]),
        "y": URL_SAFE_NO_PAD.encode(&point[33..65]),
        "kid": key.kid,
        "use": "sig",
        "alg": "ES256",
    })
}

fn rsa_jwk(key: &RsaKeyPair) -> Value {
    let components: ring::rsa::PublicKeyComponents<Vec<u8>> = key.public().into();
    json!({
        "kty": "RSA",
        "n": URL_SAFE_NO_PAD.encode(&components.n),
        "e": URL_SAFE_NO_PAD.encode(&components.e),
        "kid": RSA_KID,
        "use": "sig",
        "alg": "RS256",
    })
}

fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA256, verifier.as_bytes()))
}

fn json_response(status: actix_web::http::StatusCode, body: &Value) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .content_type("application/json")
        .body(body.to_string())
}

fn oauth_error(status: u16, error: &str) -> HttpResponse {
    let status = actix_web::http::StatusCode::from_u16(status).expect("a valid status");
    json_response(status, &json!({ "error": error }))
}

/// A form-urlencoded component (client_secret_basic encodes id and secret so).
fn form_decode(component: &str) -> String {
    url::form_urlencoded::parse(component.as_bytes())
        .next()
        .map(|(key, _)| key.into_owned())
        .unwrap_or_default()
}

impl TestOp {
    /// Starts a well-behaved provider on 127.0.0.1 with a random port.
    pub async fn start() -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = listener.local_addr().expect("a local address").port();
        let issuer = format!("http://127.0.0.1:{port}");
        let rng = SystemRandom::new();
        let keys = Keys {
            current_ec: generate_ec("es-1", &rng),
            decoy_ec: generate_ec(DECOY_KID, &rng),
            unpublished_ec: generate_ec(UNPUBLISHED_KID, &rng),
            rsa: load_rsa(),
            rotations: 0,
        };
        let inner = Arc::new(Inner {
            issuer: issuer.clone(),
            behaviour: Mutex::new(Behaviour::default()),
            keys: Mutex::new(keys),
            records: Mutex::new(Records::default()),
            rng,
        });
        let data = web::Data::from(Arc::clone(&inner));
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route(
                    "/.well-known/openid-configuration",
                    web::get().to(discovery),
                )
                .route("/jwks", web::get().to(jwks))
                .route("/authorize", web::get().to(authorize))
                .route("/token", web::post().to(token))
                .route("/userinfo", web::get().to(userinfo))
        })
        .workers(1)
        .disable_signals()
        .shutdown_timeout(0)
        .listen(listener)
        .expect("the test OP listens")
        .run();
        tokio::spawn(server);
        Self { issuer, inner }
    }

    /// The only redirect URI `/authorize` accepts (the relying party's callback).
    pub fn register_redirect_uri(&self, uri: &str) {
        lock(&self.inner.records).redirect_uri = Some(uri.to_owned());
    }

    /// Changes the provider's behaviour from now on.
    pub fn configure(&self, change: impl FnOnce(&mut Behaviour)) {
        change(&mut lock(&self.inner.behaviour));
    }

    /// Replaces the current ES256 signing key by a new one with a new `kid`; the JWKS publishes
    /// only the new one from now on. Returns the new `kid`.
    pub fn rotate_signing_key(&self) -> String {
        let mut keys = lock(&self.inner.keys);
        keys.rotations += 1;
        let kid = format!("es-{}", keys.rotations + 1);
        keys.current_ec = generate_ec(&kid, &self.inner.rng);
        kid
    }

    pub fn authorizations(&self) -> Vec<Authorization> {
        lock(&self.inner.records).authorizations.clone()
    }

    pub fn token_requests(&self) -> Vec<TokenRequest> {
        lock(&self.inner.records).token_requests.clone()
    }

    /// How often the JWKS was fetched.
    pub fn jwks_fetches(&self) -> u32 {
        lock(&self.inner.records).jwks_fetches
    }

    /// `claims` signed as the provider signs its ID tokens now (the back-channel logout token).
    pub fn sign_claims(&self, claims: &Value) -> String {
        let behaviour = lock(&self.inner.behaviour).clone();
        self.inner.sign(&behaviour, claims)
    }
}

impl Inner {
    fn id_token(&self, nonce: Option<&str>) -> String {
        let behaviour = lock(&self.behaviour).clone();
        let issued = now();
        let mut claims = json!({
            "iss": self.issuer,
            "sub": SUBJECT,
            "aud": CLIENT_ID,
            "exp": issued + 300,
            "iat": issued,
            "acr": ACR_SUBSTANTIAL,
            "name": NAME,
            "birthdate": "2008-03-14",
        });
        let object = claims.as_object_mut().expect("an object");
        object.insert(CPR_CLAIM.into(), Value::String(CPR.to_owned()));
        if let Some(nonce) = nonce {
            object.insert("nonce".into(), Value::String(nonce.to_owned()));
        }
        for (name, value) in behaviour.claims.clone() {
            if value.is_null() {
                object.remove(&name);
            } else {
                object.insert(name, value);
            }
        }
        self.sign(&behaviour, &claims)
    }

    fn sign(&self, behaviour: &Behaviour, claims: &Value) -> String {
        let keys = lock(&self.keys);
        let ec = if behaviour.sign_with_unpublished_key {
            &keys.unpublished_ec
        } else {
            &keys.current_ec
        };
        let (alg, kid) = match behaviour.alg {
            Alg::Es256 => ("ES256", ec.kid.as_str()),
            Alg::Rs256 => ("RS256", RSA_KID),
            Alg::Hs256WithRsaPublicKey => ("HS256", RSA_KID),
            Alg::None => ("none", RSA_KID),
        };
        let mut header = json!({ "alg": alg, "typ": "JWT" });
        if behaviour.kid == Kid::Own {
            header["kid"] = Value::String(kid.to_owned());
        }
        if behaviour.embed_jwk_header {
            header["jwk"] = match behaviour.alg {
                Alg::Es256 => ec_jwk(ec),
                _ => rsa_jwk(&keys.rsa),
            };
        }
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let mut signature = match behaviour.alg {
            Alg::Es256 => ec
                .pair
                .sign(&self.rng, signing_input.as_bytes())
                .expect("ES256 signs")
                .as_ref()
                .to_vec(),
            Alg::Rs256 => {
                let mut signature = vec![0; keys.rsa.public().modulus_len()];
                keys.rsa
                    .sign(
                        &RSA_PKCS1_SHA256,
                        &self.rng,
                        signing_input.as_bytes(),
                        &mut signature,
                    )
                    .expect("RS256 signs");
                signature
            }
            Alg::Hs256WithRsaPublicKey => {
                let secret = hmac::Key::new(hmac::HMAC_SHA256, keys.rsa.public().as_ref());
                hmac::sign(&secret, signing_input.as_bytes())
                    .as_ref()
                    .to_vec()
            }
            Alg::None => Vec::new(),
        };
        if behaviour.corrupt_signature
            && let Some(last) = signature.last_mut()
        {
            *last ^= 0x01;
        }
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }
}

async fn discovery(op: web::Data<Inner>) -> HttpResponse {
    let issuer = &op.issuer;
    let behaviour = lock(&op.behaviour).clone();
    let claimed = behaviour.discovery_issuer.unwrap_or_else(|| issuer.clone());
    json_response(
        actix_web::http::StatusCode::OK,
        &json!({
            "issuer": claimed,
            "authorization_endpoint": format!("{issuer}/authorize"),
            "token_endpoint": format!("{issuer}/token"),
            "userinfo_endpoint": format!("{issuer}/userinfo"),
            // RP-Initiated Logout 1.0: where the relying party sends the browser at its logout.
            "end_session_endpoint": format!("{issuer}/session/end"),
            "jwks_uri": format!("{issuer}/jwks"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["ES256", "RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "profile", "email"],
            "claims_supported": ["sub", "name", "birthdate", "acr", CPR_CLAIM],
            "authorization_response_iss_parameter_supported": behaviour.advertise_iss_parameter,
        }),
    )
}

async fn jwks(op: web::Data<Inner>) -> HttpResponse {
    let behaviour = lock(&op.behaviour).clone();
    lock(&op.records).jwks_fetches += 1;
    let keys = lock(&op.keys);
    let mut published = vec![ec_jwk(&keys.current_ec)];
    if behaviour.publish_decoy_key {
        published.push(ec_jwk(&keys.decoy_ec));
    }
    if behaviour.publish_rsa_key {
        published.push(rsa_jwk(&keys.rsa));
    }
    json_response(
        actix_web::http::StatusCode::OK,
        &json!({ "keys": published }),
    )
}

async fn authorize(
    op: web::Data<Inner>,
    query: web::Query<HashMap<String, String>>,
) -> HttpResponse {
    let behaviour = lock(&op.behaviour).clone();
    let param = |name: &str| query.get(name).cloned();
    let mut records = lock(&op.records);
    let registered = records.redirect_uri.clone();
    let redirect_uri = param("redirect_uri").unwrap_or_default();
    // An invalid request never redirects (the redirect URI may be the attacker's).
    let problem = if param("response_type").as_deref() != Some("code") {
        Some("response_type must be code")
    } else if param("client_id").as_deref() != Some(CLIENT_ID) {
        Some("unknown client_id")
    } else if registered.as_deref() != Some(redirect_uri.as_str()) {
        Some("redirect_uri is not registered")
    } else if !param("scope").is_some_and(|s| s.split(' ').any(|s| s == "openid")) {
        Some("scope must include openid")
    } else if param("code_challenge").is_none_or(|c| c.len() < 43) {
        Some("PKCE code_challenge is missing")
    } else if param("code_challenge_method").as_deref() != Some("S256") {
        Some("PKCE code_challenge_method must be S256")
    } else {
        None
    };
    if let Some(problem) = problem {
        return HttpResponse::BadRequest()
            .content_type("text/plain")
            .body(format!("invalid_request: {problem}"));
    }
    let code = random_string(&op.rng);
    let answered_code = match records.authorizations.last() {
        Some(previous) if behaviour.answer_with_previous_code => previous.code.clone(),
        _ => code.clone(),
    };
    let state = param("state");
    records.authorizations.push(Authorization {
        code,
        client_id: param("client_id").unwrap_or_default(),
        redirect_uri: redirect_uri.clone(),
        scope: param("scope").unwrap_or_default(),
        state: state.clone(),
        nonce: param("nonce"),
        code_challenge: param("code_challenge").unwrap_or_default(),
        code_challenge_method: param("code_challenge_method").unwrap_or_default(),
        acr_values: param("acr_values"),
        redemptions: 0,
    });
    let mut location = url::Url::parse(&redirect_uri).expect("the registered URI is a URL");
    {
        let mut pairs = location.query_pairs_mut();
        match &behaviour.error_response {
            Some(error) => pairs.append_pair("error", error),
            None => pairs.append_pair("code", &answered_code),
        };
        match (&behaviour.state_param, &state) {
            (StateParam::Echo, Some(state)) => {
                pairs.append_pair("state", state);
            }
            (StateParam::Other(other), _) => {
                pairs.append_pair("state", other);
            }
            (StateParam::Echo | StateParam::Missing, _) => {}
        }
        match &behaviour.iss_param {
            IssParam::Own => {
                pairs.append_pair("iss", &op.issuer);
            }
            IssParam::Other(other) => {
                pairs.append_pair("iss", other);
            }
            IssParam::Missing => {}
        }
    }
    HttpResponse::Found()
        .insert_header((header::LOCATION, location.to_string()))
        .finish()
}

async fn token(
    op: web::Data<Inner>,
    req: HttpRequest,
    form: web::Form<HashMap<String, String>>,
) -> HttpResponse {
    let behaviour = lock(&op.behaviour).clone();
    let param = |name: &str| form.get(name).cloned().unwrap_or_default();
    let code = param("code");
    let client_authenticated = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b64| STANDARD.decode(b64).ok())
        .and_then(|raw| String::from_utf8(raw).ok())
        .and_then(|pair| {
            pair.split_once(':')
                .map(|(id, secret)| (form_decode(id), form_decode(secret)))
        })
        .is_some_and(|(id, secret)| id == CLIENT_ID && secret == CLIENT_SECRET);

    let mut records = lock(&op.records);
    let found = records
        .authorizations
        .iter()
        .position(|a| a.code == code && !code.is_empty());
    let previous_nonce = found
        .and_then(|i| i.checked_sub(1))
        .and_then(|i| records.authorizations[i].nonce.clone());
    let pkce_verified = found.is_some_and(|i| {
        let a = &records.authorizations[i];
        a.code_challenge_method == "S256" && s256(&param("code_verifier")) == a.code_challenge
    });
    let status = if !client_authenticated {
        401
    } else if param("grant_type") != "authorization_code" {
        400
    } else {
        match found.map(|i| &records.authorizations[i]) {
            None => 400,
            Some(a) if a.redemptions > 0 && !behaviour.accept_code_reuse => 400,
            Some(a) if a.redirect_uri != param("redirect_uri") => 400,
            Some(_) if behaviour.enforce_pkce && !pkce_verified => 400,
            Some(_) => 200,
        }
    };
    records.token_requests.push(TokenRequest {
        code: code.clone(),
        client_authenticated,
        pkce_verified,
        status,
    });
    match status {
        401 => return oauth_error(401, "invalid_client"),
        400 => return oauth_error(400, "invalid_grant"),
        _ => {}
    }
    let index = found.expect("status 200 means the code was found");
    records.authorizations[index].redemptions += 1;
    let nonce = if behaviour.nonce_of_previous_authorization {
        previous_nonce
    } else {
        records.authorizations[index].nonce.clone()
    };
    let access_token = random_string(&op.rng);
    records
        .access_tokens
        .insert(access_token.clone(), SUBJECT.to_owned());
    drop(records);
    let id_token = op.id_token(nonce.as_deref());
    json_response(
        actix_web::http::StatusCode::OK,
        &json!({
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token,
        }),
    )
}

async fn userinfo(op: web::Data<Inner>, req: HttpRequest) -> HttpResponse {
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let Some(subject) = lock(&op.records).access_tokens.get(token).cloned() else {
        return oauth_error(401, "invalid_token");
    };
    let behaviour = lock(&op.behaviour).clone();
    let sub = behaviour.userinfo_sub.clone().unwrap_or(subject);
    let claims = json!({ "sub": sub, "name": NAME, "birthdate": "2008-03-14" });
    if behaviour.signed_userinfo {
        let signing = Behaviour {
            corrupt_signature: behaviour.corrupt_userinfo_signature,
            ..behaviour
        };
        return HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .content_type("application/jwt")
            .body(op.sign(&signing, &claims));
    }
    json_response(actix_web::http::StatusCode::OK, &claims)
}

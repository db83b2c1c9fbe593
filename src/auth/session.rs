//! Sessions (DESIGN.md §5): a random 256-bit id in an `HttpOnly`, `SameSite=Lax` cookie (`Secure`
//! and `__Host-` prefixed outside plain-http development), stored only as its SHA-256, a new id
//! at every login, idle and absolute time-outs, logout server-side.

use super::password_login::{ENROLMENT_PROVIDER, PASSWORD_PROVIDER};
use super::tokens::{random_token, token_hash};
use crate::config::oidc::AssuranceLevel;
use crate::http::problem::Problem;
use crate::http::state::AppState;
use crate::store::StoreError;
use crate::store::accounts::{self, Account};
use crate::store::sessions::{self, SessionRow};
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use time::{Duration, OffsetDateTime};

/// `last_seen_at` is written at most this often (not on every request).
const TOUCH_EVERY: Duration = Duration::seconds(60);

pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-vejviser_session"
    } else {
        "vejviser_session"
    }
}

/// Starts a session for `account`, ending the one the browser had (a new id at every login, so a
/// planted id is worthless). Returns the cookie to set.
pub async fn start(
    state: &AppState,
    req: &HttpRequest,
    account: &Account,
    provider: &str,
    level: AssuranceLevel,
) -> Result<Cookie<'static>, StoreError> {
    let settings = &state.settings.session;
    if let Some(old) = req.cookie(cookie_name(settings.secure_cookies)) {
        sessions::delete(&state.db, &token_hash(old.value())).await?;
    }
    let now = state.clock.now();
    let token = random_token();
    let row = SessionRow {
        account_id: account.id,
        provider: provider.to_owned(),
        assurance_level: level,
        csrf_token: random_token(),
        created_at: now,
        last_seen_at: now,
        absolute_expires_at: now + Duration::hours(i64::from(settings.absolute_timeout_hours)),
    };
    sessions::insert(&state.db, &token_hash(&token), &row).await?;
    Ok(session_cookie(settings.secure_cookies, token))
}

fn session_cookie(secure: bool, value: String) -> Cookie<'static> {
    Cookie::build(cookie_name(secure), value)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .finish()
}

/// A cookie that removes the session cookie.
pub fn removal_cookie(secure: bool) -> Cookie<'static> {
    let mut cookie = session_cookie(secure, String::new());
    cookie.make_removal();
    cookie
}

/// The logged-in account of this request; 401 problem+json without a live session.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub account: Account,
    pub session: SessionRow,
    id_hash: String,
}

impl Authenticated {
    /// Ends this session server-side.
    pub async fn end(&self, state: &AppState) -> Result<(), StoreError> {
        sessions::delete(&state.db, &self.id_hash).await
    }
}

fn unauthenticated() -> Problem {
    Problem::new(
        actix_web::http::StatusCode::UNAUTHORIZED,
        "unauthenticated",
        "Not logged in",
        "Log in first: there is no session, or it has expired.",
    )
}

impl FromRequest for Authenticated {
    type Error = Problem;
    type Future = LocalBoxFuture<'static, Result<Self, Problem>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let loading = load(req);
        Box::pin(async move {
            let who = loading.await?;
            // Half a login (a password before its authenticator is enrolled) opens nothing else.
            if who.session.provider == ENROLMENT_PROVIDER {
                return Err(unauthenticated());
            }
            Ok(who)
        })
    }
}

/// A staff member logged in with a password, who may be in the middle of enrolling an
/// authenticator app: the only extractor that accepts such a session.
#[derive(Debug, Clone)]
pub struct PasswordStaff(pub Authenticated);

impl FromRequest for PasswordStaff {
    type Error = Problem;
    type Future = LocalBoxFuture<'static, Result<Self, Problem>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let loading = load(req);
        Box::pin(async move {
            let who = loading.await?;
            match who.session.provider.as_str() {
                ENROLMENT_PROVIDER | PASSWORD_PROVIDER => Ok(PasswordStaff(who)),
                _ => Err(unauthenticated()),
            }
        })
    }
}

/// The live session of the request's cookie, and its active account.
fn load(
    req: &HttpRequest,
) -> impl std::future::Future<Output = Result<Authenticated, Problem>> + 'static {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let cookie = state
        .as_ref()
        .and_then(|s| req.cookie(cookie_name(s.settings.session.secure_cookies)));
    async move {
        let (Some(state), Some(cookie)) = (state, cookie) else {
            return Err(unauthenticated());
        };
        let id_hash = token_hash(cookie.value());
        let session = sessions::find(&state.db, &id_hash)
            .await?
            .ok_or_else(unauthenticated)?;
        let now = state.clock.now();
        if !is_live(&session, now, state.settings.session.idle_timeout_minutes) {
            sessions::delete(&state.db, &id_hash).await?;
            return Err(unauthenticated());
        }
        let account = accounts::find(&state.db, session.account_id).await?;
        if !account.is_active {
            sessions::delete(&state.db, &id_hash).await?;
            return Err(unauthenticated());
        }
        if now - session.last_seen_at > TOUCH_EVERY {
            sessions::touch(&state.db, &id_hash, now).await?;
        }
        Ok(Authenticated {
            account,
            session,
            id_hash,
        })
    }
}

/// Within the absolute lifetime and not idle longer than allowed.
pub fn is_live(session: &SessionRow, now: OffsetDateTime, idle_minutes: u32) -> bool {
    now < session.absolute_expires_at
        && now - session.last_seen_at < Duration::minutes(i64::from(idle_minutes))
}

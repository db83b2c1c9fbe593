//! The staff fallback login pages and API: `GET|POST /auth/password` and the authenticator
//! enrolment `GET|POST /auth/totp`. Browsers post forms and get pages; scripts post JSON and get
//! JSON or problem+json.

use super::extractors::{PasswordStaff, start_session};
use super::pages::layout::{Chrome, render};
use super::pages::notice::refusal_leading_to;
use super::problem::Problem;
use crate::app::App;
use crate::auth::password_login::{
    self, ENROLMENT_PROVIDER, Outcome, PASSWORD_PROVIDER, PasswordLoginError,
};
use crate::auth::session::ProviderSession;
use crate::auth::tokens::same_secret;
use crate::auth::totp;
use crate::domain::assurance_level::AssuranceLevel;
use crate::error::{Answer, ErrorKind, UserError, chain};
use crate::store::accounts;
use actix_web::http::StatusCode;
use actix_web::http::header::{ACCEPT, LOCATION};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    email: String,
    password: String,
    totp: Option<String>,
    /// The municipality code, needed only when the e-mail is staff in several municipalities.
    municipality: Option<String>,
}

#[derive(Template)]
#[template(path = "password_login.html")]
struct LoginPage {
    chrome: Chrome,
    failed: bool,
}
super::pages::layout::with_chrome!(LoginPage);

pub async fn page(req: HttpRequest) -> HttpResponse {
    let chrome = Chrome::for_request(&req);
    render(
        StatusCode::OK,
        &LoginPage {
            chrome,
            failed: false,
        },
    )
}

fn refused_problem() -> Problem {
    Problem::new(
        StatusCode::UNAUTHORIZED,
        "login-refused",
        "Login refused",
        "The e-mail, password or code is wrong, or the account is locked for a while after too many attempts.",
    )
}

pub async fn submit(
    req: HttpRequest,
    state: web::Data<App>,
    body: web::Either<web::Json<PasswordForm>, web::Form<PasswordForm>>,
) -> Result<HttpResponse, Problem> {
    let (form, is_browser) = match body {
        web::Either::Left(json) => (json.into_inner(), false),
        web::Either::Right(form) => (form.into_inner(), true),
    };
    let outcome = password_login::log_in(
        &state,
        &form.email,
        &form.password,
        form.totp.as_deref(),
        form.municipality.as_deref().filter(|m| !m.is_empty()),
    )
    .await;
    if let Err(PasswordLoginError::Refused(why)) = &outcome {
        password_login::record_refusal(&state, *why).await;
    }
    let (account_id, provider, next) = match outcome {
        Ok(Outcome::LoggedIn(id)) => (id, PASSWORD_PROVIDER, "/"),
        Ok(Outcome::MustEnrolTotp(id)) => (id, ENROLMENT_PROVIDER, "/auth/totp"),
        Err(PasswordLoginError::Refused(_)) if is_browser => {
            let chrome = Chrome::for_request(&req);
            return Ok(render(
                StatusCode::UNAUTHORIZED,
                &LoginPage {
                    chrome,
                    failed: true,
                },
            ));
        }
        Err(PasswordLoginError::Refused(_)) => return Err(refused_problem()),
        Err(PasswordLoginError::Store(e)) => return Err(e.into()),
        Err(err @ PasswordLoginError::Internal(_)) => {
            tracing::error!(error = %chain(&err), "password login failed");
            return Err(Problem::internal());
        }
    };
    let account = accounts::find(&state.db, account_id).await?;
    let cookie = start_session(
        &state,
        &req,
        &account,
        provider,
        AssuranceLevel::Low,
        &ProviderSession::default(),
    )
    .await?;
    tracing::info!(account = %account.id, provider, "password login");
    if is_browser {
        return Ok(HttpResponse::SeeOther()
            .cookie(cookie)
            .insert_header((LOCATION, next))
            .finish());
    }
    let status = if provider == ENROLMENT_PROVIDER {
        "totp_enrolment_required"
    } else {
        "logged_in"
    };
    Ok(HttpResponse::Ok()
        .cookie(cookie)
        .json(serde_json::json!({ "status": status, "next": next })))
}

#[derive(Template)]
#[template(path = "totp_enrol.html")]
struct EnrolPage {
    chrome: Chrome,
    qr_svg: String,
    secret: String,
    csrf_token: String,
}
super::pages::layout::with_chrome!(EnrolPage);

/// Shows a new secret to scan (each visit makes a new one, until one is confirmed).
pub async fn enrol_page(
    req: HttpRequest,
    state: web::Data<App>,
    who: PasswordStaff,
) -> Result<HttpResponse, Problem> {
    let PasswordStaff(who) = who;
    let secret = password_login::begin_enrolment(&state, who.account.id)
        .await
        .map_err(internal)?;
    let email = accounts::find_staff_email(&state.db, who.account.id).await?;
    let uri = totp::otpauth_uri(&secret, "vejviser", &email);
    if wants_json(&req) {
        return Ok(HttpResponse::Ok()
            .insert_header(("Cache-Control", "no-store"))
            .json(serde_json::json!({ "secret": secret.to_base32(), "otpauth_uri": uri })));
    }
    let chrome = Chrome::for_request(&req);
    let qr_svg = totp::qr_svg(&uri, chrome.t.get("totp.qr_label"))
        .map_err(|e| internal(PasswordLoginError::Internal(e.into())))?;
    let page = EnrolPage {
        chrome,
        qr_svg,
        secret: secret.to_base32(),
        csrf_token: who.session.csrf_token,
    };
    Ok(no_store(render(StatusCode::OK, &page)))
}

/// Why an authenticator was not confirmed.
#[derive(Debug, thiserror::Error)]
enum EnrolmentRefusal {
    #[error("the enrolment form was out of date")]
    StaleForm,
    #[error("the code does not match the authenticator")]
    WrongCode,
}

impl UserError for EnrolmentRefusal {
    fn answer(&self) -> Answer {
        match self {
            Self::StaleForm => Answer::new(ErrorKind::Forbidden, "csrf", "error.totp_form_stale"),
            Self::WrongCode => Answer::new(
                ErrorKind::BadRequest,
                "totp-mismatch",
                "error.totp_mismatch",
            ),
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    code: String,
    csrf_token: Option<String>,
}

#[derive(Template)]
#[template(path = "recovery_codes.html")]
struct RecoveryCodesPage {
    chrome: Chrome,
    codes: Vec<String>,
}
super::pages::layout::with_chrome!(RecoveryCodesPage);

/// Confirms the authenticator with a code; the session becomes a full one (a new id) and the
/// recovery codes are shown, once.
pub async fn confirm(
    req: HttpRequest,
    state: web::Data<App>,
    who: PasswordStaff,
    body: web::Either<web::Json<ConfirmForm>, web::Form<ConfirmForm>>,
) -> Result<HttpResponse, Problem> {
    let PasswordStaff(who) = who;
    let (form, is_browser) = match body {
        web::Either::Left(json) => (json.into_inner(), false),
        web::Either::Right(form) => (form.into_inner(), true),
    };
    // A browser is answered with a page that leads back to enrolment, a script with a problem.
    let refuse = |refusal: EnrolmentRefusal| {
        if is_browser {
            Ok(refusal_leading_to(
                &req,
                &refusal,
                "/auth/totp",
                "totp.again",
            ))
        } else {
            Err(Problem::from(refusal))
        }
    };
    if is_browser
        && !form
            .csrf_token
            .as_deref()
            .is_some_and(|t| same_secret(t, &who.session.csrf_token))
    {
        return refuse(EnrolmentRefusal::StaleForm);
    }
    let codes = match password_login::confirm_enrolment(&state, who.account.id, &form.code).await {
        Ok(codes) => codes,
        Err(PasswordLoginError::Refused(_)) => return refuse(EnrolmentRefusal::WrongCode),
        Err(other) => return Err(internal(other)),
    };
    let cookie = start_session(
        &state,
        &req,
        &who.account,
        PASSWORD_PROVIDER,
        AssuranceLevel::Low,
        &ProviderSession::default(),
    )
    .await?;
    tracing::info!(account = %who.account.id, "authenticator app enrolled");
    let codes: Vec<String> = codes.iter().map(|c| c.as_str().to_owned()).collect();
    if !is_browser {
        return Ok(HttpResponse::Ok()
            .cookie(cookie)
            .insert_header(("Cache-Control", "no-store"))
            .json(serde_json::json!({ "recovery_codes": codes })));
    }
    let chrome = Chrome::for_request(&req);
    let mut response = no_store(render(StatusCode::OK, &RecoveryCodesPage { chrome, codes }));
    response
        .add_cookie(&cookie)
        .map_err(|_| Problem::internal())?;
    Ok(response)
}

/// Secrets on a page (a TOTP key, recovery codes) must not stay in any cache.
fn no_store(mut response: HttpResponse) -> HttpResponse {
    use actix_web::http::header::{CACHE_CONTROL, HeaderValue};
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn wants_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/json"))
}

fn internal(err: PasswordLoginError) -> Problem {
    match err {
        PasswordLoginError::Store(e) => e.into(),
        other => {
            tracing::error!(error = %chain(&other), "authenticator enrolment failed");
            Problem::internal()
        }
    }
}

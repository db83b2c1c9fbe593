//! Cross-site request protection for every state-changing request (DESIGN.md §5): a request a
//! browser marks as cross-site (`Sec-Fetch-Site`), or whose `Origin` is not ours, is refused.
//! Requests with neither header come from scripts, not browsers, and are accepted (API.md).
//! HTML forms also carry the session's token (checked where the form is handled).

use crate::app::App;
use crate::error::{Answer, ErrorKind, UserError};
use crate::http::problem::Problem;
use actix_web::ResponseError;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{Error, web};

/// A state-changing request from another site.
#[derive(Debug, thiserror::Error)]
#[error("cross-site request refused")]
struct CrossSite;

impl UserError for CrossSite {
    fn answer(&self) -> Answer {
        Answer::new(ErrorKind::Forbidden, "cross-site", "error.cross_site")
    }
}

pub async fn refuse_cross_site(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    if !is_safe_method(req.method()) {
        let own_origin = req
            .app_data::<web::Data<App>>()
            .and_then(|state| state.settings.server.public_url().ok())
            .map(|url| url.origin().ascii_serialization());
        let fetch_site = req
            .headers()
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok());
        let origin = req.headers().get("origin").and_then(|v| v.to_str().ok());
        if !allowed(fetch_site, origin, own_origin.as_deref()) {
            tracing::warn!("refused a cross-site state-changing request");
            // A browser gets the refusal as a page in the reader's language, scripts problem+json.
            let response = if crate::http::routes::wants_html(req.request()) {
                crate::http::pages::notice::refusal(req.request(), &CrossSite)
            } else {
                Problem::from(CrossSite).error_response()
            };
            return Err(InternalError::from_response(CrossSite, response).into());
        }
    }
    next.call(req).await
}

fn is_safe_method(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn allowed(fetch_site: Option<&str>, origin: Option<&str>, own_origin: Option<&str>) -> bool {
    if let Some(site) = fetch_site
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    match origin {
        None => true,
        // Under `Referrer-Policy: no-referrer` browsers send `Origin: null` on their own form
        // posts; `Sec-Fetch-Site` (which no page can forge) says whether it really is ours.
        Some("null") => fetch_site == Some("same-origin"),
        Some(origin) => own_origin == Some(origin),
    }
}

#[cfg(test)]
mod tests {
    use super::allowed;

    const OWN: Option<&str> = Some("https://vejviser.kommune.dk");

    #[test]
    fn scripts_and_same_origin_pass_cross_site_does_not() {
        assert!(allowed(None, None, OWN), "a script");
        assert!(
            allowed(Some("same-origin"), Some("null"), OWN),
            "a form under no-referrer"
        );
        assert!(!allowed(Some("cross-site"), Some("null"), OWN));
        assert!(
            !allowed(None, Some("null"), OWN),
            "an opaque origin that does not say"
        );
        assert!(allowed(
            Some("same-origin"),
            Some("https://vejviser.kommune.dk"),
            OWN
        ));
        assert!(
            allowed(Some("none"), None, OWN),
            "typed into the address bar"
        );
        assert!(!allowed(Some("cross-site"), None, OWN));
        assert!(
            !allowed(Some("same-site"), None, OWN),
            "a sibling subdomain is another site here"
        );
        assert!(!allowed(None, Some("https://evil.example"), OWN));
        assert!(!allowed(None, Some("null"), OWN));
        assert!(!allowed(
            Some("same-origin"),
            Some("https://evil.example"),
            OWN
        ));
    }
}

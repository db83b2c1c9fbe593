//! The language switch: remembers the choice in a cookie and returns to the page.

use super::layout::LANG_COOKIE;
use crate::i18n::Lang;
use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct ReturnTo {
    return_to: Option<String>,
}

pub async fn switch(code: web::Path<String>, query: web::Query<ReturnTo>) -> HttpResponse {
    let Some(lang) = Lang::from_code(&code) else {
        return HttpResponse::NotFound().finish();
    };
    let target = query
        .return_to
        .as_deref()
        .filter(|t| is_local_path(t))
        .unwrap_or("/");
    let cookie = Cookie::build(LANG_COOKIE, lang.code())
        .path("/")
        .same_site(SameSite::Lax)
        .http_only(true)
        .max_age(Duration::days(365))
        .finish();
    HttpResponse::SeeOther()
        .cookie(cookie)
        .insert_header((LOCATION, target.to_owned()))
        .finish()
}

/// Only a path on this site: no scheme, no `//host`, no backslash tricks (open redirects).
pub fn is_local_path(target: &str) -> bool {
    target.starts_with('/')
        && !target.starts_with("//")
        && !target.contains('\\')
        && !target.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::is_local_path;

    #[test]
    fn only_local_paths_are_followed() {
        assert!(is_local_path("/"));
        assert!(is_local_path("/cases?x=1"));
        for bad in [
            "",
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "evil",
            "/a\nb",
        ] {
            assert!(!is_local_path(bad), "{bad}");
        }
    }
}

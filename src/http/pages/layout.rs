//! What every page needs: the language, its catalogue, the language switch, and rendering.

use crate::auth::session::Authenticated;
use crate::i18n::{Catalogue, Lang, catalogue};
use crate::store::accounts::AccountKind;
use actix_web::http::StatusCode;
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use askama::Template;

pub const LANG_COOKIE: &str = "lang";

/// The reader's language: the `lang` cookie set by the switch, else Danish.
pub fn lang_of(req: &HttpRequest) -> Lang {
    req.cookie(LANG_COOKIE)
        .and_then(|c| Lang::from_code(c.value()))
        .unwrap_or(Lang::Da)
}

/// Who is logged in, as the header shows them: name, what they are, and the token the
/// "Log af" form carries. Put on the request by the session extractors, so every page a
/// logged-in person gets (errors included) shows it without each handler passing it on.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub name: String,
    /// The catalogue key of what they are: a citizen, a staff member, an administrator.
    pub role_key: &'static str,
    pub csrf_token: String,
}

impl Viewer {
    pub fn of(who: &Authenticated) -> Self {
        let role_key = match (who.account.kind, who.account.is_admin) {
            (AccountKind::Citizen, _) => "header.role.citizen",
            (AccountKind::Staff, true) => "header.role.admin",
            (AccountKind::Staff, false) => "header.role.staff",
        };
        Self {
            name: who.account.name.clone(),
            role_key,
            csrf_token: who.session.csrf_token.clone(),
        }
    }
}

/// The chrome fields the base layout reads.
pub struct Chrome {
    pub lang: Lang,
    pub t: &'static Catalogue,
    pub switch_lang_href: String,
    pub viewer: Option<Viewer>,
}

impl Chrome {
    pub fn for_request(req: &HttpRequest) -> Self {
        let lang = lang_of(req);
        let here = return_target(req);
        Self {
            lang,
            t: catalogue(lang),
            viewer: req.extensions().get::<Viewer>().cloned(),
            switch_lang_href: format!(
                "/lang/{}?return_to={}",
                lang.other().code(),
                url::form_urlencoded::byte_serialize(here.as_bytes()).collect::<String>()
            ),
        }
    }
}

/// Where the language switch brings the reader back to: this page's path, never its query (a
/// login callback's code and state, a CPR number searched for), except on the development
/// identity provider's picker, which needs its query to go on. After a form post, the page the
/// form was on, as a link can only GET.
fn return_target(req: &HttpRequest) -> String {
    let path = req.path();
    if req.method() != actix_web::http::Method::GET {
        return page_of_post(path);
    }
    match req.uri().query() {
        // A callback is single use: its page in the other language is the front page's.
        _ if path.starts_with("/auth/callback/") => "/".to_owned(),
        Some(query) if path.starts_with("/dev-idp/") => format!("{path}?{query}"),
        _ => path.to_owned(),
    }
}

/// The page a form posted to `path` was on.
fn page_of_post(path: &str) -> String {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segments.as_slice() {
        ["cases", "new"] => "/cases/new".to_owned(),
        ["cases" | "documents", id, ..] => format!("/{}/{id}", segments[0]),
        ["admin", ..] => "/admin".to_owned(),
        ["auth", "password" | "totp"] => path.to_owned(),
        _ => "/".to_owned(),
    }
}

/// Lets a page's template read the chrome's fields (`lang`, `t`, `switch_lang_href`) as its own:
/// the page struct holds a `chrome: Chrome` and derefs to it.
macro_rules! with_chrome {
    ($($page:ty),+ $(,)?) => {
        $(
            impl std::ops::Deref for $page {
                type Target = $crate::http::pages::layout::Chrome;
                fn deref(&self) -> &Self::Target {
                    &self.chrome
                }
            }
        )+
    };
}
pub(crate) use with_chrome;

/// Renders a page with a status. A template that fails to render is our fault: logged, 500.
pub fn render(status: StatusCode, page: &impl Template) -> HttpResponse {
    match page.render() {
        Ok(html) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(html),
        Err(err) => {
            tracing::error!(error = %err, "template failed to render");
            HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body("Der skete en fejl. / Something went wrong.")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn the_switch_returns_to_the_page_without_its_query() {
        let search = TestRequest::get()
            .uri("/cases?q=0101011234")
            .to_http_request();
        assert_eq!(return_target(&search), "/cases");
        let callback = TestRequest::get()
            .uri("/auth/callback/citizen?code=abc&state=def")
            .to_http_request();
        assert_eq!(return_target(&callback), "/");
        let picker = TestRequest::get()
            .uri("/dev-idp/citizen/authorize?state=s&nonce=n")
            .to_http_request();
        assert_eq!(
            return_target(&picker),
            "/dev-idp/citizen/authorize?state=s&nonce=n"
        );
    }

    #[test]
    fn after_a_form_post_the_switch_returns_to_the_page_of_the_form() {
        let post = |uri: &str| return_target(&TestRequest::post().uri(uri).to_http_request());
        assert_eq!(post("/cases/c1/documents"), "/cases/c1");
        assert_eq!(post("/documents/d1/versions?based_on=2"), "/documents/d1");
        assert_eq!(post("/documents/d1/rename"), "/documents/d1");
        assert_eq!(post("/cases/new"), "/cases/new");
        assert_eq!(post("/admin/staff/a1"), "/admin");
        assert_eq!(post("/auth/password"), "/auth/password");
        assert_eq!(post("/auth/logout"), "/");
    }
}

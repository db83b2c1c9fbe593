//! Security headers on every response. The CSP allows no inline script or style: pages load
//! their scripts and styles from /static only. Nothing is cached (`Cache-Control: no-store`: a
//! case page on a shared municipal PC must not come back from the browser's cache after logout)
//! unless a response says otherwise, as the static files do.

use crate::config::Settings;
use actix_web::middleware::DefaultHeaders;

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self'; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

pub fn middleware(settings: &Settings) -> DefaultHeaders {
    let mut headers = DefaultHeaders::new()
        .add(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
        .add(("X-Content-Type-Options", "nosniff"))
        // Added only where a response sets no Cache-Control of its own.
        .add(("Cache-Control", "no-store"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add(("Cross-Origin-Resource-Policy", "same-origin"))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), payment=()",
        ));
    if serves_https(settings) {
        headers = headers.add((
            "Strict-Transport-Security",
            "max-age=31536000; includeSubDomains",
        ));
    }
    headers
}

/// HSTS only makes sense, and is only sent, where people reach the service over https.
fn serves_https(settings: &Settings) -> bool {
    settings
        .server
        .public_url()
        .is_ok_and(|url| url.scheme() == "https")
}

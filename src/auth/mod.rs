//! Who is logged in: OIDC login (citizens by MitID, staff by their municipality's IdP), the
//! built-in development identity provider, the staff fallback of password + TOTP, sessions and
//! cross-site protection.

pub mod assurance;
pub mod backchannel;
pub mod dev_idp;
pub mod expiry;
pub mod linking;
pub mod lockout;
pub mod login;
pub mod login_rate;
pub mod oidc;
pub mod password;
pub mod password_login;
pub mod recovery_codes;
pub mod session;
pub mod tokens;
pub mod totp;

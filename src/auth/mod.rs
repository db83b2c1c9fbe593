//! Who is logged in: OIDC login (citizens by MitID, staff by their municipality's IdP), the
//! built-in development identity provider, sessions and cross-site protection.

pub mod assurance;
pub mod csrf;
pub mod dev_idp;
pub mod linking;
pub mod oidc;
pub mod session;
pub mod tokens;

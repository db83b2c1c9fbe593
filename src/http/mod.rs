//! The HTTP edge: routes, middleware, problem responses and pages. Handlers are thin: parse
//! input into domain types, call the layer below, map the result.

pub mod api;
pub mod auth;
pub mod backchannel;
pub mod client_address;
pub mod csrf;
pub mod dev_idp;
pub mod download;
pub mod extractors;
pub mod health;
pub mod input;
pub mod multipart;
pub mod observability;
pub mod openapi;
pub mod pages;
pub mod password;
pub mod problem;
pub mod routes;
pub mod scim;
pub mod security_headers;
pub mod static_files;

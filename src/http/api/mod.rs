//! JSON API routes under /api/v1, one module per resource.

pub mod access_log;
pub mod audit;
pub mod cases;
pub mod consents;
pub mod dev_identities;
pub mod documents;
pub mod json_object;
pub mod me;
pub mod notifications;
pub mod page_number;
pub mod participants;
pub mod staff;

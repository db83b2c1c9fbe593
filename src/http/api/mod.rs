//! JSON API routes under /api/v1, one module per resource.

mod case_errors;
pub mod cases;
pub mod consents;
pub mod dev_identities;
mod document_errors;
pub mod documents;
pub mod me;
pub mod participants;
pub mod staff;

//! JSON API routes under /api/v1, one module per resource.

pub mod dev_identities;
pub mod me;

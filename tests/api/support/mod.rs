//! Test doubles the integration modules share.

pub mod test_op;
pub mod mail;

//! Test doubles the integration modules share.

pub mod mail;
pub mod test_op;

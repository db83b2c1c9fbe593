//! Test doubles the integration modules share.

pub mod fault_proxy;
pub mod mail;
pub mod test_op;

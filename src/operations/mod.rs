//! What operators run from the command line against a stopped or running service: master-key
//! rotation and the crypto-shredding of a case. Both are safe to run while instances serve.

pub mod erase;
pub mod rotate;

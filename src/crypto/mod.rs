//! Encryption at rest (DESIGN.md §4). All cryptography lives below this folder.

pub mod master_keys;

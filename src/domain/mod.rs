//! Domain types: each parses its raw input once, at the edge, and is trusted from then on
//! ("parse, don't validate"). Raw strings stop here. The closed vocabularies (`Role`, `Access`,
//! `CaseStatus`, ...) are written with `as_str` and read back with `FromStr`.

pub mod access;
pub mod assurance_level;
pub mod audit_action;
pub mod case_status;
pub mod cpr;
pub mod custody_rule;
pub mod department;
pub mod document_kind;
pub mod email;
pub mod file_type;
pub mod ids;
pub mod municipality_code;
pub mod notice_event;
pub mod notification_mode;
pub mod person_name;
pub mod role;
pub mod unknown_value;

//! Domain types: each parses its raw input once, at the edge, and is trusted from then on
//! ("parse, don't validate"). Raw strings stop here.

pub mod cpr;
pub mod department;
pub mod email;
pub mod ids;
pub mod municipality_code;
pub mod person_name;

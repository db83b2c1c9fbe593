//! `[scim.clients.<name>]`: the municipalities' directories (Entra ID or another) that provision
//! staff through `/scim/v2` (issue #16). Each client manages one municipality's staff. Only the
//! SHA-256 of its bearer token is configured, so a leaked configuration file provisions nothing;
//! `vejviser scim new-token` makes a token and the line to configure.

use super::Violation;
use crate::domain::department::Department;
use crate::domain::municipality_code::MunicipalityCode;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScimSettings {
    #[serde(default)]
    pub clients: BTreeMap<String, ScimClient>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScimClient {
    /// The code (3 digits) of the municipality whose staff this directory manages; a number is
    /// read as its digits (an environment variable `…__MUNICIPALITY=101` arrives as one).
    #[serde(deserialize_with = "code_text")]
    pub municipality: String,
    /// The bearer token's SHA-256, 64 lowercase hex digits.
    pub token_sha256: String,
    /// The directory's department names (the enterprise `department` attribute) and which
    /// department each is, e.g. `"Jobcenter Vest" = "job_centre"`; vejviser's own words
    /// (`job_centre`) are understood without this.
    #[serde(default)]
    pub departments: BTreeMap<String, Department>,
    /// The department of a user whose directory entry names none; unset, such a user is refused.
    pub default_department: Option<Department>,
    /// Whether the municipality's admins may still create staff on the admin page and the API;
    /// `false` leaves creating staff to the directory alone (no sock-puppet accounts by an admin).
    #[serde(default = "yes")]
    pub admins_create_staff: bool,
}

fn code_text<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Code {
        Text(String),
        Number(u64),
    }
    Ok(match Code::deserialize(deserializer)? {
        Code::Text(text) => text,
        Code::Number(number) => number.to_string(),
    })
}

fn yes() -> bool {
    true
}

impl ScimSettings {
    /// The client whose token this is, by its name.
    pub fn client_with_token(&self, token: &str) -> Option<(&str, &ScimClient)> {
        let hash = crate::auth::tokens::token_hash(token);
        self.clients
            .iter()
            .find(|(_, client)| crate::auth::tokens::same_secret(&hash, &client.token_sha256))
            .map(|(name, client)| (name.as_str(), client))
    }

    pub(super) fn violations(&self) -> Vec<Violation> {
        let mut found = Vec::new();
        for (name, client) in &self.clients {
            if MunicipalityCode::parse(&client.municipality).is_err() {
                found.push(Violation {
                    setting: format!("scim.clients.{name}.municipality"),
                    reason: "the code of the municipality (3 digits)".into(),
                });
            }
            let hash = &client.token_sha256;
            if hash.len() != 64 || !hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
                found.push(Violation {
                    setting: format!("scim.clients.{name}.token_sha256"),
                    reason: "64 lowercase hex digits: the SHA-256 of the token \
                             (`vejviser scim new-token` makes both)"
                        .into(),
                });
            }
        }
        found
    }
}

impl ScimSettings {
    /// False when a directory that provisions the municipality (its code) keeps creating staff
    /// to itself.
    pub fn admins_create_staff(&self, municipality_code: &str) -> bool {
        self.clients
            .values()
            .filter(|c| c.municipality == municipality_code)
            .all(|c| c.admins_create_staff)
    }
}

impl ScimClient {
    /// The department a directory's `department` value names, if any.
    pub fn department(&self, value: &str) -> Option<Department> {
        let value = value.trim();
        self.departments
            .iter()
            .find(|(name, _)| name.trim().eq_ignore_ascii_case(value))
            .map(|(_, department)| *department)
            .or_else(|| value.parse().ok())
    }
}

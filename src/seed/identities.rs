//! The development test identities: read from `config/dev-identities.toml`, with citizens'
//! birth dates and fictitious CPR numbers derived from their age on the day of first start and
//! then kept (so a login on a later day finds the same person).

use super::SeedError;
use crate::domain::cpr::Cpr;
use crate::domain::department::Department;
use serde::{Deserialize, Serialize};
use std::path::Path;
use time::{Date, Duration};

const IDENTITIES_TOML: &str = include_str!("../../config/dev-identities.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Staff,
    Citizen,
}

#[derive(Debug, Deserialize)]
pub struct IdentityFile {
    pub municipality: DemoMunicipality,
    identities: Vec<ConfiguredIdentity>,
}

#[derive(Debug, Deserialize)]
pub struct DemoMunicipality {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfiguredIdentity {
    login_hint: String,
    provider: Provider,
    name: String,
    email: String,
    department: Option<Department>,
    #[serde(default)]
    admin: bool,
    age_years: Option<u8>,
    #[serde(default)]
    age_extra_days: u16,
    assurance: Option<String>,
    parent_of: Option<String>,
    has_custody: Option<bool>,
}

/// One test identity as the development provider and `GET /dev-idp/identities` show it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DevIdentity {
    pub login_hint: String,
    pub provider: Provider,
    pub name: String,
    pub email: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpr: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<Department>,
    #[serde(default)]
    pub admin: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assurance: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_of: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub has_custody: Option<bool>,
}

impl IdentityFile {
    pub fn embedded() -> Result<Self, String> {
        toml::from_str(IDENTITIES_TOML).map_err(|e| e.to_string())
    }
}

/// Reads the kept identities, or derives them for `today` and keeps them.
pub fn load_or_derive(
    file: &IdentityFile,
    kept: &Path,
    today: Date,
) -> Result<Vec<DevIdentity>, SeedError> {
    let io = |source| SeedError::Io {
        path: kept.to_owned(),
        source,
    };
    if kept.exists() {
        let text = std::fs::read_to_string(kept).map_err(io)?;
        return serde_json::from_str(&text)
            .map_err(|e| SeedError::Identities(format!("{}: {e}", kept.display())));
    }
    let identities = derive(file, today)?;
    if let Some(dir) = kept.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let json = serde_json::to_string_pretty(&identities).expect("identities serialise");
    std::fs::write(kept, json).map_err(io)?;
    Ok(identities)
}

pub fn derive(file: &IdentityFile, today: Date) -> Result<Vec<DevIdentity>, SeedError> {
    file.identities
        .iter()
        .enumerate()
        .map(|(index, c)| {
            let birth_date = match (c.provider, c.age_years) {
                (Provider::Citizen, Some(years)) => {
                    Some(birth_date_for_age(today, years, c.age_extra_days))
                }
                (Provider::Citizen, None) => {
                    return Err(SeedError::Identities(format!(
                        "{}: citizens need age_years",
                        c.login_hint
                    )));
                }
                (Provider::Staff, _) => None,
            };
            // Distinct serials per identity; the index keeps them stable across runs of one file.
            let serial = 100 + u16::try_from(index).unwrap_or(0) * 7;
            Ok(DevIdentity {
                login_hint: c.login_hint.clone(),
                provider: c.provider,
                name: c.name.clone(),
                email: c.email.clone(),
                cpr: birth_date.map(|d| Cpr::fictitious(d, serial).formatted()),
                birth_date: birth_date.map(|d| d.to_string()),
                department: c.department,
                admin: c.admin,
                assurance: c.assurance.clone(),
                parent_of: c.parent_of.clone(),
                has_custody: c.has_custody,
            })
        })
        .collect()
}

/// The birth date of someone who is `years` old and `extra_days` past that birthday today.
fn birth_date_for_age(today: Date, years: u8, extra_days: u16) -> Date {
    let year = today.year() - i32::from(years);
    // 29 February in a year without one falls back to 28 February.
    let birthday = today
        .replace_year(year)
        .or_else(|_| today.replace_day(28).and_then(|d| d.replace_year(year)))
        .expect("28 February exists in every year");
    birthday - Duration::days(i64::from(extra_days))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn age_on(birth: Date, day: Date) -> i32 {
        let had_birthday = (day.month(), day.day()) >= (birth.month(), birth.day());
        day.year() - birth.year() - i32::from(!had_birthday)
    }

    #[test]
    fn derived_ages_are_true_on_the_day_and_cpr_matches_birth_date() {
        let file = IdentityFile::embedded().unwrap();
        for today in [
            date!(2026 - 11 - 23),
            date!(2028 - 02 - 29),
            date!(2027 - 01 - 01),
        ] {
            let identities = derive(&file, today).unwrap();
            let young17 = identities
                .iter()
                .find(|i| i.login_hint == "young17")
                .unwrap();
            let birth: Date = Date::parse(
                young17.birth_date.as_deref().unwrap(),
                time::macros::format_description!("[year]-[month]-[day]"),
            )
            .unwrap();
            assert_eq!(age_on(birth, today), 17, "on {today}");
            let cpr = Cpr::parse(young17.cpr.as_deref().unwrap()).unwrap();
            assert_eq!(cpr.birth_date(), birth);
            let young19 = identities
                .iter()
                .find(|i| i.login_hint == "young19")
                .unwrap();
            assert!(young19.cpr.is_some());
        }
    }

    #[test]
    fn the_api_md_identities_are_all_there() {
        let identities = derive(&IdentityFile::embedded().unwrap(), date!(2026 - 11 - 23)).unwrap();
        let hints: Vec<&str> = identities.iter().map(|i| i.login_hint.as_str()).collect();
        for hint in [
            "coordinator",
            "jobcentre",
            "guidance",
            "admin",
            "young17",
            "young19",
            "parent",
            "parent_nocustody",
            "lowassurance",
        ] {
            assert!(hints.contains(&hint), "{hint} missing");
        }
        let cprs: std::collections::HashSet<_> =
            identities.iter().filter_map(|i| i.cpr.clone()).collect();
        assert_eq!(cprs.len(), 5, "every citizen has a distinct CPR");
    }
}

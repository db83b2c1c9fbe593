//! The embedded default's demo data, made on first start: one demo municipality, its staff test
//! identities as accounts, and the citizens' fictitious CPR numbers, kept under the data folder
//! for the development identity provider. Never in production (the profile refuses `seed_demo`).

pub mod identities;
pub mod scale;

use crate::domain::email::Email;
use crate::domain::municipality_code::MunicipalityCode;
use crate::domain::person_name::PersonName;
use crate::store::accounts::NewStaff;
use crate::store::{Db, StoreError, municipalities};
use identities::{DevIdentity, IdentityFile, Provider};
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("config/dev-identities.toml: {0}")]
    Identities(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Where the derived identities are kept.
pub fn identities_path(data_dir: &Path) -> PathBuf {
    data_dir.join("dev-idp").join("identities.json")
}

/// Makes sure the development identities exist under the data folder, and returns them.
pub fn prepare_dev_identities(
    data_dir: &Path,
    now: OffsetDateTime,
) -> Result<Vec<DevIdentity>, SeedError> {
    let file = IdentityFile::embedded().map_err(SeedError::Identities)?;
    identities::load_or_derive(&file, &identities_path(data_dir), now.date())
}

/// The demo municipality's code, which the development staff provider serves.
pub fn demo_municipality_code() -> Result<String, SeedError> {
    Ok(IdentityFile::embedded()
        .map_err(SeedError::Identities)?
        .municipality
        .code)
}

/// Seeds once: a second start finds the demo municipality and leaves everything as it is.
pub async fn ensure_demo(db: &Db, now: OffsetDateTime) -> Result<(), SeedError> {
    let file = IdentityFile::embedded().map_err(SeedError::Identities)?;
    let identities: Vec<DevIdentity> = identities::derive(&file, now.date())?;
    let code = MunicipalityCode::parse(&file.municipality.code)
        .map_err(|e| SeedError::Identities(format!("municipality.code: {e}")))?;
    match municipalities::find_by_code(db, code).await {
        Ok(_) => return Ok(()),
        Err(StoreError::NotFound) => {}
        Err(other) => return Err(other.into()),
    }
    let municipality = municipalities::create(db, code, &file.municipality.name, now).await?;
    for identity in identities.iter().filter(|i| i.provider == Provider::Staff) {
        let invalid =
            |what: String| SeedError::Identities(format!("{}: {what}", identity.login_hint));
        let staff = NewStaff {
            municipality_id: municipality.id,
            name: PersonName::parse(&identity.name).map_err(|e| invalid(e.to_string()))?,
            email: Email::parse(&identity.email).map_err(|e| invalid(e.to_string()))?,
            department: identity
                .department
                .ok_or_else(|| invalid("staff need a department".into()))?,
            is_admin: identity.admin,
        };
        crate::staff::create::by_operator(db, &staff, now).await?;
    }
    tracing::info!(municipality = %municipality.code, "seeded the demo municipality and its staff");
    Ok(())
}

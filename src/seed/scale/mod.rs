//! National-scale test data (issue #13), for benchmarks: municipalities, staff, citizens, cases
//! with 5-15 participants, consents, case keys, and 10-30 documents a case of 1-4 versions
//! each, in the proportions of DESIGN.md §9 (20 000 cases, ~200 000 accounts, ~1 000 000
//! versions). Rows are real as far as reading them goes: CPR numbers sealed and hashed, titles
//! and file names sealed with a real case key, data keys wrapped; only the versions' blobs are
//! not written (the benchmark uploads the few it downloads). Runs add to what is there, so a
//! database can grow from 1 000 to 20 000 cases between two measurements.
//!
//! `vejviser dev seed-scale`; refused in production. The rows of one transaction are in `rows`,
//! the people, cases and documents made in `people`, their CPR numbers in `cpr`, and the seeded randomness in `random`.

mod cpr;
mod people;
mod random;
mod rows;

use people::Run;
use random::Random;

use crate::crypto::lookup::LookupKey;
use crate::crypto::master_keys::MasterKeyRing;
use crate::domain::ids::{AccountId, MunicipalityId};
use crate::store::bulk::Rows;
use crate::store::time_text::to_text;
use crate::store::{Db, StoreError};
use sqlx::Row;
use time::OffsetDateTime;

/// Cases written in one transaction.
const CHUNK: u32 = 500;
/// A caseworker coordinates about this many cases.
const CASELOAD: u32 = 25;
/// Professionals in a municipality's pool, per case of the run (each is on one or two cases).
const PROFESSIONALS_PER_CASE: u32 = 5;

#[derive(Debug, thiserror::Error)]
pub enum ScaleError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("sealing: {0}")]
    Seal(String),
    #[error("{0}")]
    Plan(String),
}

impl From<sqlx::Error> for ScaleError {
    fn from(e: sqlx::Error) -> Self {
        Self::Store(e.into())
    }
}

fn sealing(e: impl std::fmt::Display) -> ScaleError {
    ScaleError::Seal(e.to_string())
}

/// What to add.
#[derive(Debug, Clone)]
pub struct Plan {
    pub cases: u32,
    /// Spread over this many municipalities (made if missing; the demo one is not counted).
    pub municipalities: u32,
    /// Of the cases, this many go to the demo coordinator (Karen Holm) in the demo municipality,
    /// topped up to it: the benchmark logs in as her.
    pub coordinator_cases: u32,
    pub seed: u64,
}

/// What was added.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Seeded {
    pub municipalities: u64,
    pub staff: u64,
    pub citizens: u64,
    pub cases: u64,
    pub participants: u64,
    pub consents: u64,
    pub documents: u64,
    pub versions: u64,
}

/// The secrets the rows are sealed and hashed with: the service's own.
pub struct Keys<'a> {
    pub master: &'a MasterKeyRing,
    pub lookup: &'a LookupKey,
}

pub async fn seed(
    db: &Db,
    keys: &Keys<'_>,
    plan: &Plan,
    now: OffsetDateTime,
) -> Result<Seeded, ScaleError> {
    if plan.municipalities == 0 {
        return Err(ScaleError::Plan(
            "--municipalities must be at least 1".into(),
        ));
    }
    let mut seeded = Seeded::default();
    let mut places = municipalities(db, plan.municipalities, now, &mut seeded).await?;
    let demo = demo_coordinator(db, now).await?;
    let mut for_demo = match &demo {
        Some((_, _, has)) => plan.coordinator_cases.saturating_sub(*has).min(plan.cases),
        None => 0,
    };
    let mut run = Run {
        random: Random::new(plan.seed ^ u64::from(plan.cases)),
        people: citizens_so_far(db).await?,
        keys,
        now,
        seeded,
    };
    let mut left = plan.cases;
    while left > 0 {
        let size = left.min(CHUNK);
        let demo_here = for_demo.min(size);
        let demo_place = demo.as_ref().filter(|_| demo_here > 0);
        run.chunk(
            db,
            &mut places,
            size,
            demo_place.map(|(m, a, _)| (*m, *a, demo_here)),
        )
        .await?;
        for_demo -= demo_here;
        left -= size;
    }
    Ok(run.seeded)
}

/// The seeded municipalities (all but the demo one), made up to `wanted` with free codes.
async fn municipalities(
    db: &Db,
    wanted: u32,
    now: OffsetDateTime,
    seeded: &mut Seeded,
) -> Result<Vec<MunicipalityId>, ScaleError> {
    let demo = crate::seed::demo_municipality_code().unwrap_or_default();
    let rows = sqlx::query("SELECT id, code FROM municipalities ORDER BY code")
        .fetch_all(db.pool())
        .await?;
    let mut used: Vec<String> = Vec::new();
    let mut found = Vec::new();
    for row in &rows {
        let code: String = row.try_get("code")?;
        if code != demo {
            let id: String = row.try_get("id")?;
            found.push(MunicipalityId::parse(&id).map_err(crate::store::columns::corrupt)?);
        }
        used.push(code);
    }
    let mut new = Rows::new("municipalities", &["id", "code", "name", "created_at"]);
    let mut code = 101u16;
    while found.len() < wanted as usize {
        let text = format!("{code:03}");
        code += 1;
        if code > 999 {
            return Err(ScaleError::Plan("no free municipality codes left".into()));
        }
        if used.contains(&text) || text == demo {
            continue;
        }
        let id = MunicipalityId::new();
        new.push([
            id.to_string().into(),
            text.clone().into(),
            format!("Skalakommune {text}").into(),
            to_text(now).into(),
        ]);
        found.push(id);
        seeded.municipalities += 1;
    }
    let mut tx = db.begin().await?;
    new.write(&mut tx).await?;
    tx.commit().await?;
    found.truncate(wanted as usize);
    Ok(found)
}

/// The demo municipality and its coordinator's account, with the cases she has (None without
/// the demo seed).
async fn demo_coordinator(
    db: &Db,
    now: OffsetDateTime,
) -> Result<Option<(MunicipalityId, AccountId, u32)>, ScaleError> {
    use crate::seed::identities::{IdentityFile, derive};
    let Ok(file) = IdentityFile::embedded() else {
        return Ok(None);
    };
    let Some(email) = derive(&file, now.date())
        .ok()
        .and_then(|all| all.into_iter().find(|i| i.login_hint == "coordinator"))
        .map(|i| i.email)
    else {
        return Ok(None);
    };
    let row = sqlx::query(
        "SELECT a.id, a.municipality_id, (SELECT COUNT(*) FROM cases c WHERE c.coordinator_id = a.id) AS has \
         FROM accounts a JOIN municipalities m ON m.id = a.municipality_id \
         WHERE m.code = $1 AND lower(a.email) = lower($2) AND a.kind = 'staff'",
    )
    .bind(file.municipality.code)
    .bind(email)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let account: String = row.try_get("id")?;
    let municipality: String = row.try_get("municipality_id")?;
    let has: i64 = row.try_get("has")?;
    Ok(Some((
        MunicipalityId::parse(&municipality).map_err(crate::store::columns::corrupt)?,
        AccountId::parse(&account).map_err(crate::store::columns::corrupt)?,
        u32::try_from(has).unwrap_or(u32::MAX),
    )))
}

async fn citizens_so_far(db: &Db) -> Result<u64, ScaleError> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM accounts WHERE kind = 'citizen'")
        .fetch_one(db.pool())
        .await?;
    Ok(u64::try_from(row.try_get::<i64, _>("n")?).unwrap_or(0))
}

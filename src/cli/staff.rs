//! `vejviser staff …`: staff accounts created, given a fallback password, or told their own CPR
//! number, from the operator's shell.

use super::{explain, find_municipality};
use crate::auth::password;
use crate::clock;
use crate::config::Settings;
use crate::crypto::purpose::LookupPurpose;
use crate::domain::cpr::Cpr;
use crate::domain::department::Department;
use crate::domain::email::Email;
use crate::domain::municipality_code::MunicipalityCode;
use crate::domain::person_name::PersonName;
use crate::startup::connect_and_migrate;
use crate::store::accounts::{self, NewStaff};
use crate::store::{StoreError, credentials};
use anyhow::Context;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum StaffAction {
    /// Create a staff account in a municipality.
    Create {
        /// The municipality code, e.g. 101.
        #[arg(long)]
        municipality: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// children_youth, adult, job_centre, youth_guidance, placement, school or other.
        #[arg(long, default_value = "children_youth")]
        department: String,
        /// A municipal admin: manages staff and grants, reads no documents.
        #[arg(long)]
        admin: bool,
    },
    /// Set a staff member's password for the fallback login (read from standard input, one line),
    /// e.g. `vejviser staff set-password --municipality 101 --email ida@kk.dk < password.txt`.
    SetPassword {
        #[arg(long)]
        municipality: String,
        #[arg(long)]
        email: String,
    },
    /// Record a staff member's own CPR number (read from standard input; only its keyed hash is
    /// kept), so that they cannot add themselves as a citizen, consent for themselves or open a
    /// case about themselves: `vejviser staff set-cpr --municipality 101 --email ida@kk.dk`.
    SetCpr {
        #[arg(long)]
        municipality: String,
        #[arg(long)]
        email: String,
    },
}

pub(super) async fn run(action: StaffAction, settings: Settings) -> anyhow::Result<()> {
    let now = clock::from_fixed_now(settings.dev.fixed_now).now();
    match action {
        StaffAction::Create {
            municipality,
            email,
            name,
            department,
            admin,
        } => {
            let code = MunicipalityCode::parse(&municipality).context("--municipality")?;
            let email = Email::parse(&email).context("--email")?;
            let name = PersonName::parse(&name).context("--name")?;
            let department: Department = department.parse().context("--department")?;
            let db = connect_and_migrate(&settings).await?;
            let municipality = find_municipality(&db, code).await?;
            let staff = NewStaff {
                municipality_id: municipality.id,
                name,
                email,
                department,
                is_admin: admin,
            };
            let id = crate::staff::create::by_operator(&db, &staff, now)
                .await
                .map_err(explain)?;
            println!(
                "Created staff account {id} in {} {}",
                municipality.code, municipality.name
            );
            Ok(())
        }
        StaffAction::SetPassword {
            municipality,
            email,
        } => {
            let (code, email, line) = staff_and_secret(&municipality, &email, "the password")?;
            let new_password = line.trim_end_matches(['\r', '\n']);
            password::check_new_password(new_password)
                .map_err(|e| anyhow::anyhow!("the password: {e}"))?;
            let hash = password::hash_password(new_password).map_err(|e| anyhow::anyhow!("{e}"))?;
            let db = connect_and_migrate(&settings).await?;
            let staff = find_staff(&db, code, &email).await?;
            credentials::set_password(&db, staff.id, &hash, now)
                .await
                .map_err(explain)?;
            println!(
                "Password set for staff account {}: log in at /auth/password and set up an authenticator app.",
                staff.id
            );
            Ok(())
        }
        StaffAction::SetCpr {
            municipality,
            email,
        } => {
            let (code, email, line) = staff_and_secret(&municipality, &email, "the CPR number")?;
            let cpr =
                Cpr::parse(line.trim()).map_err(|e| anyhow::anyhow!("the CPR number: {e}"))?;
            let lookup = crate::crypto::lookup::LookupKey::load(
                settings.crypto.lookup_key.as_ref(),
                settings.crypto.generate_dev_master_key,
                &settings.data_dir,
            )?;
            let db = connect_and_migrate(&settings).await?;
            let staff = find_staff(&db, code, &email).await?;
            let hash = lookup.hash(LookupPurpose::Cpr, &cpr.compact());
            let mut tx = db.begin().await.map_err(explain)?;
            crate::store::staff_duties::set_own_cpr_hash(&mut tx, staff.id, &hash)
                .await
                .map_err(explain)?;
            tx.commit().await.map_err(explain)?;
            println!("Own CPR number recorded for staff account {}.", staff.id);
            Ok(())
        }
    }
}

/// The `--municipality` and `--email` of a staff command, and one line of standard input (a
/// secret: zeroed when dropped).
fn staff_and_secret(
    municipality: &str,
    email: &str,
    what: &str,
) -> anyhow::Result<(MunicipalityCode, Email, zeroize::Zeroizing<String>)> {
    let code = MunicipalityCode::parse(municipality).context("--municipality")?;
    let email = Email::parse(email).context("--email")?;
    let mut line = zeroize::Zeroizing::new(String::new());
    std::io::stdin()
        .read_line(&mut line)
        .with_context(|| format!("reading {what} from standard input"))?;
    Ok((code, email, line))
}

async fn find_staff(
    db: &crate::store::Db,
    code: MunicipalityCode,
    email: &Email,
) -> anyhow::Result<accounts::StaffAccount> {
    let municipality = find_municipality(db, code).await?;
    accounts::find_staff_by_email(db, municipality.id, email)
        .await
        .map_err(|e| match e {
            StoreError::NotFound => {
                anyhow::anyhow!("--email: no staff member with that e-mail in {code}")
            }
            other => explain(other),
        })
}

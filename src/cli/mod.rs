//! The command line: `serve` (the default), `migrate`, and the operator's administration
//! commands (staff in `staff`, the audit chain check in `audit`, the documents' scrub in
//! `documents`).

mod audit;
mod dev;
mod documents;
mod staff;

pub use staff::StaffAction;

use crate::blobs::BlobStore;
use crate::config::{Profile, Settings};
use crate::crypto::master_keys::MasterKeyRing;
use crate::domain::ids::CaseId;
use crate::domain::municipality_code::MunicipalityCode;
use crate::domain::person_name::PersonName;
use crate::startup::{Application, connect_and_migrate};
use crate::store::{StoreError, municipalities};
use crate::{clock, operations, seed};
use anyhow::Context;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "vejviser",
    version,
    about = "Secure document sharing for the team around a young person"
)]
pub struct Cli {
    /// Which settings profile to load; `production` refuses every insecure setting.
    #[arg(
        long,
        env = "VEJVISER_PROFILE",
        value_enum,
        default_value = "development",
        global = true
    )]
    pub profile: Profile,
    /// An extra TOML file layered over the profile (environment variables still win).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve HTTP (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Manage municipalities.
    Municipality {
        #[command(subcommand)]
        action: MunicipalityAction,
    },
    /// Manage staff accounts.
    Staff {
        #[command(subcommand)]
        action: StaffAction,
    },
    /// Manage the master keys.
    Keys {
        #[command(subcommand)]
        action: KeysAction,
    },
    /// Operations on one case.
    Case {
        #[command(subcommand)]
        action: CaseAction,
    },
    /// The access log.
    Audit {
        #[command(subcommand)]
        action: AuditCommand,
    },
    /// Development helpers (refused in production).
    Dev {
        #[command(subcommand)]
        action: DevAction,
    },
    /// The stored documents.
    Documents {
        #[command(subcommand)]
        action: DocumentsAction,
    },
    /// Provisioning from the municipality's directory (SCIM 2.0).
    Scim {
        #[command(subcommand)]
        action: ScimAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum ScimAction {
    /// Print a new bearer token for a directory, and the settings that admit it (only the
    /// token's SHA-256 is configured; the token itself goes into the directory).
    NewToken {
        /// The client's name in the settings, e.g. `entra`.
        #[arg(long, default_value = "entra")]
        client: String,
        /// The code of the municipality whose staff the directory manages.
        #[arg(long)]
        municipality: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum DevAction {
    /// Add national-scale test data for benchmarks: municipalities, staff, citizens, cases with
    /// 5-15 participants, consents and 10-30 documents of 1-4 versions each (metadata only; no
    /// blobs). Adds to what is there.
    SeedScale {
        /// Cases to add.
        #[arg(long)]
        cases: u32,
        /// Municipalities to spread them over (made if missing).
        #[arg(long, default_value_t = 98)]
        municipalities: u32,
        /// Cases of the demo coordinator (Karen Holm), topped up to this many.
        #[arg(long, default_value_t = 40)]
        coordinator_cases: u32,
        /// The same seed gives the same shape of data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Debug, Subcommand)]
pub enum DocumentsAction {
    /// Decrypt every stored version, hash it and compare it with the size and SHA-256 recorded at
    /// upload; name each damaged one (and record it in its case's access log). Exits with 1 when
    /// any is damaged or the blob store cannot be read.
    Verify {
        /// Only this case's versions.
        #[arg(long)]
        case: Option<String>,
        /// At most this many MiB a second (default: as fast as the machine goes).
        #[arg(long, value_name = "MIB")]
        rate: Option<u64>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the hash chains, print how many rows each holds, and name the first broken row and
    /// why (changed, deleted, reordered). Exits with 1 when a chain is broken.
    Verify {
        /// Only this municipality's chain (its code, e.g. 0101).
        #[arg(long)]
        municipality: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeysAction {
    /// Seal every case key (and sealed CPR numbers and TOTP secrets) under the active master key;
    /// no blob is rewritten. Load the old and new keys, make the new one active, run this, then
    /// retire the old key.
    RotateMaster,
}

#[derive(Debug, Subcommand)]
pub enum CaseAction {
    /// Crypto-shred a closed case past its retention period: its key is destroyed and its blobs
    /// deleted; the audit trail stays. Earlier only with --admin and --reason, which are recorded.
    Erase {
        /// The case id.
        case_id: String,
        /// The e-mail of an admin of the case's municipality (needed with --reason).
        #[arg(long)]
        admin: Option<String>,
        /// Why the case is erased before the end of its retention period.
        #[arg(long)]
        reason: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum MunicipalityAction {
    /// Create a municipality (a tenant).
    Create {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
    },
}

pub async fn run(command: Option<Command>, settings: Settings) -> anyhow::Result<()> {
    match command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings).await,
        Command::Migrate => {
            connect_and_migrate(&settings).await?;
            println!("Migrations applied.");
            Ok(())
        }
        Command::Municipality {
            action: MunicipalityAction::Create { code, name },
        } => {
            let code = MunicipalityCode::parse(&code).context("--code")?;
            let name = PersonName::parse(&name).context("--name")?;
            let db = connect_and_migrate(&settings).await?;
            let now = clock::from_fixed_now(settings.dev.fixed_now).now();
            let created = municipalities::create(&db, code, name.as_str(), now)
                .await
                .map_err(explain)?;
            println!(
                "Created municipality {} {} (id {})",
                created.code, created.name, created.id
            );
            Ok(())
        }
        Command::Staff { action } => staff::run(action, settings).await,
        Command::Keys {
            action: KeysAction::RotateMaster,
        } => {
            let db = connect_and_migrate(&settings).await?;
            let keys = MasterKeyRing::load(&settings.crypto, &settings.data_dir)?;
            let now = clock::from_fixed_now(settings.dev.fixed_now).now();
            let done = operations::rotate::rotate_master(&db, &keys, now).await?;
            println!(
                "Sealed under master key '{}': {} case keys, {} other secrets; {} were already.",
                keys.active_id(),
                done.case_keys,
                done.other_secrets,
                done.already_current
            );
            Ok(())
        }
        Command::Audit {
            action: AuditCommand::Verify { municipality },
        } => audit::verify(municipality, settings).await,
        Command::Dev {
            action:
                DevAction::SeedScale {
                    cases,
                    municipalities,
                    coordinator_cases,
                    seed,
                },
        } => {
            let plan = seed::scale::Plan {
                cases,
                municipalities,
                coordinator_cases,
                seed,
            };
            dev::seed_scale(plan, settings).await
        }
        Command::Documents {
            action: DocumentsAction::Verify { case, rate },
        } => documents::verify(case, rate, settings).await,
        Command::Scim {
            action:
                ScimAction::NewToken {
                    client,
                    municipality,
                },
        } => {
            let code = MunicipalityCode::parse(&municipality).context("--municipality")?;
            let token = crate::auth::tokens::random_token();
            println!("Bearer token for the directory (shown once; keep it in the directory only):");
            println!("  {token}");
            println!("Settings for vejviser:");
            println!("  [scim.clients.{client}]");
            println!("  municipality = \"{code}\"");
            println!(
                "  token_sha256 = \"{}\"",
                crate::auth::tokens::token_hash(&token)
            );
            Ok(())
        }
        Command::Case {
            action:
                CaseAction::Erase {
                    case_id,
                    admin,
                    reason,
                },
        } => {
            let case = CaseId::parse(&case_id).context("the case id")?;
            let db = connect_and_migrate(&settings).await?;
            let blobs = BlobStore::open(&settings).await?;
            let now = clock::from_fixed_now(settings.dev.fixed_now).now();
            let request = operations::erase::EraseRequest {
                case,
                admin,
                reason,
            };
            let erased =
                operations::erase::erase_case(&db, &blobs, &settings, now, request).await?;
            println!(
                "Case {case} erased: its key is destroyed; {} blobs deleted, {} left to delete again.",
                erased.blobs_deleted, erased.blobs_left
            );
            Ok(())
        }
    }
}

async fn find_municipality(
    db: &crate::store::Db,
    code: MunicipalityCode,
) -> anyhow::Result<municipalities::Municipality> {
    municipalities::find_by_code(db, code)
        .await
        .map_err(|e| match e {
            StoreError::NotFound => {
                anyhow::anyhow!("--municipality: no municipality with code {code}")
            }
            other => explain(other),
        })
}

fn explain(err: StoreError) -> anyhow::Error {
    match err {
        StoreError::Conflict(what) => anyhow::anyhow!("{what} already exists"),
        other => anyhow::Error::new(other),
    }
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let app = Application::build(settings).await?;
    print_welcome(&app);
    app.run_until_stopped()
        .await
        .context("the HTTP server stopped with an error")
}

/// On the embedded default: where to look, and how to log in.
fn print_welcome(app: &Application) {
    let settings = &app.state().settings;
    println!(
        "vejviser kører på / is running at {}",
        settings.server.public_url
    );
    if settings.dev.identity_provider {
        println!(
            "Udviklingslogin / development login (test identities, see GET /dev-idp/identities):"
        );
        if let Ok(file) = seed::identities::IdentityFile::embedded()
            && let Ok(identities) = seed::identities::derive(&file, app.state().clock.now().date())
        {
            for identity in identities {
                println!(
                    "  {}/auth/login/{}?login_hint={}",
                    settings.server.public_url.trim_end_matches('/'),
                    serde_json::to_value(identity.provider)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default(),
                    identity.login_hint
                );
            }
        }
    }
}

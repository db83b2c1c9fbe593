//! `vejviser dev seed-scale`: national-scale test data for the benchmarks, never in production.

use crate::config::{Profile, Settings};
use crate::crypto::lookup::LookupKey;
use crate::crypto::master_keys::MasterKeyRing;
use crate::seed::scale::{self, Keys, Plan};
use crate::startup::connect_and_migrate;

pub(super) async fn seed_scale(plan: Plan, settings: Settings) -> anyhow::Result<()> {
    if settings.profile == Profile::Production {
        anyhow::bail!("dev seed-scale is refused in production: it writes made-up people");
    }
    let db = connect_and_migrate(&settings).await?;
    let master = MasterKeyRing::load(&settings.crypto, &settings.data_dir)?;
    let lookup = LookupKey::load(
        settings.crypto.lookup_key.as_ref(),
        settings.crypto.generate_dev_master_key,
        &settings.data_dir,
    )?;
    let started = std::time::Instant::now();
    let now = crate::clock::from_fixed_now(settings.dev.fixed_now).now();
    let keys = Keys {
        master: &master,
        lookup: &lookup,
    };
    let seeded = scale::seed(&db, &keys, &plan, now).await?;
    println!(
        "Added in {:.1} s: {} cases, {} municipalities, {} staff, {} citizens, {} participants, \
         {} consents, {} documents, {} versions.",
        started.elapsed().as_secs_f64(),
        seeded.cases,
        seeded.municipalities,
        seeded.staff,
        seeded.citizens,
        seeded.participants,
        seeded.consents,
        seeded.documents,
        seeded.versions
    );
    Ok(())
}

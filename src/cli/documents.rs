//! `vejviser documents verify [--case ID]`: the scrub run by hand, over every version (or one
//! case's) from the start, without the background job's lease or cursor.

use crate::blobs::BlobStore;
use crate::config::Settings;
use crate::crypto::master_keys::MasterKeyRing;
use crate::documents::scrub::Scrubber;
use crate::domain::ids::CaseId;
use crate::startup::connect_and_migrate;
use anyhow::Context;
use std::sync::Arc;

pub(super) async fn verify(
    case: Option<String>,
    mib_per_second: Option<u64>,
    settings: Settings,
) -> anyhow::Result<()> {
    let case = case
        .map(|id| CaseId::parse(&id).context("--case: not a case id"))
        .transpose()?;
    let scrubber = Scrubber {
        db: connect_and_migrate(&settings).await?,
        keys: Arc::new(MasterKeyRing::load(&settings.crypto, &settings.data_dir)?),
        blobs: BlobStore::open(&settings).await?,
        bytes_per_second: mib_per_second.map(|mib| mib.saturating_mul(1024 * 1024)),
    };
    let now = crate::clock::from_fixed_now(settings.dev.fixed_now).now();
    let tally = scrubber.walk(case, now).await?;
    for damage in &tally.damaged {
        println!(
            "DAMAGED: case {} document {} version {} ({}): {}",
            damage.case, damage.document, damage.number, damage.version, damage.reason
        );
    }
    println!(
        "{} versions checked ({} MB), {} damaged, {} of erased cases skipped",
        tally.checked,
        tally.bytes / 1_000_000,
        tally.damaged.len(),
        tally.erased
    );
    // Returned, not `process::exit`: main prints it and exits with 1, after every drop ran.
    if let Some(reason) = tally.unavailable {
        anyhow::bail!("stopped early: the blob store is unavailable: {reason}");
    }
    if !tally.damaged.is_empty() {
        anyhow::bail!(
            "{} damaged versions (named above; each is recorded in its case's access log)",
            tally.damaged.len()
        );
    }
    Ok(())
}

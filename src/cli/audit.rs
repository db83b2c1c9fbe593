//! `vejviser audit verify [--municipality CODE]`: walks the access log's hash chains.

use super::find_municipality;
use crate::config::Settings;
use crate::domain::municipality_code::MunicipalityCode;
use crate::startup::connect_and_migrate;
use anyhow::Context;

pub(super) async fn verify(municipality: Option<String>, settings: Settings) -> anyhow::Result<()> {
    let db = connect_and_migrate(&settings).await?;
    let chain = match municipality {
        Some(code) => {
            let code = MunicipalityCode::parse(&code).context("--municipality")?;
            Some(find_municipality(&db, code).await?.id.to_string())
        }
        None => None,
    };
    let reports = crate::audit::verify::all(&db, chain.as_deref()).await?;
    let mut broken = false;
    for report in &reports {
        match &report.broken {
            None => println!("chain {}: {} rows, unbroken", report.chain, report.rows),
            Some(at) => {
                broken = true;
                println!(
                    "chain {}: BROKEN after {} rows: {at}",
                    report.chain, report.rows
                );
            }
        }
    }
    let total: u64 = reports.iter().map(|r| r.rows).sum();
    println!("{total} rows in {} chains checked", reports.len());
    // Returned, not `process::exit`: main prints it and exits with 1, after every drop ran.
    if broken {
        anyhow::bail!("an audit chain is broken (named above)");
    }
    Ok(())
}

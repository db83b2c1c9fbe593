//! Walks a chain and names its first broken row (`vejviser audit verify`). A row is *changed*
//! when its hash is not the hash of what it holds; it follows a *deleted* row when the hash it
//! names as its predecessor belongs to no row of the chain; it is *reordered* when that hash
//! belongs to another row of the chain than the one before it. Rows missing from the end show
//! against the chain's head.

use super::encoding;
use crate::store::audit::{self as store, GENESIS};
use crate::store::{Db, StoreResult};
use std::collections::HashSet;
use std::fmt;

const PAGE: i64 = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    Changed,
    Deleted,
    Reordered,
}

impl Why {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Changed => "changed",
            Self::Deleted => "deleted",
            Self::Reordered => "reordered",
        }
    }
}

/// The first row at which the chain does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub seq: i64,
    /// None when the newest rows are missing (the head names a row that is not there).
    pub id: Option<String>,
    pub why: Why,
}

impl fmt::Display for Broken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.id, self.why) {
            (Some(id), Why::Changed) => write!(
                f,
                "row {} (id {id}) was changed: its hash does not match its content",
                self.seq
            ),
            (Some(id), Why::Deleted) => write!(
                f,
                "a row before row {} (id {id}) was deleted: its predecessor is missing",
                self.seq
            ),
            (Some(id), Why::Reordered) => write!(
                f,
                "row {} (id {id}) was reordered: its predecessor is elsewhere in the chain",
                self.seq
            ),
            (None, why) => write!(
                f,
                "the newest rows from row {} on were {}: the chain's head names a row that is not there",
                self.seq,
                why.as_str()
            ),
        }
    }
}

/// What one chain's walk found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub chain: String,
    pub rows: u64,
    pub broken: Option<Broken>,
}

/// Walks `chain` (whose head is `head_hash`) from its first row.
pub async fn chain(db: &Db, chain: &str, head_hash: &str) -> StoreResult<Report> {
    crate::metrics::audit_verifications().inc();
    let report = walk(db, chain, head_hash).await?;
    if report.broken.is_some() {
        crate::metrics::audit_verification_failures().inc();
    }
    Ok(report)
}

async fn walk(db: &Db, chain: &str, head_hash: &str) -> StoreResult<Report> {
    let known = hashes(db, chain).await?;
    let mut report = Report {
        chain: chain.to_owned(),
        rows: 0,
        broken: None,
    };
    let mut previous = GENESIS.to_owned();
    let mut last_seq = 0;
    loop {
        let page = store::chain_page(db, chain, last_seq, PAGE).await?;
        let Some(last) = page.last() else { break };
        last_seq = last.seq;
        for row in &page {
            report.rows += 1;
            let why = if encoding::hash(row) != row.hash {
                Some(Why::Changed)
            } else if row.prev_hash != previous {
                Some(if known.contains(&row.prev_hash) {
                    Why::Reordered
                } else {
                    Why::Deleted
                })
            } else {
                None
            };
            if let Some(why) = why {
                report.broken = Some(Broken {
                    seq: row.seq,
                    id: Some(row.id.clone()),
                    why,
                });
                return Ok(report);
            }
            previous.clone_from(&row.hash);
        }
    }
    if previous != head_hash {
        report.broken = Some(Broken {
            seq: last_seq + 1,
            id: None,
            why: Why::Deleted,
        });
    }
    Ok(report)
}

/// Every row hash of the chain, to tell a moved predecessor from a missing one.
async fn hashes(db: &Db, chain: &str) -> StoreResult<HashSet<String>> {
    let mut known = HashSet::new();
    let mut after = 0;
    loop {
        let page = store::chain_page(db, chain, after, PAGE).await?;
        let Some(last) = page.last() else {
            return Ok(known);
        };
        after = last.seq;
        known.extend(page.into_iter().map(|row| row.hash));
    }
}

/// Walks every chain, or only `only` (a chain name); a chain with no head is reported empty.
pub async fn all(db: &Db, only: Option<&str>) -> StoreResult<Vec<Report>> {
    let mut reports = Vec::new();
    let heads = store::heads(db).await?;
    if let Some(only) = only
        && !heads.iter().any(|(chain, _, _)| chain == only)
    {
        reports.push(chain(db, only, GENESIS).await?);
        return Ok(reports);
    }
    for (name, _, head_hash) in heads {
        if only.is_none_or(|o| o == name) {
            reports.push(chain(db, &name, &head_hash).await?);
        }
    }
    Ok(reports)
}

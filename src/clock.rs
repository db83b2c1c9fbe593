//! Where "now" comes from. Age rules, sessions and consent expiry all ask the clock, never the
//! system directly, so tests (and development, via `dev.fixed_now`) can pin the date.

use std::fmt::Debug;
use std::sync::Arc;
use time::OffsetDateTime;

pub trait Clock: Send + Sync + Debug {
    fn now(&self) -> OffsetDateTime;
}

#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that always answers the same instant: for tests and development only (the production
/// profile refuses `dev.fixed_now`).
#[derive(Debug)]
pub struct FixedClock(pub OffsetDateTime);

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        self.0
    }
}

pub type SharedClock = Arc<dyn Clock>;

pub fn from_fixed_now(fixed_now: Option<OffsetDateTime>) -> SharedClock {
    match fixed_now {
        Some(now) => Arc::new(FixedClock(now)),
        None => Arc::new(SystemClock),
    }
}

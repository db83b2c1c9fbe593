//! Expired login state goes (issue #10): the periodic sweeper deletes abandoned login flows and
//! sessions past their idle or absolute time-out, so neither lingers in the database after it can
//! no longer be used, and forgets used back-channel logout tokens once they could no longer be
//! fresh. `session::load` refuses expired sessions anyway; this only removes the rows.

use crate::clock::SharedClock;
use crate::store::{Db, login_flows, logout_tokens, sessions};
use time::Duration;

/// How many rows one sweep removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub login_flows: u64,
    pub sessions: u64,
    pub logout_tokens: u64,
}

/// Deletes expired flows and sessions; a database error is logged and the next sweep tries again.
pub async fn sweep(db: &Db, clock: &SharedClock, idle_minutes: u32) -> Swept {
    let now = clock.now();
    let idle_before = now - Duration::minutes(i64::from(idle_minutes));
    let mut swept = Swept::default();
    match login_flows::delete_expired(db, now).await {
        Ok(n) => swept.login_flows = n,
        Err(e) => {
            tracing::warn!(error = %e, "expired login flows not deleted; tried again next sweep")
        }
    }
    match sessions::delete_expired(db, now, idle_before).await {
        Ok(n) => swept.sessions = n,
        Err(e) => {
            tracing::warn!(error = %e, "expired sessions not deleted; tried again next sweep")
        }
    }
    match logout_tokens::delete_expired(db, now).await {
        Ok(n) => swept.logout_tokens = n,
        Err(e) => {
            tracing::warn!(error = %e, "used logout tokens not forgotten; tried again next sweep")
        }
    }
    if swept != Swept::default() {
        tracing::info!(
            flows = swept.login_flows,
            sessions = swept.sessions,
            logout_tokens = swept.logout_tokens,
            "expired login state deleted"
        );
    }
    swept
}

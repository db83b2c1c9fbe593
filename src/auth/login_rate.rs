//! How often one client address may start a login (`GET /auth/login/*`, issue #10): each start
//! stores a login flow, so without a limit anyone could fill the table. A token bucket per
//! address (the `governor` crate's GCRA), generous enough for a municipality's staff behind one
//! address; per instance, so N instances allow N times the rate, which still bounds the writes.

use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

/// Addresses remembered before the ones whose bucket is full again are forgotten.
const FORGET_ABOVE: usize = 10_000;

#[derive(Debug)]
pub struct LoginRate {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
}

impl LoginRate {
    /// `per_minute` starts a minute, `burst` at once (each at least 1).
    pub fn new(per_minute: u32, burst: u32) -> Self {
        let one = NonZeroU32::MIN;
        let quota = Quota::per_minute(NonZeroU32::new(per_minute).unwrap_or(one))
            .allow_burst(NonZeroU32::new(burst).unwrap_or(one));
        Self {
            limiter: RateLimiter::keyed(quota),
        }
    }

    /// `Ok` if `client` may start a login now, else how long until it may.
    pub fn check(&self, client: IpAddr) -> Result<(), Duration> {
        if self.limiter.len() > FORGET_ABOVE {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(&client)
            .map_err(|not_until| not_until.wait_time_from(self.limiter.clock().now()))
    }
}

//! The account lock-out policy after failed log-in attempts, as pure arithmetic on times.
//!
//! The first few failures are free (typos happen). From the `free_attempts`-th consecutive
//! failure on, the account is locked for `base_delay`, doubling with every further failure
//! (1 min, 2 min, 4 min, …) up to `max_delay`. This makes online guessing of passwords, TOTP and
//! recovery codes hopelessly slow while a person who mistyped is only briefly delayed, and the
//! lock ends by itself so nobody has to be unlocked by hand. The caller keeps the failure count
//! and the time of the last failure per account and resets the count after a success; time is
//! always passed in (no clock is read here), and no input can make the arithmetic overflow.

use time::{Duration, OffsetDateTime, PrimitiveDateTime};

/// How many failures are allowed and how long the lock lasts after that.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    /// Consecutive failures before the first lock (default 5). 0 behaves like 1.
    pub free_attempts: u32,
    /// Length of the first lock (default 1 minute); doubled for each further failure.
    pub base_delay: Duration,
    /// Longest lock (default 1 hour).
    pub max_delay: Duration,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        Self {
            free_attempts: 5,
            base_delay: Duration::minutes(1),
            max_delay: Duration::hours(1),
        }
    }
}

impl LockoutPolicy {
    /// The lock length after `consecutive_failures` failures, or `None` if there is no lock yet.
    /// Negative configured durations count as zero.
    #[must_use]
    pub fn lock_duration(&self, consecutive_failures: u32) -> Option<Duration> {
        let free = self.free_attempts.max(1);
        let extra = consecutive_failures.checked_sub(free)?;
        let max = self.max_delay.max(Duration::ZERO);
        let base = self.base_delay.max(Duration::ZERO);
        let delay = 2u32
            .checked_pow(extra)
            .and_then(|factor| i32::try_from(factor).ok())
            .and_then(|factor| base.checked_mul(factor))
            .map_or(max, |d| d.min(max));
        Some(delay)
    }

    /// Until when the account is locked after `consecutive_failures` failures, the last at
    /// `last_failure_at`: `None` while fewer than `free_attempts` failures have happened, then
    /// `last_failure_at + base_delay * 2^(failures - free_attempts)`, at most `max_delay` later.
    /// With the defaults: 5 failures → 1 min, 6 → 2 min, 7 → 4 min, …, 11 and more → 1 h.
    #[must_use]
    pub fn locked_until(
        &self,
        consecutive_failures: u32,
        last_failure_at: OffsetDateTime,
    ) -> Option<OffsetDateTime> {
        let delay = self.lock_duration(consecutive_failures)?;
        // Only fails within `max_delay` of the year 9999: then stay locked.
        Some(
            last_failure_at
                .checked_add(delay)
                .unwrap_or_else(|| PrimitiveDateTime::MAX.assume_utc()),
        )
    }

    /// Whether the account is locked at `now` (the lock ends at, not after, `locked_until`).
    #[must_use]
    pub fn is_locked(
        &self,
        consecutive_failures: u32,
        last_failure_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> bool {
        self.locked_until(consecutive_failures, last_failure_at)
            .is_some_and(|until| now < until)
    }

    /// How long until the lock ends at `now` (e.g. for a `Retry-After` header), or `None` if
    /// the account is not locked.
    #[must_use]
    pub fn remaining(
        &self,
        consecutive_failures: u32,
        last_failure_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Option<Duration> {
        let until = self.locked_until(consecutive_failures, last_failure_at)?;
        (now < until).then(|| until - now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const T0: OffsetDateTime = datetime!(2026-05-09 12:00 UTC);

    #[test]
    fn defaults() {
        let p = LockoutPolicy::default();
        assert_eq!(p.free_attempts, 5);
        assert_eq!(p.base_delay, Duration::minutes(1));
        assert_eq!(p.max_delay, Duration::hours(1));
    }

    #[test]
    fn free_attempts_are_not_locked() {
        let p = LockoutPolicy::default();
        for failures in 0..5 {
            assert_eq!(p.locked_until(failures, T0), None, "{failures}");
            assert!(!p.is_locked(failures, T0, T0));
            assert_eq!(p.remaining(failures, T0, T0), None);
        }
    }

    #[test]
    fn doubling_sequence_then_cap() {
        let p = LockoutPolicy::default();
        let expected_minutes = [
            (5, 1),
            (6, 2),
            (7, 4),
            (8, 8),
            (9, 16),
            (10, 32),
            (11, 60),
            (12, 60),
        ];
        for (failures, minutes) in expected_minutes {
            assert_eq!(
                p.locked_until(failures, T0),
                Some(T0 + Duration::minutes(minutes)),
                "{failures}"
            );
        }
        for failures in [13, 31, 32, 33, 63, 64, 65, 1000] {
            assert_eq!(
                p.locked_until(failures, T0),
                Some(T0 + Duration::hours(1)),
                "{failures}"
            );
        }
    }

    #[test]
    fn u32_max_does_not_overflow() {
        let p = LockoutPolicy::default();
        assert_eq!(p.locked_until(u32::MAX, T0), Some(T0 + Duration::hours(1)));
        assert!(p.is_locked(u32::MAX, T0, T0 + Duration::minutes(59)));
        assert!(!p.is_locked(u32::MAX, T0, T0 + Duration::hours(1)));
        // Extreme policies and dates do not panic either.
        let wild = LockoutPolicy {
            free_attempts: 0,
            base_delay: Duration::MAX,
            max_delay: Duration::MAX,
        };
        let far = PrimitiveDateTime::MAX.assume_utc();
        assert_eq!(wild.locked_until(u32::MAX, far), Some(far));
        assert!(wild.locked_until(1, T0).is_some());
        let negative = LockoutPolicy {
            free_attempts: u32::MAX,
            base_delay: Duration::minutes(-5),
            max_delay: Duration::MIN,
        };
        assert_eq!(negative.locked_until(u32::MAX - 1, T0), None);
        assert_eq!(negative.locked_until(u32::MAX, T0), Some(T0));
        assert!(!negative.is_locked(u32::MAX, T0, T0));
    }

    #[test]
    fn lock_ends_at_locked_until() {
        let p = LockoutPolicy::default();
        // 6 failures: locked for 2 minutes from the last one.
        assert!(p.is_locked(6, T0, T0));
        assert!(p.is_locked(6, T0, T0 + Duration::seconds(119)));
        assert!(p.is_locked(6, T0, T0 + Duration::minutes(2) - Duration::nanoseconds(1)));
        assert!(!p.is_locked(6, T0, T0 + Duration::minutes(2)));
        assert!(!p.is_locked(6, T0, T0 + Duration::hours(5)));
        assert_eq!(
            p.remaining(6, T0, T0 + Duration::seconds(30)),
            Some(Duration::seconds(90))
        );
        assert_eq!(p.remaining(6, T0, T0 + Duration::minutes(2)), None);
    }

    #[test]
    fn offsets_compare_as_instants() {
        let p = LockoutPolicy::default();
        let last = datetime!(2026-05-09 14:00 +02:00); // 12:00 UTC
        assert!(p.is_locked(5, last, datetime!(2026-05-09 12:00:30 UTC)));
        assert!(!p.is_locked(5, last, datetime!(2026-05-09 12:01 UTC)));
    }

    #[test]
    fn custom_policy() {
        let p = LockoutPolicy {
            free_attempts: 3,
            base_delay: Duration::seconds(10),
            max_delay: Duration::seconds(25),
        };
        assert_eq!(p.lock_duration(2), None);
        assert_eq!(p.lock_duration(3), Some(Duration::seconds(10)));
        assert_eq!(p.lock_duration(4), Some(Duration::seconds(20)));
        assert_eq!(p.lock_duration(5), Some(Duration::seconds(25)));
        // free_attempts 0 behaves like 1: no failure, no lock.
        let strict = LockoutPolicy {
            free_attempts: 0,
            ..LockoutPolicy::default()
        };
        assert_eq!(strict.lock_duration(0), None);
        assert_eq!(strict.lock_duration(1), Some(Duration::minutes(1)));
    }
}

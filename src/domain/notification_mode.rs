//! When an account hears of changes: at once, in one digest a day, or never.

use super::unknown_value::words;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotificationMode {
    /// One message per change (the default).
    #[default]
    Immediate,
    /// Document changes wait for one digest a day at `mail.digest_time` (Copenhagen).
    Daily,
    /// No mail at all (but the confirmation of an address one asked for).
    Off,
}

words!(NotificationMode, "notification mode", {
    Immediate => "immediate",
    Daily => "daily",
    Off => "off",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mode_round_trips() {
        for mode in NotificationMode::ALL {
            assert_eq!(mode.as_str().parse::<NotificationMode>(), Ok(*mode));
        }
        assert!("weekly".parse::<NotificationMode>().is_err());
    }
}

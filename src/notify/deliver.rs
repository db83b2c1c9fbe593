//! One delivery attempt: the recipient's access is checked again (a row whose recipient lost
//! access, has no confirmed address, was deactivated or chose `off` is dropped, not sent; a
//! daily recipient's document message is held for the digest), then the message is composed
//! and handed to the mailer. What comes back decides the row's fate.

use super::compose::{self, Notice};
use super::links;
use super::recipients::may_hear;
use super::transport::{Mailer, SendError};
use crate::app::App;
use crate::domain::assurance_level::AssuranceLevel;
use crate::domain::ids::CaseId;
use crate::domain::notice_event::NoticeEvent;
use crate::domain::notification_mode::NotificationMode;
use crate::i18n::Lang;
use crate::policy::CaseFacts;
use crate::policy::{Actor, ActorKind};
use crate::store::accounts::AccountKind;
use crate::store::notification_settings::{self, Recipient};
use crate::store::outbox::{Claimed, Outcome};
use crate::store::{StoreError, cases};
use std::collections::HashMap;
use std::time::Duration;
use time::OffsetDateTime;

/// The recipient as the policy sees them when they follow the link.
fn actor(recipient: &Recipient) -> Actor {
    let kind = match recipient.kind {
        AccountKind::Staff => ActorKind::Staff {
            municipality: recipient.municipality_id.unwrap_or_default(),
            is_admin: recipient.is_admin,
            // Reading what a notice links to never depends on creating cases.
            may_create_cases: false,
        },
        AccountKind::Citizen => ActorKind::Citizen {
            assurance: AssuranceLevel::Substantial,
        },
    };
    Actor {
        account: recipient.id,
        kind,
    }
}

/// The cases of one claimed batch, each loaded once when the batch starts: the send-time check
/// is as fresh as the batch (at most `mail.batch_size` messages, seconds), and a backlog about
/// one case no longer loads that whole case once per message. `None`: the case is gone.
pub struct BatchCases(HashMap<CaseId, Option<CaseFacts>>);

impl BatchCases {
    pub async fn load(state: &App, batch: &[Claimed]) -> Result<Self, StoreError> {
        let mut cases = HashMap::new();
        for case_id in batch.iter().filter_map(|m| m.case_id) {
            if let std::collections::hash_map::Entry::Vacant(entry) = cases.entry(case_id) {
                entry.insert(cases::load(&state.db, case_id).await?.map(|(_, f, _, _)| f));
            }
        }
        Ok(Self(cases))
    }

    fn facts(&self, case_id: CaseId) -> Option<&CaseFacts> {
        self.0.get(&case_id).and_then(Option::as_ref)
    }
}

/// What becomes of a message before anything is sent: where it would go, or why not.
enum Verdict {
    Send(String),
    Drop(&'static str),
    Hold,
}

/// Where a message goes, or why it is not sent (checked again at every attempt): an address to
/// confirm gets its link whatever the mode; anything else needs a confirmed address, a mode
/// other than `off`, and for a case event the policy's leave now; a daily recipient's
/// document messages wait for their digest.
fn verdict(state: &App, cases: &BatchCases, message: &Claimed, recipient: &Recipient) -> Verdict {
    if !recipient.is_active {
        return Verdict::Drop("the account is deactivated");
    }
    if message.event == NoticeEvent::AddressConfirmation {
        return match &recipient.pending_email {
            Some(address) => Verdict::Send(address.clone()),
            None => Verdict::Drop("no address waits for confirmation"),
        };
    }
    let Some(email) = &recipient.email else {
        return Verdict::Drop("no address is known");
    };
    if !recipient.email_confirmed {
        return Verdict::Drop("the address is not confirmed");
    }
    if recipient.mode == NotificationMode::Off {
        return Verdict::Drop("the recipient turned notifications off");
    }
    let Some(case_id) = message.case_id else {
        return Verdict::Send(email.clone());
    };
    let Some(facts) = cases.facts(case_id) else {
        return Verdict::Drop("the case is gone");
    };
    let allowed = may_hear(
        &actor(recipient),
        message.event,
        facts,
        state.settings.consent.custody_rule,
        state.clock.now(),
    );
    if !allowed {
        return Verdict::Drop("the recipient may no longer see this");
    }
    if recipient.mode == NotificationMode::Daily && message.event.about_documents() {
        return Verdict::Hold;
    }
    Verdict::Send(email.clone())
}

/// The link a message leads to: the case, the list of cases (a digest), or the confirmation.
fn link(state: &App, base: &str, message: &Claimed, to: &str) -> String {
    match (message.event, message.case_id) {
        (NoticeEvent::AddressConfirmation, _) => {
            let hours = i64::from(state.settings.mail.confirm_link_hours);
            let expires = message.created_at + time::Duration::hours(hours);
            let token = links::confirm_token(&state.keys, message.recipient, to, expires);
            format!("{base}{}/confirm/{token}", compose::SETTINGS_PATH)
        }
        (NoticeEvent::OutsiderAccess, Some(case_id)) => {
            format!("{base}/cases/{case_id}/access-log")
        }
        (_, Some(case_id)) => format!("{base}/cases/{case_id}"),
        (_, None) => format!("{base}/cases"),
    }
}

/// Tries to deliver `message` once and says how that ended.
pub async fn attempt(
    state: &App,
    mailer: &Mailer,
    cases: &BatchCases,
    message: &Claimed,
) -> Outcome {
    let recipient = match notification_settings::recipient(&state.db, message.recipient).await {
        Ok(recipient) => recipient,
        Err(e) => return retry_or_fail(state, message, format!("database: {e}")),
    };
    let to = match verdict(state, cases, message, &recipient) {
        Verdict::Send(to) => to,
        Verdict::Drop(why) => return Outcome::Dropped(why.to_owned()),
        Verdict::Hold => return Outcome::Held,
    };
    let lang = recipient
        .language
        .as_deref()
        .and_then(Lang::from_code)
        .unwrap_or(Lang::Da);
    let public_url = match state.settings.server.public_url() {
        Ok(url) => url,
        Err(e) => return Outcome::Failed(format!("server.public_url: {e}")),
    };
    let base = public_url.as_str().trim_end_matches('/');
    let unsubscribe = links::unsubscribe_token(&state.keys, message.recipient);
    let notice = Notice {
        id: message.id,
        event: message.event,
        detail: message.detail.as_deref(),
        to: &to,
        lang,
        link: link(state, base, message, &to),
        unsubscribe_url: format!("{base}{}/unsubscribe/{unsubscribe}", compose::SETTINGS_PATH),
    };
    let email = match compose::compose(&state.settings.mail, &public_url, &notice) {
        Ok(email) => email,
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    match mailer.send(message.id, &email).await {
        Ok(()) => Outcome::Sent,
        Err(SendError::Permanent(why)) => Outcome::Failed(why),
        Err(SendError::Temporary(why)) => retry_or_fail(state, message, why),
    }
}

/// A temporary failure: again later, or failed once the attempts are used up.
fn retry_or_fail(state: &App, message: &Claimed, reason: String) -> Outcome {
    let attempts = message.attempts + 1;
    let settings = &state.settings.mail;
    if attempts >= i64::from(settings.max_attempts) {
        return Outcome::Failed(format!("gave up after {attempts} attempts: {reason}"));
    }
    let wait = back_off(
        settings.retry_base_ms,
        settings.retry_max_ms,
        attempts,
        jitter(),
    );
    Outcome::Retry {
        at: state.clock.now() + wait,
        reason,
    }
}

/// A random fraction in [0, 1).
fn jitter() -> f64 {
    let bits = uuid::Uuid::new_v4().as_u128() as u64 >> 11;
    bits as f64 / (1u64 << 53) as f64
}

/// Exponential back-off with "equal jitter": after the n-th failed attempt wait between half
/// and all of `base * 2^(n-1)`, capped at `max`; so instances that failed together spread out.
pub fn back_off(base_ms: u64, max_ms: u64, attempts: i64, jitter: f64) -> Duration {
    let exponent = u32::try_from(attempts.saturating_sub(1).clamp(0, 40)).unwrap_or(40);
    let full = base_ms.saturating_mul(1u64 << exponent).min(max_ms);
    let half = full / 2;
    let spread = (half as f64 * jitter.clamp(0.0, 1.0)) as u64;
    Duration::from_millis(half + spread)
}

/// The age of the oldest pending message.
pub fn age(now: OffsetDateTime, oldest: Option<OffsetDateTime>) -> i64 {
    oldest.map_or(0, |at| (now - at).whole_seconds().max(0))
}

#[cfg(test)]
mod tests {
    use super::back_off;
    use std::time::Duration;

    #[test]
    fn back_off_doubles_with_jitter_and_stops_at_the_cap() {
        assert_eq!(back_off(1000, 60_000, 1, 0.0), Duration::from_millis(500));
        assert_eq!(
            back_off(1000, 60_000, 1, 0.999_999),
            Duration::from_millis(999)
        );
        assert_eq!(back_off(1000, 60_000, 3, 0.0), Duration::from_millis(2000));
        assert_eq!(
            back_off(1000, 60_000, 30, 0.5),
            Duration::from_millis(45_000)
        );
        assert_eq!(
            back_off(1000, 60_000, i64::MAX, 1.0),
            Duration::from_millis(60_000)
        );
    }
}

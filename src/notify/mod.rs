//! Notifications (DESIGN.md §6): the outbox rows a change writes in its own transaction
//! (`enqueue`), who hears of what (`recipients`, as the policy decides), the message
//! (`compose`), where it goes (`transport`: SMTP or a folder of `.eml` files), and the worker
//! that delivers (`worker`, one attempt at a time in `deliver`); what the worker's sweep writes
//! when due (`digest`, `reminders`, and `outsider`: the coordinator's alert when an admin or
//! an outsider acted on a case); the failed messages admins see (`failures`); a person's own settings (`preferences`) and the signed
//! links of a message (`links`).

pub mod compose;
pub mod deliver;
pub mod digest;
pub mod enqueue;
pub mod failures;
pub mod links;
pub mod outsider;
pub mod preferences;
pub mod recipients;
pub mod reminders;
pub mod transport;
pub mod worker;

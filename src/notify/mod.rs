//! Notifications (DESIGN.md §6): the outbox rows a change writes in its own transaction
//! (`enqueue`), who hears of what (`recipients`, as the policy decides), the message
//! (`compose`), where it goes (`transport`: SMTP or a folder of `.eml` files), and the worker
//! that delivers (`worker`, one attempt at a time in `deliver`).

pub mod compose;
pub mod deliver;
pub mod enqueue;
pub mod recipients;
pub mod transport;
pub mod worker;

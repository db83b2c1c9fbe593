//! Staff administration, a service beside the case services: finding colleagues in one's own
//! municipality (`search`, also behind the admin page's list) and the admin's changes to a staff
//! account (`flags`: deactivate, reactivate, the admin flag); `create` makes new staff accounts;
//! `grants` shows an admin whose cases a staff member can reach, `offboard` deactivates a leaver
//! and hands their cases on; `directory` is the municipality's directory provisioning staff over
//! SCIM. Like the case services these check
//! access before they read or change anything and never see HTTP types; their errors are
//! `CaseError`, so handlers answer them the way they answer the case services.

pub mod create;
pub mod directory;
pub mod flags;
pub mod grants;
pub mod offboard;
pub mod overview;
pub mod search;

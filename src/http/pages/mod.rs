//! HTML pages (askama templates under templates/, DKFDS styled, text from the catalogue).

pub mod access_log;
pub mod admin;
pub mod admin_access_log;
pub mod admin_mail;
pub mod admin_staff;
pub mod cases;
mod confirm;
pub mod consent_flow;
mod consent_status;
pub mod consents;
mod display;
pub mod documents;
mod forms;
pub mod front;
pub mod given_consent;
pub mod language;
pub mod layout;
pub mod login_required;
pub mod notice;
pub mod notifications;
pub mod participants;
pub mod uploads;

//! vejviser: secure document sharing for the team around a young person in or leaving care.
//! The layers, top down: `http` → domain services → `policy` → `store` / `blobs` / `crypto`.
//! See DESIGN.md in the shared folder and the README.

pub mod app;
pub mod audit;
pub mod auth;
pub mod blobs;
pub mod cases;
pub mod cli;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod documents;
pub mod domain;
pub mod duty_log;
pub mod error;
pub mod http;
pub mod i18n;
pub mod metrics;
pub mod notify;
pub mod operations;
pub mod policy;
pub mod seed;
pub mod staff;
pub mod startup;
pub mod store;
pub mod telemetry;

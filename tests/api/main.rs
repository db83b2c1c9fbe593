#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

//! The integration suite: one binary (one link) built from a module per feature. Every test that
//! touches the database runs twice, on SQLite and on PostgreSQL (`on_both_databases!`).

mod browser;
mod helpers;
mod support;
mod team;

mod access_log;
mod access_review;
mod accessibility;
mod admin_pages;
mod audit_actions;
mod audit_bench;
mod audit_retention;
mod audit_search;
mod backchannel_logout;
mod browser_document_journeys;
mod browser_journeys;
mod case_pages;
mod cases;
mod cli;
mod confirmations;
mod consent_changes;
mod consent_evidence;
mod contract;
mod database_faults;
mod demo_scripts;
mod digests_and_reminders;
mod disk_full;
mod document_pages;
mod documents;
mod duties;
mod duty_pages;
mod headers;
mod health;
mod key_operations;
mod login;
mod login_conformance;
mod login_expiry;
mod login_oidc_provider;
mod mail_bench;
mod mail_faults;
mod metrics;
mod migrations;
mod notification_settings;
mod notifications;
mod offboarding;
mod openapi;
mod outsider_alert;
mod pages;
mod password_login;
mod problems;
mod query_plans;
mod scale_seed;
mod scim;
mod scrub;
mod sealed_texts;
mod seed;
mod storage_faults;
mod upload_pages;
mod upload_rules;
mod upload_stalls;

//! The application: everything a request or a background job can reach, built once at start-up
//! (`startup`) and shared by every worker. Services take `&App`; nothing here knows about HTTP.

use crate::audit::batch::Batcher;
use crate::auth::dev_idp::DevIdp;
use crate::auth::login_rate::LoginRate;
use crate::auth::oidc::RelyingParty;
use crate::blobs::BlobStore;
use crate::clock::SharedClock;
use crate::config::Settings;
use crate::crypto::lookup::LookupKey;
use crate::crypto::master_keys::MasterKeyRing;
use crate::metrics::Metrics;
use crate::store::Db;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct App {
    /// The settings, checked at start-up; never changed while running.
    pub settings: Arc<Settings>,
    /// The database pool (SQLite or PostgreSQL, one code path).
    pub db: Db,
    /// The writer that commits reads' access-log rows together.
    pub audit: Batcher,
    /// Where encrypted document blobs live (a local folder or S3).
    pub blobs: BlobStore,
    /// The time every decision uses; tests move it.
    pub clock: SharedClock,
    /// The master keys that wrap case keys, and seal small secrets (CPR, TOTP).
    pub keys: Arc<MasterKeyRing>,
    /// The key of the keyed lookups (a CPR number is found by its HMAC, never stored in clear).
    pub lookup: Arc<LookupKey>,
    /// How often one client address may start a login.
    pub login_rate: Arc<LoginRate>,
    /// The OIDC providers; None when none is configured.
    pub rp: Option<RelyingParty>,
    /// The built-in development identity provider, when switched on.
    pub dev_idp: Option<Arc<DevIdp>>,
    /// The Prometheus registry that `/metrics` shows.
    pub metrics: Arc<Metrics>,
    /// The development identities file, when the development identity provider is on.
    pub dev_identities: Option<PathBuf>,
}

//! What every handler can reach, shared by all workers.

use super::metrics::Metrics;
use crate::auth::dev_idp::DevIdp;
use crate::auth::oidc::RelyingParty;
use crate::blobs::BlobStore;
use crate::clock::SharedClock;
use crate::config::Settings;
use crate::crypto::lookup::LookupKey;
use crate::crypto::master_keys::MasterKeyRing;
use crate::store::Db;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub db: Db,
    pub blobs: BlobStore,
    pub clock: SharedClock,
    pub keys: Arc<MasterKeyRing>,
    pub lookup: Arc<LookupKey>,
    /// The OIDC providers; None when none is configured.
    pub rp: Option<RelyingParty>,
    /// The built-in development identity provider, when switched on.
    pub dev_idp: Option<Arc<DevIdp>>,
    pub metrics: Arc<Metrics>,
    /// The development identities file, when the development identity provider is on.
    pub dev_identities: Option<PathBuf>,
}

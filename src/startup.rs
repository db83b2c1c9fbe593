//! Building the application from settings: connect, migrate, seed (development), bind, serve.
//! `Application::build` binds first, so port 0 works in tests and `port()` tells which it got.

use crate::app::App;
use crate::auth::dev_idp::{self, DevIdp, signing::SigningKey};
use crate::auth::oidc::RelyingParty;
use crate::blobs::BlobStore;
use crate::clock::SharedClock;
use crate::config::{BlobBackend, Settings};
use crate::crypto::lookup::LookupKey;
use crate::crypto::master_keys::MasterKeyRing;
use crate::documents::scrub_worker::ScrubWorker;
use crate::http::observability::{PrivacyRootSpan, record_metrics, request_id_header};
use crate::http::{problem, routes, security_headers};
use crate::metrics::Metrics;
use crate::notify::transport::Mailer;
use crate::notify::worker::Worker;
use crate::seed::identities::Provider as Realm;
use crate::store::Db;
use crate::{clock, seed};
use actix_web::dev::Server;
use actix_web::http::KeepAlive;
use actix_web::http::StatusCode;
use actix_web::middleware::{ErrorHandlers, from_fn};
use actix_web::{HttpServer, web};
use anyhow::Context;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;
use tracing_actix_web::TracingLogger;

/// The largest JSON body the API reads (uploads are multipart and have their own limit).
const JSON_LIMIT_BYTES: usize = 256 * 1024;

pub struct Application {
    port: u16,
    server: Server,
    state: App,
    mailer: Mailer,
}

impl Application {
    pub async fn build(mut settings: Settings) -> anyhow::Result<Self> {
        // Bind first: with port 0 the real port is known only now, and the public URL may say 0.
        let listener = TcpListener::bind(&settings.server.address).with_context(|| {
            format!(
                "server.address: cannot listen on {}",
                settings.server.address
            )
        })?;
        let port = listener.local_addr()?.port();
        let public_url = resolve_public_url(&mut settings, port)?;
        let clock = clock::from_fixed_now(settings.dev.fixed_now);
        let keys = MasterKeyRing::load(&settings.crypto, &settings.data_dir)?;
        let lookup = LookupKey::load(
            settings.crypto.lookup_key.as_ref(),
            settings.crypto.generate_dev_master_key,
            &settings.data_dir,
        )?;
        let db = connect_and_migrate(&settings).await?;
        let blobs = BlobStore::open(&settings)
            .await
            .with_context(|| format!("opening the blob store {}", blob_store_name(&settings)))?;
        if settings.dev.seed_demo {
            seed::ensure_demo(&db, clock.now())
                .await
                .context("seeding the demo data")?;
        }
        let (dev_idp, dev_identities) = if settings.dev.identity_provider {
            let identities = seed::prepare_dev_identities(&settings.data_dir, clock.now())?;
            let key = SigningKey::load_or_generate(
                &settings.data_dir.join("dev-idp").join("signing-key.p8"),
            )
            .map_err(|e| anyhow::anyhow!("development identity provider: {e}"))?;
            let municipality = seed::demo_municipality_code()?;
            for realm in [Realm::Citizen, Realm::Staff] {
                settings
                    .oidc
                    .providers
                    .entry(dev_idp::realm_name(realm).to_owned())
                    .or_insert_with(|| {
                        dev_idp::provider_settings(&public_url, realm, &municipality)
                    });
            }
            let idp = DevIdp::new(&public_url, key, identities);
            (
                Some(Arc::new(idp)),
                Some(seed::identities_path(&settings.data_dir)),
            )
        } else {
            (None, None)
        };
        check_staff_municipalities(&db, &settings).await?;
        let rp = match settings.oidc.providers.is_empty() {
            true => None,
            false => Some(RelyingParty::new(
                &settings.oidc.providers,
                public_url.clone(),
            )?),
        };
        let login_rate = Arc::new(crate::auth::login_rate::LoginRate::new(
            settings.session.login_starts_per_minute,
            settings.session.login_starts_burst,
        ));
        let state = App {
            settings: Arc::new(settings),
            audit: crate::audit::batch::Batcher::start(db.clone()),
            db,
            blobs,
            clock,
            keys: Arc::new(keys),
            lookup: Arc::new(lookup),
            login_rate,
            rp,
            dev_idp,
            metrics: Arc::new(Metrics::default()),
            dev_identities,
        };
        // Rows from before migration 0011 get their titles, file names and notes sealed.
        let sealed = crate::documents::sealing::seal_existing(&state.db, &state.keys)
            .await
            .context("sealing the document titles, file names and notes still in clear")?;
        if sealed != crate::documents::sealing::SealedExisting::default() {
            tracing::info!(
                titles = sealed.titles,
                versions = sealed.versions,
                blanked_for_erased_cases = sealed.blanked,
                "document texts sealed with their case keys"
            );
        }
        start_sweeper(&state).await;
        let mailer = Mailer::from_settings(&state.settings)?;
        let server = serve(listener, state.clone())?;
        tracing::info!(port, "listening");
        Ok(Self {
            port,
            server,
            state,
            mailer,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> &App {
        &self.state
    }

    /// Serves (and delivers mail, with `mail.worker`, and scrubs, with
    /// `documents.scrub.enabled`) until SIGTERM or SIGINT, then lets in-flight requests finish
    /// (up to `server.shutdown_timeout_secs`), lets the mail worker finish the batch in hand,
    /// stops the scrub, and closes the database pool.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let worker = self
            .state
            .settings
            .mail
            .worker
            .then(|| Worker::start(self.state.clone(), self.mailer.clone()));
        let scrub = self
            .state
            .settings
            .documents
            .scrub
            .enabled
            .then(|| ScrubWorker::start(self.state.clone()));
        let outcome = self.server.await;
        if let Some(worker) = worker {
            worker.stop().await;
        }
        if let Some(scrub) = scrub {
            scrub.stop().await;
        }
        self.state.db.close().await;
        tracing::info!("stopped");
        outcome
    }
}

/// Sweeps abandoned uploads and blanks old access-log addresses now (so a crash's leftovers go on the next start), then every few
/// minutes in the background.
async fn start_sweeper(state: &App) {
    let sweeps = Sweeps {
        db: state.db.clone(),
        blobs: state.blobs.clone(),
        clock: state.clock.clone(),
        grace: Duration::from_secs(state.settings.documents.orphan_grace_minutes * 60),
        address_days: state.settings.audit.address_retention_days,
        idle_minutes: state.settings.session.idle_timeout_minutes,
    };
    sweeps.run().await;
    let every = (sweeps.grace / 2).clamp(Duration::from_secs(60), Duration::from_secs(15 * 60));
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.tick().await;
        loop {
            ticks.tick().await;
            sweeps.run().await;
        }
    });
}

/// The periodic housekeeping, once at start and then every few minutes; each sweep logs its own
/// failures and is tried again next time.
struct Sweeps {
    db: Db,
    blobs: BlobStore,
    clock: SharedClock,
    grace: Duration,
    address_days: u32,
    idle_minutes: u32,
}

impl Sweeps {
    async fn run(&self) {
        crate::documents::sweeper::sweep(&self.db, &self.blobs, &self.clock, self.grace).await;
        crate::audit::retention::blank_old_addresses(&self.db, &self.clock, self.address_days)
            .await;
        crate::auth::expiry::sweep(&self.db, &self.clock, self.idle_minutes).await;
        crate::cases::consent_expiry::record_expired(&self.db, &self.clock).await;
    }
}

/// Every staff provider's municipality must exist before anyone can log in through it.
async fn check_staff_municipalities(db: &Db, settings: &Settings) -> anyhow::Result<()> {
    for (name, provider) in &settings.oidc.providers {
        let Some(code) = provider.municipality.as_deref() else {
            continue;
        };
        let code = crate::domain::municipality_code::MunicipalityCode::parse(code)
            .map_err(|e| anyhow::anyhow!("oidc.providers.{name}.municipality: {e}"))?;
        match crate::store::municipalities::find_by_code(db, code).await {
            Ok(_) => {}
            Err(crate::store::StoreError::NotFound) => anyhow::bail!(
                "oidc.providers.{name}.municipality: no municipality with code {code}; create it \
                 first (vejviser municipality create --code {code} --name ...)"
            ),
            Err(other) => return Err(other.into()),
        }
    }
    Ok(())
}

/// The data folder holds the database and keys: readable by the service's user only.
fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// `server.public_url` with port 0 means "the port we were given" (tests, and local runs on a
/// random port).
fn resolve_public_url(settings: &mut Settings, port: u16) -> anyhow::Result<url::Url> {
    let mut url = settings
        .server
        .public_url()
        .map_err(|e| anyhow::anyhow!("server.public_url: {e}"))?;
    if url.port() == Some(0) {
        url.set_port(Some(port))
            .map_err(|()| anyhow::anyhow!("server.public_url: cannot set the port"))?;
        settings.server.public_url = url.as_str().trim_end_matches('/').to_owned();
    }
    Ok(url)
}

pub async fn connect_and_migrate(settings: &Settings) -> anyhow::Result<Db> {
    if settings.database.url.is_none() {
        create_private_dir(&settings.data_dir)
            .with_context(|| format!("data_dir: cannot create {}", settings.data_dir.display()))?;
    }
    let db = Db::connect(
        &settings.database_url(),
        settings.database.max_connections,
        Duration::from_secs(settings.database.acquire_timeout_secs),
    )
    .await
    .context("database.url: cannot connect to the database")?;
    db.migrate().await.context("applying database migrations")?;
    Ok(db)
}

fn serve(listener: TcpListener, state: App) -> std::io::Result<Server> {
    let settings = state.settings.clone();
    let data = web::Data::new(state);
    let middleware_settings = settings.clone();
    let mut server = HttpServer::new(move || {
        actix_web::App::new()
            .app_data(data.clone())
            .app_data(
                web::JsonConfig::default()
                    .limit(JSON_LIMIT_BYTES)
                    .error_handler(problem::json_error),
            )
            .app_data(web::QueryConfig::default().error_handler(problem::query_error))
            .app_data(web::PathConfig::default().error_handler(problem::path_error))
            .wrap(
                ErrorHandlers::new()
                    .handler(StatusCode::METHOD_NOT_ALLOWED, routes::method_not_allowed)
                    .handler(StatusCode::UNAUTHORIZED, routes::unauthenticated)
                    .handler(StatusCode::SERVICE_UNAVAILABLE, routes::unavailable),
            )
            .wrap(from_fn(crate::http::csrf::refuse_cross_site))
            .wrap(from_fn(record_metrics))
            .wrap(from_fn(request_id_header))
            .wrap(security_headers::middleware(&middleware_settings))
            .wrap(TracingLogger::<PrivacyRootSpan>::new())
            .configure(routes::configure)
            .default_service(web::to(routes::not_found))
    })
    .listen(listener)?
    .shutdown_timeout(settings.server.shutdown_timeout_secs)
    .client_request_timeout(Duration::from_secs(
        settings.server.client_request_timeout_secs,
    ))
    .client_disconnect_timeout(Duration::from_secs(
        settings.server.client_disconnect_timeout_secs,
    ))
    .keep_alive(match settings.server.keep_alive_secs {
        0 => KeepAlive::Disabled,
        secs => KeepAlive::Timeout(Duration::from_secs(secs)),
    });
    if settings.server.workers > 0 {
        server = server.workers(settings.server.workers);
    }
    Ok(server.run())
}

/// Where the blobs live, for messages: the folder, or the S3 bucket and endpoint.
fn blob_store_name(settings: &Settings) -> String {
    match (&settings.blobs.backend, &settings.blobs.s3) {
        (BlobBackend::S3, Some(s3)) => format!(
            "s3://{} ({})",
            s3.bucket,
            s3.endpoint_url
                .as_deref()
                .unwrap_or("the AWS endpoint for its region")
        ),
        (BlobBackend::S3, None) => "s3 (no [blobs.s3] section)".to_owned(),
        (BlobBackend::Local, _) => format!("at {}", settings.blob_dir().display()),
    }
}

#[cfg(test)]
mod tests {
    use super::blob_store_name;
    use crate::config::{Profile, Settings};
    use figment::providers::{Format, Toml};

    fn settings(toml: &str) -> Settings {
        Settings::load_with(Profile::Development, None, Toml::string(toml)).expect("settings load")
    }

    #[test]
    fn the_blob_store_is_named_by_its_folder_or_its_bucket() {
        let local = settings("data_dir = \"/srv/vejviser\"");
        assert_eq!(blob_store_name(&local), "at /srv/vejviser/blobs");
        let s3 = settings(
            "[blobs]\nbackend = \"s3\"\n[blobs.s3]\nbucket = \"papirer\"\nregion = \"eu-north-1\"\nendpoint_url = \"http://127.0.0.1:9000\"",
        );
        assert_eq!(blob_store_name(&s3), "s3://papirer (http://127.0.0.1:9000)");
    }
}

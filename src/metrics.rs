//! Prometheus metrics: request counts and latencies by route pattern (never the raw path, which
//! would explode the label set and could carry personal data).

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::fmt;
use std::sync::LazyLock;

// The access log's counters are process-wide: the audit module counts where it writes and
// verifies, below any App.
static AUDIT_ROWS: LazyLock<Counter> = LazyLock::new(Counter::default);
static AUDIT_VERIFICATIONS: LazyLock<Counter> = LazyLock::new(Counter::default);
static AUDIT_VERIFICATION_FAILURES: LazyLock<Counter> = LazyLock::new(Counter::default);

/// Audit rows written (counted in their transaction, before it commits).
pub fn audit_rows_written() -> &'static Counter {
    &AUDIT_ROWS
}

/// Chain verifications run, and those that found a broken chain.
pub fn audit_verifications() -> &'static Counter {
    &AUDIT_VERIFICATIONS
}

pub fn audit_verification_failures() -> &'static Counter {
    &AUDIT_VERIFICATION_FAILURES
}

/// The scrub's counters, process-wide too: `vejviser documents verify` counts without an App.
#[derive(Debug, Default)]
pub struct ScrubCounters {
    pub versions_checked: Counter,
    pub bytes_checked: Counter,
    pub damaged_versions: Counter,
    pub passes_finished: Counter,
}

static SCRUB: LazyLock<ScrubCounters> = LazyLock::new(ScrubCounters::default);

pub fn scrub() -> &'static ScrubCounters {
    &SCRUB
}

impl ScrubCounters {
    fn register(&self, registry: &mut Registry) {
        let scrub = registry.sub_registry_with_prefix("scrub");
        scrub.register(
            "versions_checked",
            "Document versions decrypted and hashed by the scrub",
            self.versions_checked.clone(),
        );
        scrub.register(
            "bytes_checked",
            "Plaintext bytes hashed by the scrub",
            self.bytes_checked.clone(),
        );
        scrub.register(
            "damaged_versions",
            "Versions the scrub found damaged (missing, altered, or not matching their SHA-256)",
            self.damaged_versions.clone(),
        );
        scrub.register(
            "passes_finished",
            "Scrub passes over every version finished",
            self.passes_finished.clone(),
        );
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: String,
    pub route: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub method: String,
    pub route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BuildLabels {
    version: String,
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: Family<RouteLabels, Histogram>,
    /// The outbox: messages written, and how their delivery attempts ended.
    pub mail: MailMetrics,
}

#[derive(Debug, Default)]
pub struct MailMetrics {
    pub queued: Counter,
    pub sent: Counter,
    pub failed: Counter,
    pub retried: Counter,
    pub dropped: Counter,
    pub pending: Gauge,
    pub oldest_pending_age_seconds: Gauge,
}

impl MailMetrics {
    fn register(&self, registry: &mut Registry) {
        let mail = registry.sub_registry_with_prefix("mail");
        mail.register(
            "queued",
            "Messages written to the outbox",
            self.queued.clone(),
        );
        mail.register("sent", "Messages delivered", self.sent.clone());
        mail.register(
            "failed",
            "Messages given up on (a permanent failure or too many attempts)",
            self.failed.clone(),
        );
        mail.register(
            "retried",
            "Delivery attempts that failed for a while and will be tried again",
            self.retried.clone(),
        );
        mail.register(
            "dropped",
            "Messages not sent because the recipient lost access, has no address or chose off",
            self.dropped.clone(),
        );
        mail.register(
            "pending",
            "Messages waiting in the outbox",
            self.pending.clone(),
        );
        mail.register(
            "oldest_pending_age_seconds",
            "Age of the oldest message waiting in the outbox",
            self.oldest_pending_age_seconds.clone(),
        );
    }
}

impl fmt::Debug for Metrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Metrics(..)")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("vejviser");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register("http_requests", "HTTP requests answered", requests.clone());
        let durations = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.001, 2.5, 12))
        });
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request",
            durations.clone(),
        );
        let build = Family::<BuildLabels, Gauge>::default();
        build
            .get_or_create(&BuildLabels {
                version: env!("CARGO_PKG_VERSION").to_owned(),
            })
            .set(1);
        registry.register("build_info", "The running version", build);
        let mail = MailMetrics::default();
        mail.register(&mut registry);
        SCRUB.register(&mut registry);
        registry.register(
            "audit_rows_written",
            "Access-log rows written",
            AUDIT_ROWS.clone(),
        );
        registry.register(
            "audit_verifications",
            "Access-log chain verifications run",
            AUDIT_VERIFICATIONS.clone(),
        );
        registry.register(
            "audit_verification_failures",
            "Access-log chain verifications that found a broken chain",
            AUDIT_VERIFICATION_FAILURES.clone(),
        );
        Self {
            registry,
            requests,
            durations,
            mail,
        }
    }
}

impl Metrics {
    pub fn observe_request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let method = normalised_method(method).to_owned();
        let route = route.to_owned();
        self.requests
            .get_or_create(&RequestLabels {
                method: method.clone(),
                route: route.clone(),
                status,
            })
            .inc();
        self.durations
            .get_or_create(&RouteLabels { method, route })
            .observe(seconds);
    }

    /// The OpenMetrics text exposition.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)
            .expect("writing to a String does not fail");
        out
    }
}

/// Any method string a client invents would otherwise become a label value.
fn normalised_method(method: &str) -> &str {
    match method {
        "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" => method,
        _ => "OTHER",
    }
}

//! Mail in the tests: settings for the SMTP servers scripts/test starts (scripts/lib/smtp.sh),
//! a server of a test's own (for "down, then up"), reading what arrived, and waiting until
//! the outbox has settled.

use crate::helpers::TestApp;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use vejviser::domain::ids::CaseId;
use vejviser::store::outbox::{self, MessageState};

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run the suite with scripts/test, which starts the SMTP servers")
    })
}

/// The worker's pace in tests: look often, retry soon.
const PACE: &str =
    "worker = true\npoll_interval_ms = 50\nretry_base_ms = 100\nretry_max_ms = 400\n";

/// `[mail]` for the embedded default's folder of `.eml` files.
pub fn folder_settings() -> String {
    format!("[mail]\nbackend = \"folder\"\n{PACE}")
}

/// `[mail]` for a plain SMTP server on `port`, with `extra` lines for `[mail]`.
pub fn smtp_settings(port: u16, extra: &str) -> String {
    format!(
        "[mail]\nbackend = \"smtp\"\n{PACE}{extra}\n[mail.smtp]\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\ntimeout_secs = 5\n"
    )
}

/// The shared plain server and its maildir.
pub fn plain_server() -> (u16, PathBuf) {
    (
        env("VEJVISER_TEST_SMTP_PORT").parse().unwrap(),
        PathBuf::from(env("VEJVISER_TEST_SMTP_DIR")),
    )
}

/// `[mail]` for the shared server that requires STARTTLS and a login, trusting its test CA.
pub fn starttls_settings() -> (String, PathBuf) {
    let port = env("VEJVISER_TEST_SMTP_TLS_PORT");
    let settings = format!(
        "[mail]\nbackend = \"smtp\"\n{PACE}\n[mail.smtp]\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"starttls\"\n\
         username = \"vejviser\"\npassword = \"test-password\"\nca_file = \"{}\"\ntimeout_secs = 5\n",
        env("VEJVISER_TEST_SMTP_CA")
    );
    (settings, PathBuf::from(env("VEJVISER_TEST_SMTP_TLS_DIR")))
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A test's own SMTP server (tests/smtp/server.py), stopped when dropped.
pub struct OwnServer {
    child: Child,
    pub maildir: tempfile::TempDir,
    pub port: u16,
}

impl OwnServer {
    pub async fn start(port: u16) -> Self {
        let maildir = tempfile::tempdir().unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let child = Command::new("python3")
            .arg(root.join("tests/smtp/server.py"))
            .args(["--port", &port.to_string(), "--maildir"])
            .arg(maildir.path())
            .stdout(Stdio::null())
            .spawn()
            .expect("python3 runs tests/smtp/server.py");
        let server = Self {
            child,
            maildir,
            port,
        };
        for _ in 0..300 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the test's SMTP server did not come up on port {port}");
    }
}

impl Drop for OwnServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One message as it arrived.
#[derive(Debug)]
pub struct Received {
    /// Without the angle brackets.
    pub message_id: String,
    /// The envelope's recipients (the server notes them), or the To header for `.eml` files.
    pub rcpt_to: Vec<String>,
    pub raw: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<String> {
        let parsed = mail_parser::MessageParser::default()
            .parse(self.raw.as_bytes())
            .unwrap();
        parsed.header_raw(name).map(|v| v.trim().to_owned())
    }

    /// Everything a person could read: the headers, the text and the HTML, decoded.
    pub fn readable(&self) -> String {
        let headers = self.raw.split("\r\n\r\n").next().unwrap_or_default();
        format!("{headers}\n{}\n{}\n{}", self.subject, self.text, self.html)
    }
}

fn parse(raw: &[u8]) -> Received {
    let text = String::from_utf8_lossy(raw).into_owned();
    let parsed = mail_parser::MessageParser::default().parse(raw).unwrap();
    let mut rcpt_to: Vec<String> = text
        .lines()
        .filter_map(|l| l.strip_prefix("X-Test-Rcpt-To: "))
        .map(str::to_owned)
        .collect();
    if rcpt_to.is_empty() {
        rcpt_to = parsed
            .to()
            .into_iter()
            .flat_map(|a| a.iter())
            .filter_map(|a| a.address().map(str::to_owned))
            .collect();
    }
    Received {
        message_id: parsed.message_id().unwrap_or_default().to_owned(),
        rcpt_to,
        subject: parsed.subject().unwrap_or_default().to_owned(),
        text: parsed.body_text(0).unwrap_or_default().into_owned(),
        html: parsed.body_html(0).unwrap_or_default().into_owned(),
        raw: text,
    }
}

/// Every message in `dir` (`.eml` files) or in its `new/` folder (a maildir).
pub fn received(dir: &Path) -> Vec<Received> {
    let dir = if dir.join("new").is_dir() {
        dir.join("new")
    } else {
        dir.to_owned()
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .map(|p| parse(&std::fs::read(p).unwrap()))
        .collect()
}

/// The messages in `dir` that carry one of `rows`' Message-IDs (a shared server holds every
/// test's mail).
pub fn received_for<'a>(
    dir: &Path,
    rows: impl IntoIterator<Item = &'a MessageState>,
) -> Vec<Received> {
    let ids: Vec<String> = rows.into_iter().map(|r| r.id.to_string()).collect();
    received(dir)
        .into_iter()
        .filter(|m| ids.iter().any(|id| m.message_id.starts_with(id.as_str())))
        .collect()
}

/// The case's outbox rows once none is pending any more (or after a minute, as they are).
pub async fn settled(app: &TestApp, case: &str) -> Vec<MessageState> {
    wait_for(app, case, |rows| rows.iter().all(|r| r.status != "pending")).await
}

/// The case's outbox rows once `done` holds for them (or after a minute, as they are).
pub async fn wait_for(
    app: &TestApp,
    case: &str,
    done: impl Fn(&[MessageState]) -> bool,
) -> Vec<MessageState> {
    let case = CaseId::parse(case).unwrap();
    for _ in 0..1200 {
        let rows = outbox::for_case(&app.app.db, case).await.unwrap();
        if done(&rows) {
            return rows;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    outbox::for_case(&app.app.db, case).await.unwrap()
}

/// Waits until `count` messages of `rows` are in `dir`; what is there then.
pub async fn arrived(dir: &Path, rows: &[MessageState], count: usize) -> Vec<Received> {
    for _ in 0..600 {
        let found = received_for(dir, rows);
        if found.len() >= count {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    received_for(dir, rows)
}

/// Writes `count` messages to the case's participants in turn (a backlog for the worker);
/// their ids.
pub async fn backlog(
    app: &TestApp,
    case: &str,
    count: usize,
) -> Vec<vejviser::domain::ids::MessageId> {
    let case = CaseId::parse(case).unwrap();
    let (_, facts, _, _) = vejviser::store::cases::load(&app.app.db, case)
        .await
        .unwrap()
        .unwrap();
    let readers: Vec<_> = facts
        .participants
        .iter()
        .filter_map(|p| p.account)
        .collect();
    let messages: Vec<outbox::NewMessage> = readers
        .iter()
        .cycle()
        .take(count)
        .map(|&recipient| outbox::NewMessage {
            recipient,
            case_id: Some(case),
            event: vejviser::domain::notice_event::NoticeEvent::ParticipantAdded,
            detail: Some("read".into()),
            dedupe_key: None,
        })
        .collect();
    let mut tx = app.app.db.begin().await.unwrap();
    let ids = outbox::enqueue(&mut tx, &messages, time::OffsetDateTime::now_utc())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    ids
}

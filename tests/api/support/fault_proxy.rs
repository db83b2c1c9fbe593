//! A TCP proxy on 127.0.0.1 that a test puts between the service and a real dependency
//! (PostgreSQL, the S3 server) and then breaks on purpose.
//!
//! Written here because the fault tools in the registries (toxiproxy and the like) are servers
//! with an HTTP control API of their own; four modes and a cut are all these tests need.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// What the proxy does with a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Mode {
    /// Forwards both ways.
    Pass = 0,
    /// Closes every connection and refuses new ones, as a stopped or restarting server does.
    Refuse = 1,
    /// Accepts and then says nothing, as a host behind a dropped route does.
    Blackhole = 2,
    /// Answers every request with `503 Service Unavailable` (an HTTP dependency in trouble).
    Http503 = 3,
    /// Forwards, each chunk after a delay (a slow link).
    Slow = 4,
}

impl Mode {
    fn from_u8(value: u8) -> Self {
        match value {
            1 => Self::Refuse,
            2 => Self::Blackhole,
            3 => Self::Http503,
            4 => Self::Slow,
            _ => Self::Pass,
        }
    }
}

/// The delay `Mode::Slow` puts before each chunk.
const SLOW_CHUNK_DELAY: Duration = Duration::from_millis(300);

pub struct FaultProxy {
    pub port: u16,
    mode: Arc<AtomicU8>,
    /// Bumped by `set`: every connection opened before ends.
    cuts: watch::Sender<u64>,
    accept_loop: tokio::task::JoinHandle<()>,
}

impl FaultProxy {
    /// A proxy to `upstream` (host:port), passing traffic until told otherwise.
    pub async fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a port");
        let port = listener.local_addr().expect("a local address").port();
        let mode = Arc::new(AtomicU8::new(Mode::Pass as u8));
        let (cuts, _) = watch::channel(0u64);
        let accept_loop = tokio::spawn(accept(listener, upstream, mode.clone(), cuts.clone()));
        Self {
            port,
            mode,
            cuts,
            accept_loop,
        }
    }

    /// A proxy to the host and port of `url` (`default_port` when it names none).
    pub async fn in_front_of(url: &str, default_port: u16) -> Self {
        let url = url::Url::parse(url).expect("a URL");
        let host = url.host_str().expect("a host in the URL");
        Self::start(format!("{host}:{}", url.port().unwrap_or(default_port))).await
    }

    /// Switches to `mode`, ending every connection opened before, so no old connection keeps
    /// working through a fault (or stays broken after it).
    pub fn set(&self, mode: Mode) {
        self.mode.store(mode as u8, Ordering::SeqCst);
        self.cuts.send_modify(|n| *n += 1);
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.accept_loop.abort();
        self.cuts.send_modify(|n| *n += 1);
    }
}

/// Accepts while the mode is not `Refuse`; in `Refuse` the port is closed (a client's connect
/// is refused, as when the server is down) and opened again when the mode changes.
async fn accept(
    listener: TcpListener,
    upstream: String,
    mode: Arc<AtomicU8>,
    cuts: watch::Sender<u64>,
) {
    let port = listener.local_addr().expect("a local address").port();
    let mut listener = Some(listener);
    let mut changes = cuts.subscribe();
    loop {
        let current = Mode::from_u8(mode.load(Ordering::SeqCst));
        if current == Mode::Refuse {
            listener = None;
            if changes.changed().await.is_err() {
                return;
            }
            continue;
        }
        let open = match listener.take() {
            Some(open) => open,
            None => reopen(port),
        };
        tokio::select! {
            accepted = open.accept() => {
                let Ok((client, _)) = accepted else { return };
                let mut cut = cuts.subscribe();
                let upstream = upstream.clone();
                tokio::spawn(async move {
                    tokio::select! {
                        _ = serve(client, &upstream, current) => {}
                        _ = cut.changed() => {}
                    }
                });
            }
            changed = changes.changed() => {
                if changed.is_err() {
                    return;
                }
            }
        }
        listener = Some(open);
    }
}

/// The proxy's port again, after `Refuse` closed it (the address may be reused at once).
fn reopen(port: u16) -> TcpListener {
    let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
    socket.set_reuseaddr(true).expect("SO_REUSEADDR");
    socket
        .bind(std::net::SocketAddr::from(([127, 0, 0, 1], port)))
        .expect("the proxy's port again");
    socket.listen(128).expect("listen")
}

/// One connection in `mode`; returning (or being cancelled by a cut) closes it.
async fn serve(mut client: TcpStream, upstream: &str, mode: Mode) {
    match mode {
        // Not accepted in this mode; a connection accepted just before the switch just closes.
        Mode::Refuse => {}
        Mode::Blackhole => std::future::pending::<()>().await,
        Mode::Http503 => answer_503(&mut client).await,
        Mode::Pass => {
            if let Ok(mut server) = TcpStream::connect(upstream).await {
                let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
            }
        }
        Mode::Slow => {
            if let Ok(server) = TcpStream::connect(upstream).await {
                let (client_read, client_write) = client.into_split();
                let (server_read, server_write) = server.into_split();
                tokio::join!(
                    slow_copy(client_read, server_write),
                    slow_copy(server_read, client_write)
                );
            }
        }
    }
}

/// Reads each request's head and answers 503 until the client goes. The body, if any, is read
/// as the next "request" and answered the same way; a client reads the first answer only.
async fn answer_503(client: &mut TcpStream) {
    let mut buffer = [0u8; 16 * 1024];
    let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<Error><Code>ServiceUnavailable</Code><Message>Injected by the test</Message></Error>";
    let response = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/xml\r\n\
content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    if matches!(client.read(&mut buffer).await, Ok(n) if n > 0) {
        let _ = client.write_all(response.as_bytes()).await;
        let _ = client.shutdown().await;
    }
}

async fn slow_copy(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
) {
    let mut buffer = [0u8; 16 * 1024];
    while let Ok(n) = from.read(&mut buffer).await {
        if n == 0 {
            break;
        }
        tokio::time::sleep(SLOW_CHUNK_DELAY).await;
        if to.write_all(&buffer[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}

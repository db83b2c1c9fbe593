//! An upload that stalls ends. The HTTP server's time-outs cover a request's head and an idle
//! connection, not a body that stops arriving halfway: without this, a client that sends half a
//! file and then nothing would hold its upload (and its half-written blob) open forever. Every
//! wait for the next part, or for the next bytes of a part, is limited to the configured idle
//! time; the time counts from when the service asks, so a slow blob store never counts against
//! the client. What ends this way is an interrupted upload: its blob is discarded.

use super::upload_form::{FormPart, FormParts};
use bytes::Bytes;
use futures_util::Stream;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::{Instant, Sleep};

/// A part's failure, or the silence that ended it.
#[derive(Debug)]
pub enum Stalled<E> {
    Failed(E),
    Idle(Duration),
}

impl<E: fmt::Display> fmt::Display for Stalled<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Failed(e) => e.fmt(f),
            Self::Idle(idle) => write!(f, "no bytes arrived for {} s", idle.as_secs()),
        }
    }
}

/// The form's parts, each wait limited to `idle`.
pub struct Watched<P> {
    parts: P,
    idle: Duration,
}

impl<P> Watched<P> {
    pub fn new(parts: P, idle: Duration) -> Self {
        Self { parts, idle }
    }
}

impl<P: FormParts> FormParts for Watched<P> {
    type Error = Stalled<P::Error>;
    type Body = IdleBody<P::Body>;

    async fn next_part(&mut self) -> Result<Option<FormPart<Self::Body>>, Self::Error> {
        let next = tokio::time::timeout(self.idle, self.parts.next_part())
            .await
            .map_err(|_| Stalled::Idle(self.idle))?
            .map_err(Stalled::Failed)?;
        Ok(next.map(|part| FormPart {
            name: part.name,
            file_name: part.file_name,
            body: IdleBody {
                inner: part.body,
                idle: self.idle,
                deadline: Box::pin(tokio::time::sleep(self.idle)),
                waiting: false,
            },
        }))
    }
}

/// A part's bytes; a wait longer than `idle` for the next piece ends it with `Stalled::Idle`.
pub struct IdleBody<B> {
    inner: B,
    idle: Duration,
    deadline: Pin<Box<Sleep>>,
    /// Whether the deadline runs for the piece now asked for.
    waiting: bool,
}

impl<B, E> Stream for IdleBody<B>
where
    B: Stream<Item = Result<Bytes, E>> + Unpin,
{
    type Item = Result<Bytes, Stalled<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if !this.waiting {
            this.deadline.as_mut().reset(Instant::now() + this.idle);
            this.waiting = true;
        }
        if let Poll::Ready(item) = Pin::new(&mut this.inner).poll_next(cx) {
            this.waiting = false;
            return Poll::Ready(item.map(|piece| piece.map_err(Stalled::Failed)));
        }
        match this.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(Stalled::Idle(this.idle)))),
            Poll::Pending => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    #[tokio::test(start_paused = true)]
    async fn a_body_that_stops_sending_ends_after_the_idle_time() {
        let (sender, receiver) = tokio::sync::mpsc::unbounded_channel::<Result<Bytes, String>>();
        let inner = Box::pin(futures_util::stream::unfold(receiver, |mut r| async move {
            r.recv().await.map(|piece| (piece, r))
        }));
        let mut body = IdleBody {
            inner,
            idle: Duration::from_secs(30),
            deadline: Box::pin(tokio::time::sleep(Duration::from_secs(30))),
            waiting: false,
        };
        sender.send(Ok(Bytes::from_static(b"first"))).unwrap();
        assert_eq!(body.next().await.unwrap().unwrap(), "first");
        // The service was busy for longer than the idle time: that is not the client's fault.
        tokio::time::sleep(Duration::from_secs(60)).await;
        sender.send(Ok(Bytes::from_static(b"second"))).unwrap();
        assert_eq!(body.next().await.unwrap().unwrap(), "second");
        // Then the client sends nothing more (the clock is tokio's paused one: no real waiting).
        let started = Instant::now();
        let ended = body.next().await.unwrap();
        assert!(matches!(ended, Err(Stalled::Idle(_))), "{ended:?}");
        assert_eq!(started.elapsed(), Duration::from_secs(30));
        drop(sender);
    }
}

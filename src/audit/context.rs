//! The request an audit row is written for: its id and the client's address. The HTTP edge sets
//! it around each request (`scope`), so services record it without carrying it through every
//! call; commands and background jobs run outside any request and record neither.

use std::future::Future;

#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    pub request_id: Option<String>,
    pub client_address: Option<String>,
}

tokio::task_local! {
    static CURRENT: RequestContext;
}

/// Runs `work` with `context` as the current request.
pub async fn scope<F: Future>(context: RequestContext, work: F) -> F::Output {
    CURRENT.scope(context, work).await
}

/// The current request, if any.
pub fn current() -> RequestContext {
    CURRENT.try_with(Clone::clone).unwrap_or_default()
}

//! The S3 blob store (AWS or an S3-compatible server).
//!
//! S3 shows an object only once PutObject or CompleteMultipartUpload succeeds, which gives the
//! writer its atomicity. A writer buffers one part (8 MiB): a smaller blob is a single PutObject
//! at commit, a larger one a multipart upload whose parts go out as the buffer fills.

use super::{BlobError, BlobKey, key};
use crate::config::S3BlobSettings;
use aws_sdk_s3::Client;
use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::config::timeout::TimeoutConfig;
use aws_sdk_s3::config::{
    Credentials, Region, RequestChecksumCalculation, ResponseChecksumValidation,
};
use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
use bytes::{Bytes, BytesMut};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// S3 wants parts of at least 5 MiB (bar the last) and at most 10 000 of them: blobs up to 80 GB.
const PART_SIZE: usize = 8 * 1024 * 1024;
const MAX_PARTS: usize = 10_000;

#[derive(Debug, Clone)]
pub struct S3Store {
    client: Client,
    bucket: Arc<str>,
    /// Empty or ending in `/`.
    prefix: Arc<str>,
}

impl S3Store {
    /// Credentials come from the standard AWS chain (environment, profile, web identity, ECS,
    /// IMDS). Makes no request: `check_ready` tells whether the bucket answers.
    pub async fn open(settings: &S3BlobSettings) -> Result<Self, BlobError> {
        Self::open_with(settings, None).await
    }

    /// `open`, with fixed credentials instead of the chain (tests).
    pub(super) async fn open_with(
        settings: &S3BlobSettings,
        credentials: Option<Credentials>,
    ) -> Result<Self, BlobError> {
        let config_error = |why: &str| Err(BlobError::Config(format!("blobs.s3.{why}")));
        if settings.bucket.is_empty() {
            return config_error("bucket is empty");
        }
        let mut prefix = settings.key_prefix.clone();
        if !prefix.is_empty() && !prefix.ends_with('/') {
            prefix.push('/');
        }
        if key::check_prefix(&prefix).is_err() {
            return config_error("key_prefix: only a-z, 0-9, - and / are allowed");
        }
        // rustls over ring, the provider the rest of the service uses: the SDK's default client
        // would bring aws-lc (a C build) along.
        let http = aws_smithy_http_client::Builder::new()
            .tls_provider(Provider::Rustls(CryptoMode::Ring))
            .build_https();
        let timeouts = TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(settings.connect_timeout_secs))
            .read_timeout(Duration::from_secs(settings.read_timeout_secs))
            .build();
        let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .http_client(http)
            .timeout_config(timeouts);
        if let Some(region) = &settings.region {
            loader = loader.region(Region::new(region.clone()));
        }
        if let Some(credentials) = credentials {
            loader = loader.credentials_provider(credentials);
        }
        let shared = loader.load().await;
        if shared.region().is_none() {
            return config_error("region is unset and AWS_REGION too");
        }
        let mut config = aws_sdk_s3::config::Builder::from(&shared)
            .force_path_style(settings.force_path_style)
            // Checksums only where S3 requires them: many S3-compatible servers reject the
            // SDK's default trailing checksums, and the ciphertext is authenticated above us.
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            .response_checksum_validation(ResponseChecksumValidation::WhenRequired);
        if let Some(url) = &settings.endpoint_url {
            config = config.endpoint_url(url);
        }
        Ok(Self {
            client: Client::from_conf(config.build()),
            bucket: settings.bucket.as_str().into(),
            prefix: prefix.into(),
        })
    }

    #[cfg(test)]
    pub(super) fn client(&self) -> &Client {
        &self.client
    }

    pub async fn check_ready(&self) -> Result<(), BlobError> {
        self.client
            .head_bucket()
            .bucket(&*self.bucket)
            .send()
            .await
            .map_err(|e| s3_error("HeadBucket", e))?;
        Ok(())
    }

    fn object(&self, key: &BlobKey) -> String {
        format!("{}{key}", self.prefix)
    }

    pub(super) fn writer(&self, key: &BlobKey) -> S3Writer {
        S3Writer {
            store: self.clone(),
            object: self.object(key),
            buf: BytesMut::new(),
            upload: None,
            written: 0,
        }
    }

    pub(super) async fn reader(&self, key: &BlobKey) -> Result<S3Reader, BlobError> {
        let out = self
            .client
            .get_object()
            .bucket(&*self.bucket)
            .key(self.object(key))
            .send()
            .await
            .map_err(|e| not_found_or("GetObject", e))?;
        Ok(S3Reader {
            len: out.content_length().and_then(|n| u64::try_from(n).ok()),
            body: out.body,
        })
    }

    pub(super) async fn delete(&self, key: &BlobKey) -> Result<(), BlobError> {
        // S3 answers 204 for a missing key too; some compatible servers say 404.
        match self
            .client
            .delete_object()
            .bucket(&*self.bucket)
            .key(self.object(key))
            .send()
            .await
            .map_err(|e| not_found_or("DeleteObject", e))
        {
            Ok(_) | Err(BlobError::NotFound) => Ok(()),
            Err(e) => Err(e),
        }
    }

    pub(super) async fn exists(&self, key: &BlobKey) -> Result<bool, BlobError> {
        match self
            .client
            .head_object()
            .bucket(&*self.bucket)
            .key(self.object(key))
            .send()
            .await
            .map_err(|e| not_found_or("HeadObject", e))
        {
            Ok(_) => Ok(true),
            Err(BlobError::NotFound) => Ok(false),
            Err(e) => Err(e),
        }
    }

    pub(super) async fn list(&self, prefix: &str) -> Result<Vec<(BlobKey, SystemTime)>, BlobError> {
        let mut pages = self
            .client
            .list_objects_v2()
            .bucket(&*self.bucket)
            .prefix(format!("{}{prefix}", self.prefix))
            .into_paginator()
            .send();
        let mut found = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| s3_error("ListObjectsV2", e))?;
            for object in page.contents() {
                // Objects that are not ours (not a valid key) are left alone.
                let Some(Ok(key)) = object
                    .key()
                    .and_then(|k| k.strip_prefix(&*self.prefix))
                    .map(BlobKey::new)
                else {
                    continue;
                };
                // Unknown age counts as new, so a sweeper never takes it for an old orphan.
                let modified = object
                    .last_modified()
                    .and_then(|t| SystemTime::try_from(*t).ok())
                    .unwrap_or_else(SystemTime::now);
                found.push((key, modified));
            }
        }
        Ok(found)
    }

    /// Aborts multipart uploads under the prefix begun more than `older_than` ago. A bucket
    /// lifecycle rule (AbortIncompleteMultipartUpload) does the same on AWS.
    pub(super) async fn sweep_incomplete(&self, older_than: Duration) -> Result<usize, BlobError> {
        let cutoff = SystemTime::now()
            .checked_sub(older_than)
            .unwrap_or(SystemTime::UNIX_EPOCH);
        let mut stale = Vec::new();
        let (mut key_marker, mut id_marker) = (None, None);
        loop {
            let page = self
                .client
                .list_multipart_uploads()
                .bucket(&*self.bucket)
                .prefix(&*self.prefix)
                .set_key_marker(key_marker.take())
                .set_upload_id_marker(id_marker.take())
                .send()
                .await
                .map_err(|e| s3_error("ListMultipartUploads", e))?;
            for upload in page.uploads() {
                let started = upload
                    .initiated()
                    .and_then(|t| SystemTime::try_from(*t).ok());
                if let (Some(key), Some(id), Some(started)) =
                    (upload.key(), upload.upload_id(), started)
                    && started < cutoff
                {
                    stale.push((key.to_owned(), id.to_owned()));
                }
            }
            if page.is_truncated() != Some(true) {
                break;
            }
            key_marker = page.next_key_marker().map(str::to_owned);
            id_marker = page.next_upload_id_marker().map(str::to_owned);
            if key_marker.is_none() && id_marker.is_none() {
                break;
            }
        }
        for (object, id) in &stale {
            self.abort_upload(object, id).await?;
        }
        Ok(stale.len())
    }

    async fn abort_upload(&self, object: &str, upload_id: &str) -> Result<(), BlobError> {
        match self
            .client
            .abort_multipart_upload()
            .bucket(&*self.bucket)
            .key(object)
            .upload_id(upload_id)
            .send()
            .await
            .map_err(|e| not_found_or("AbortMultipartUpload", e))
        {
            // NoSuchUpload: already aborted or completed.
            Ok(_) | Err(BlobError::NotFound) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

#[derive(Debug)]
struct Multipart {
    id: String,
    parts: Vec<CompletedPart>,
}

#[derive(Debug)]
pub(super) struct S3Writer {
    store: S3Store,
    object: String,
    buf: BytesMut,
    /// Begun once the first part is full; `None` again after complete or abort.
    upload: Option<Multipart>,
    written: u64,
}

impl S3Writer {
    pub(super) async fn write(&mut self, mut bytes: &[u8]) -> Result<(), BlobError> {
        while !bytes.is_empty() {
            // A full buffer goes out only when more follows, so a blob of exactly one part
            // stays a single PutObject.
            if self.buf.len() == PART_SIZE {
                self.send_part().await?;
            }
            let n = (PART_SIZE - self.buf.len()).min(bytes.len());
            self.buf.extend_from_slice(&bytes[..n]);
            bytes = &bytes[n..];
            self.written += n as u64;
        }
        Ok(())
    }

    async fn send_part(&mut self) -> Result<(), BlobError> {
        let body = self.buf.split().freeze();
        let result = self.upload_part(body).await;
        if result.is_err() {
            self.abort_upload().await;
        } else {
            // More parts follow: take the whole part's room at once rather than regrow.
            self.buf.reserve(PART_SIZE);
        }
        result
    }

    async fn upload_part(&mut self, body: Bytes) -> Result<(), BlobError> {
        let (client, bucket) = (&self.store.client, &*self.store.bucket);
        let upload = match &mut self.upload {
            Some(upload) => upload,
            None => {
                let out = client
                    .create_multipart_upload()
                    .bucket(bucket)
                    .key(&self.object)
                    .send()
                    .await
                    .map_err(|e| s3_error("CreateMultipartUpload", e))?;
                let id = out.upload_id().ok_or_else(|| {
                    BlobError::S3("CreateMultipartUpload: no upload id in the answer".into())
                })?;
                self.upload.insert(Multipart {
                    id: id.to_owned(),
                    parts: Vec::new(),
                })
            }
        };
        if upload.parts.len() >= MAX_PARTS {
            return Err(BlobError::TooLarge(format!(
                "more than {MAX_PARTS} parts of {PART_SIZE} bytes"
            )));
        }
        let number = i32::try_from(upload.parts.len() + 1).expect("at most MAX_PARTS parts");
        let out = client
            .upload_part()
            .bucket(bucket)
            .key(&self.object)
            .upload_id(&upload.id)
            .part_number(number)
            .body(ByteStream::from(body))
            .send()
            .await
            .map_err(|e| s3_error("UploadPart", e))?;
        upload.parts.push(
            CompletedPart::builder()
                .part_number(number)
                .set_e_tag(out.e_tag)
                .build(),
        );
        Ok(())
    }

    pub(super) async fn commit(mut self) -> Result<u64, BlobError> {
        if self.upload.is_none() {
            let body = std::mem::take(&mut self.buf).freeze();
            self.store
                .client
                .put_object()
                .bucket(&*self.store.bucket)
                .key(&self.object)
                .body(ByteStream::from(body))
                .send()
                .await
                .map_err(|e| s3_error("PutObject", e))?;
            return Ok(self.written);
        }
        if !self.buf.is_empty() {
            self.send_part().await?;
        }
        let Some(upload) = self.upload.take() else {
            return Err(BlobError::S3("UploadPart: the upload was aborted".into()));
        };
        let result = self
            .store
            .client
            .complete_multipart_upload()
            .bucket(&*self.store.bucket)
            .key(&self.object)
            .upload_id(&upload.id)
            .multipart_upload(
                CompletedMultipartUpload::builder()
                    .set_parts(Some(upload.parts))
                    .build(),
            )
            .send()
            .await
            .map_err(|e| s3_error("CompleteMultipartUpload", e));
        if let Err(e) = result {
            // Best effort; what remains is for the sweeper or a lifecycle rule.
            let _ = self.store.abort_upload(&self.object, &upload.id).await;
            return Err(e);
        }
        Ok(self.written)
    }

    pub(super) async fn abort(mut self) -> Result<(), BlobError> {
        match self.upload.take() {
            Some(upload) => self.store.abort_upload(&self.object, &upload.id).await,
            None => Ok(()),
        }
    }

    /// After a failed part: the error that caused it is the one to report.
    async fn abort_upload(&mut self) {
        if let Some(upload) = self.upload.take() {
            let _ = self.store.abort_upload(&self.object, &upload.id).await;
        }
    }
}

impl Drop for S3Writer {
    /// An upload neither completed nor aborted would keep its parts (and cost) until a sweep.
    fn drop(&mut self) {
        let Some(upload) = self.upload.take() else {
            return;
        };
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let (store, object) = (self.store.clone(), std::mem::take(&mut self.object));
            runtime.spawn(async move {
                if let Err(e) = store.abort_upload(&object, &upload.id).await {
                    tracing::warn!("aborting a dropped blob upload: {e}");
                }
            });
        }
    }
}

#[derive(Debug)]
pub(super) struct S3Reader {
    body: ByteStream,
    len: Option<u64>,
}

impl S3Reader {
    pub(super) async fn next_chunk(&mut self) -> Result<Option<Bytes>, BlobError> {
        loop {
            match self.body.try_next().await {
                Ok(Some(chunk)) if chunk.is_empty() => continue,
                Ok(chunk) => return Ok(chunk),
                Err(e) => {
                    return Err(BlobError::S3(format!(
                        "GetObject body: {}",
                        DisplayErrorContext(&e)
                    )));
                }
            }
        }
    }

    pub(super) fn len(&self) -> Option<u64> {
        self.len
    }
}

/// The operation, then S3's code and message for a service error (not its raw body, which for
/// signature errors echoes the string that was signed), else the SDK's error chain.
/// A connection that failed or timed out, a response cut off, or S3 saying it is in trouble
/// (5xx, SlowDown) is `Unavailable`; any other refusal is `S3`.
fn s3_error<E>(operation: &str, e: SdkError<E, HttpResponse>) -> BlobError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let out_of_reach = match &e {
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) | SdkError::ResponseError(_) => {
            true
        }
        SdkError::ServiceError(service) => {
            service.raw().status().is_server_error() || service.err().code() == Some("SlowDown")
        }
        _ => false,
    };
    let detail = match &e {
        SdkError::ServiceError(service) => format!(
            "{} (HTTP {}): {}",
            service.err().code().unwrap_or("unknown error"),
            service.raw().status().as_u16(),
            service.err().message().unwrap_or("no message"),
        ),
        other => DisplayErrorContext(other).to_string(),
    };
    let message = format!("{operation}: {detail}");
    if out_of_reach {
        BlobError::Unavailable(message)
    } else {
        BlobError::S3(message)
    }
}

/// 404 (NoSuchKey, NoSuchUpload, HEAD's bodiless NotFound) as `NotFound`, but not a missing
/// bucket; anything else as `s3_error`.
fn not_found_or<E>(operation: &str, e: SdkError<E, HttpResponse>) -> BlobError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let status = e.raw_response().map(|r| r.status().as_u16());
    let code = e.as_service_error().and_then(|s| s.code());
    if status == Some(404) && code != Some("NoSuchBucket") {
        BlobError::NotFound
    } else {
        s3_error(operation, e)
    }
}

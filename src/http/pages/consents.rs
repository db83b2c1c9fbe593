//! Consent from the case page: a citizen gives their own, the coordinator records a paper
//! declaration (linked to its scanned document), and the giver or the coordinator withdraws one.
//! The forms carry the same input as `/api/v1/cases/{case_id}/consents` and land back on the case
//! page; every decision is the policy's, through the same services.

use super::forms::{PageForm, on_case};
use crate::app::App;
use crate::cases::{actor_of, consents};
use crate::domain::ids::CaseId;
use crate::http::input::{GiveConsent, NoFields};
use actix_web::{HttpRequest, HttpResponse, web};
use uuid::Uuid;

/// A citizen gives their own consent, or (with `given_by_participant_id`) the coordinator records
/// a signed paper declaration.
pub async fn give(
    req: HttpRequest,
    state: web::Data<App>,
    path: web::Path<CaseId>,
    form: PageForm<GiveConsent>,
) -> HttpResponse {
    let case = path.into_inner();
    let PageForm { who, fields, .. } = form;
    let done = fields.submit(&state, &actor_of(&who), case).await;
    on_case(&req, case, done.map(|_| ()))
}

/// The giver or the coordinator withdraws a consent.
pub async fn withdraw(
    req: HttpRequest,
    state: web::Data<App>,
    path: web::Path<(CaseId, Uuid)>,
    form: PageForm<NoFields>,
) -> HttpResponse {
    let (case, consent) = path.into_inner();
    let done = consents::withdraw(&state, &actor_of(&form.who), case, consent).await;
    on_case(&req, case, done)
}

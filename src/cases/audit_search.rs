//! An admin's search of their municipality's access log (issue #11): filters by account, case,
//! action and time, newest first. The municipality comes from the admin, never from the request,
//! so another municipality's rows cannot be asked for. Document titles are not opened for admins.
//! Each search is itself recorded (`search_audit_log`), with no filter value copied into the row.

use super::access_log::{PAGE_SIZE, what_admin, who};
use super::{CaseError, CaseResult};
use crate::app::App;
use crate::audit::{self, Event};
use crate::domain::audit_action::AuditAction;
use crate::domain::ids::{AccountId, CaseId};
use crate::error::Arg;
use crate::i18n::Lang;
use crate::policy::staff::StaffAction;
use crate::policy::{Actor, ActorKind, Reason};
use crate::staff::search::allowed;
use crate::store::audit::{self as store, AuditRow, Filter};
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The filters as given in the query string (all optional).
#[derive(Debug, Default)]
pub struct Query<'a> {
    pub account: Option<&'a str>,
    pub case: Option<&'a str>,
    pub action: Option<&'a str>,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AdminEntry {
    pub at: String,
    pub action: String,
    pub outcome: String,
    pub reason: Option<String>,
    pub case_id: Option<String>,
    pub actor_account_id: Option<String>,
    pub actor_role: Option<String>,
    /// The account acted on (a staff change, a linked identity, a refused second subject).
    pub target_account_id: Option<String>,
    pub who_da: String,
    pub who_en: String,
    /// What was done, in a sentence without document titles or names.
    pub what_da: String,
    pub what_en: String,
    pub version: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AdminPage {
    pub page: u32,
    pub has_more: bool,
    pub entries: Vec<AdminEntry>,
}

fn bad(field: &'static str) -> CaseError {
    CaseError::invalid(field, "invalid.audit_filter")
}

fn parse_filter(municipality: String, q: &Query) -> CaseResult<Filter> {
    let time = |field, v: Option<&str>| {
        v.map(|v| OffsetDateTime::parse(v, &Rfc3339).map_err(|_| bad(field)))
            .transpose()
    };
    Ok(Filter {
        municipality_id: Some(municipality),
        actor_account_id: q
            .account
            .map(|a| {
                AccountId::parse(a)
                    .map(|a| a.to_string())
                    .map_err(|_| bad("account"))
            })
            .transpose()?,
        case_id: q
            .case
            .map(|c| {
                CaseId::parse(c)
                    .map(|c| c.to_string())
                    .map_err(|_| bad("case"))
            })
            .transpose()?,
        action: q
            .action
            .map(|a| {
                a.parse::<AuditAction>()
                    .map(|a| a.as_str().to_owned())
                    .map_err(|_| bad("action"))
            })
            .transpose()?,
        from: time("from", q.from)?,
        until: time("to", q.to)?,
    })
}

/// The most rows one export holds; a wider search is refused, to be narrowed by time.
pub const EXPORT_LIMIT: i64 = 50_000;

/// One page (from 1) of the admin's municipality's log matching `q`. Admins only, as the policy
/// decides for staff administration.
pub async fn search(state: &App, actor: &Actor, q: &Query<'_>, page: u32) -> CaseResult<AdminPage> {
    let filter = admin_filter(actor, q)?;
    let page = page.max(1);
    let offset = i64::from(page - 1) * PAGE_SIZE;
    let event = Event::new(AuditAction::SearchAuditLog, state.clock.now()).by(actor);
    audit::record_alone(&state.db, &event).await?;
    // One row more than a page says whether there is another.
    let mut rows = store::search(&state.db, &filter, offset, PAGE_SIZE + 1).await?;
    let has_more = rows.len() > PAGE_SIZE as usize;
    rows.truncate(PAGE_SIZE as usize);
    Ok(AdminPage {
        page,
        has_more,
        entries: rows.into_iter().map(admin_entry).collect(),
    })
}

/// Every row matching `q` (newest first) for a CSV file, recorded as `export_audit_log`. More
/// than `EXPORT_LIMIT` rows is refused as a 422 on `from`: the admin narrows the time range.
pub async fn export(state: &App, actor: &Actor, q: &Query<'_>) -> CaseResult<Vec<AdminEntry>> {
    let filter = admin_filter(actor, q)?;
    let mut rows = store::search(&state.db, &filter, 0, EXPORT_LIMIT + 1).await?;
    if rows.len() > EXPORT_LIMIT as usize {
        return Err(CaseError::invalid_with(
            "from",
            "invalid.audit_export_too_large",
            vec![("max", Arg::Number(EXPORT_LIMIT))],
        ));
    }
    let event = Event::new(AuditAction::ExportAuditLog, state.clock.now()).by(actor);
    audit::record_alone(&state.db, &event).await?;
    rows.shrink_to_fit();
    Ok(rows.into_iter().map(admin_entry).collect())
}

/// The filter for an admin of their own municipality (the policy decides who is an admin).
fn admin_filter(actor: &Actor, q: &Query) -> CaseResult<Filter> {
    allowed(actor, StaffAction::Administer)?;
    let ActorKind::Staff { municipality, .. } = actor.kind else {
        return Err(CaseError::Denied(Reason::StaffOnly));
    };
    parse_filter(municipality.to_string(), q)
}

/// A row as an admin sees it: who as role and department, never a name or a document title.
fn admin_entry(r: AuditRow) -> AdminEntry {
    let role = r.actor_role.as_deref();
    let department = r.actor_department.as_deref();
    AdminEntry {
        who_da: who(Lang::Da, None, role, department),
        who_en: who(Lang::En, None, role, department),
        what_da: what_admin(Lang::Da, &r),
        what_en: what_admin(Lang::En, &r),
        at: r.at,
        action: r.action,
        outcome: r.outcome,
        reason: r.reason,
        case_id: r.case_id,
        actor_account_id: r.actor_account_id,
        actor_role: r.actor_role,
        target_account_id: r.target_account_id,
        version: r.target_version,
    }
}

//! "Hvem har set mine oplysninger": a case's access log as the people allowed to read it see it
//! (the policy's `ViewAccessLog`: the young person, custody holders while they have access, the
//! coordinator, the municipality's admins). Each row says when, what in plain language, and by
//! whom as role and department; a name only for the case's own people (its participants and
//! coordinator), whom the young person knows; anyone else, admins included, by their part alone.

use super::{CaseResult, LoadedCase, authorize};
use crate::app::App;
use crate::crypto::keys::CaseKey;
use crate::domain::audit_action::{ActorRole, AuditAction};
use crate::domain::ids::{CaseId, DocumentId};
use crate::i18n::{Lang, catalogue};
use crate::policy::{Action, Actor};
use crate::store::audit::{self as store, AuditRow, Filter};
use serde::Serialize;

/// Rows per page, newest first.
pub const PAGE_SIZE: i64 = 50;
/// The most rows a whole-log download holds.
const WHOLE_LOG: i64 = 100_000;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LogEntry {
    /// RFC 3339 UTC.
    pub at: String,
    pub action: &'static str,
    /// `allowed` or `denied`.
    pub outcome: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// coordinator, admin, staff, citizen, or the participant's role.
    pub actor_role: Option<String>,
    pub actor_department: Option<String>,
    /// Only for the case's own people.
    pub actor_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    pub who_da: String,
    pub who_en: String,
    pub what_da: String,
    pub what_en: String,
    /// An admin or someone without a part in the case acted (the coordinator's alert).
    pub unusual: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LogPage {
    pub page: u32,
    pub has_more: bool,
    pub entries: Vec<LogEntry>,
}

/// One page (from 1) of the case's log, newest first.
pub async fn page(state: &App, actor: &Actor, id: CaseId, page: u32) -> CaseResult<LogPage> {
    let case = authorize(state, actor, Action::ViewAccessLog, id).await?;
    let page = page.max(1);
    let filter = Filter {
        case_id: Some(id.to_string()),
        ..Filter::default()
    };
    let offset = i64::from(page - 1) * PAGE_SIZE;
    let mut rows = store::search(&state.db, &filter, offset, PAGE_SIZE + 1).await?;
    let has_more = rows.len() > PAGE_SIZE as usize;
    rows.truncate(PAGE_SIZE as usize);
    Ok(LogPage {
        page,
        has_more,
        entries: entries(state, &case, &rows).await?,
    })
}

/// The whole log of the case (the young person's copy, their right of access).
pub async fn whole(state: &App, actor: &Actor, id: CaseId) -> CaseResult<Vec<LogEntry>> {
    let case = authorize(state, actor, Action::ViewAccessLog, id).await?;
    let filter = Filter {
        case_id: Some(id.to_string()),
        ..Filter::default()
    };
    let rows = store::search(&state.db, &filter, 0, WHOLE_LOG).await?;
    entries(state, &case, &rows).await
}

/// Whether the case's log holds an admin's or an outsider's action (the case page's mark).
pub async fn has_unusual_access(state: &App, case: &LoadedCase) -> CaseResult<bool> {
    Ok(store::has_outsider(&state.db, &case.row.id.to_string()).await?)
}

fn is_unusual(role: Option<&str>) -> bool {
    matches!(
        role.and_then(|r| r.parse::<ActorRole>().ok()),
        Some(ActorRole::Admin | ActorRole::Staff | ActorRole::Citizen)
    )
}

async fn entries(state: &App, case: &LoadedCase, rows: &[AuditRow]) -> CaseResult<Vec<LogEntry>> {
    let key = titles_key(state, case).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(entry(state, case, key.as_ref(), row).await?);
    }
    Ok(out)
}

/// The case key that opens the documents' sealed titles; none once the case is erased (its
/// documents then show as "et slettet dokument": the log outlives what it names).
async fn titles_key(state: &App, case: &LoadedCase) -> CaseResult<Option<CaseKey>> {
    let Some(sealed) = crate::store::case_keys::get(&state.db, case.row.id).await? else {
        return Ok(None);
    };
    match CaseKey::unwrap(&state.keys, case.row.id.uuid(), &sealed) {
        Ok(key) => Ok(Some(key)),
        Err(e) => {
            tracing::error!(case = %case.row.id, error = %e, "the case key does not open");
            Ok(None)
        }
    }
}

/// A document's kind, and its title when the case key opens it.
async fn document_label(
    state: &App,
    key: Option<&CaseKey>,
    id: &str,
) -> CaseResult<Option<(String, String)>> {
    let Some((stored, kind)) = store::document_label(&state.db, id).await? else {
        return Ok(None);
    };
    let (Some(key), Ok(document)) = (key, DocumentId::parse(id)) else {
        return Ok(None);
    };
    Ok(crate::documents::sealing::title(key, document, &stored)
        .ok()
        .map(|title| (title, kind)))
}

/// The case's own people: its coordinator and current participants, by account.
fn own_name(case: &LoadedCase, account: Option<&str>) -> Option<String> {
    let account = account?;
    if case.row.coordinator_id.to_string() == account {
        return Some(case.row.coordinator_name.clone());
    }
    case.participants
        .iter()
        .find(|p| p.fact.account.is_some_and(|a| a.to_string() == account))
        .map(|p| p.name.clone())
}

async fn entry(
    state: &App,
    case: &LoadedCase,
    key: Option<&CaseKey>,
    row: &AuditRow,
) -> CaseResult<LogEntry> {
    let name = own_name(case, row.actor_account_id.as_deref());
    let document = match &row.target_document_id {
        Some(id) => document_label(state, key, id).await?,
        None => None,
    };
    let participant = match &row.target_participant {
        Some(id) => store::participant_label(&state.db, id).await?,
        None => None,
    };
    let say = |lang| Said {
        who: who(
            lang,
            name.as_deref(),
            row.actor_role.as_deref(),
            row.actor_department.as_deref(),
        ),
        what: what(lang, row, document.as_ref(), participant.as_ref()),
    };
    let (da, en) = (say(Lang::Da), say(Lang::En));
    Ok(LogEntry {
        at: row.at.clone(),
        action: row
            .action
            .parse::<AuditAction>()
            .map_or("unknown", AuditAction::as_str),
        outcome: row.outcome.clone(),
        reason: row.reason.clone(),
        actor_role: row.actor_role.clone(),
        actor_department: row.actor_department.clone(),
        actor_name: name,
        document_title: document.map(|(title, _)| title),
        version: row.target_version,
        who_da: da.who,
        who_en: en.who,
        what_da: da.what,
        what_en: en.what,
        unusual: is_unusual(row.actor_role.as_deref()),
    })
}

struct Said {
    who: String,
    what: String,
}

/// "Jonas Hansen (fagperson, Jobcenteret)", "en administrator i kommunen", "fagperson, Jobcenteret".
pub fn who(lang: Lang, name: Option<&str>, role: Option<&str>, department: Option<&str>) -> String {
    let t = catalogue(lang);
    let role = role.and_then(|r| r.parse::<ActorRole>().ok());
    let part = match role {
        Some(ActorRole::Admin) => t.get("audit.who.admin").to_owned(),
        Some(ActorRole::Staff) => t.get("audit.who.staff").to_owned(),
        Some(ActorRole::Citizen) => t.get("audit.who.citizen").to_owned(),
        Some(ActorRole::Operator) => t.get("audit.who.operator").to_owned(),
        Some(ActorRole::Directory) => t.get("audit.who.directory").to_owned(),
        None => t.get("audit.who.unknown").to_owned(),
        Some(ActorRole::Coordinator) => t.get("audit.who.coordinator").to_owned(),
        Some(other) => t.get(&format!("role.{}", other.as_str())).to_lowercase(),
    };
    let part = match department {
        Some(d) => format!("{part}, {}", t.get(&format!("dept.{d}"))),
        None => part,
    };
    match (name, role) {
        (Some(name), Some(role)) if role != ActorRole::Admin => format!("{name} ({part})"),
        _ => part,
    }
}

/// "downloadede mål- og aftaleskemaet »Plan« version 2".
fn what(
    lang: Lang,
    row: &AuditRow,
    document: Option<&(String, String)>,
    participant: Option<&(String, String, Option<String>)>,
) -> String {
    let t = catalogue(lang);
    let document = match document {
        Some((title, kind)) => format!("{} »{title}«", t.get(&format!("audit.kind.{kind}"))),
        None => t.get("audit.deleted_document").to_owned(),
    };
    let participant = match participant {
        Some((name, role, department)) => who(lang, Some(name), Some(role), department.as_deref()),
        None => t.get("audit.someone").to_owned(),
    };
    sentence(lang, row, &document, &participant)
}

/// The sentence as an admin sees it: no document title, no participant's name ("downloadede et
/// dokument version 2").
pub fn what_admin(lang: Lang, row: &AuditRow) -> String {
    let t = catalogue(lang);
    sentence(lang, row, t.get("audit.a_document"), t.get("audit.someone"))
}

fn sentence(lang: Lang, row: &AuditRow, document: &str, participant: &str) -> String {
    let action = row
        .action
        .parse::<AuditAction>()
        .map_or("unknown", AuditAction::as_str);
    catalogue(lang)
        .get(&format!("audit.what.{action}"))
        .replace("{document}", document)
        .replace("{participant}", participant)
        .replace(
            "{version}",
            &row.target_version
                .map(|v| v.to_string())
                .unwrap_or_default(),
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::document_kind::DocumentKind;

    #[test]
    fn every_action_and_kind_has_its_sentence_in_both_languages() {
        for lang in [Lang::Da, Lang::En] {
            let t = catalogue(lang);
            for action in AuditAction::ALL {
                assert!(
                    t.has(&format!("audit.what.{}", action.as_str())),
                    "{action}"
                );
                // The admin's search page offers each action by this label.
                assert!(
                    t.has(&format!("audit.action.{}", action.as_str())),
                    "{action}"
                );
            }
            for kind in DocumentKind::WORDS {
                assert!(t.has(&format!("audit.kind.{kind}")), "{kind}");
            }
        }
    }

    #[test]
    fn names_only_for_the_cases_own_people_and_never_for_admins() {
        assert_eq!(
            who(
                Lang::Da,
                Some("Jonas Hansen"),
                Some("professional"),
                Some("job_centre")
            ),
            "Jonas Hansen (fagperson, Jobcenteret)"
        );
        assert_eq!(
            who(Lang::Da, Some("Anne Admin"), Some("admin"), None),
            "en administrator i kommunen"
        );
        assert_eq!(
            who(Lang::Da, None, Some("professional"), Some("job_centre")),
            "fagperson, Jobcenteret"
        );
    }
}

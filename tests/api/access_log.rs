//! The access log (issue #11): the young person reads in Danish who did what; every action leaves
//! exactly one row; `audit verify` names a changed, a deleted and a reordered row; PostgreSQL
//! refuses changes to rows; concurrent downloads keep the chain whole; and a download whose row
//! cannot be written sends no bytes.

use crate::documents::{Store, Team, form, team, uploaded_id};
use crate::helpers::{Backend, on_both_databases};
use crate::team::{get, identity, page, staff_id};
use serde_json::{Value, json};
use vejviser::store::audit::{self as store, AuditRow, Filter};

on_both_databases!(
    the_young_person_sees_who_downloaded_and_the_admins_hand_over,
    verify_names_a_changed_a_deleted_and_a_reordered_row,
    audit_rows_cannot_be_changed_or_deleted_through_the_service,
    a_download_whose_row_cannot_be_written_sends_no_bytes,
);

/// Every row, oldest first.
pub async fn rows(team: &Team) -> Vec<AuditRow> {
    let mut all = store::search(&team.app.app.db, &Filter::default(), 0, 10_000)
        .await
        .unwrap();
    all.reverse();
    all
}

async fn download(team: &Team, client: &reqwest::Client, document: &str) -> reqwest::Response {
    get(
        &team.app,
        client,
        &format!("/api/v1/documents/{document}/content"),
    )
    .await
}

fn plan() -> reqwest::multipart::Form {
    form(
        b"Maal og aftaler\n".to_vec(),
        "plan.txt",
        "Plan for efteråret",
    )
}

async fn the_young_person_sees_who_downloaded_and_the_admins_hand_over(backend: Backend) {
    let team = team(backend, Store::Local, "").await;
    let document = uploaded_id(&team, &team.coordinator, plan()).await;
    let response = download(&team, &team.professional, &document).await;
    assert_eq!(response.status(), 200);
    let admin = crate::team::logged_in(&team.app, "admin").await;
    let guidance = identity(&team.app, "guidance").await;
    let to = staff_id(&team.app, &admin, guidance["name"].as_str().unwrap()).await;
    let response = crate::team::post(
        &team.app,
        &admin,
        &format!("/api/v1/cases/{}/coordinator", team.case),
        json!({ "account_id": to }),
    )
    .await;
    assert!(response.status().is_success(), "{}", response.status());

    let (status, html) = page(
        &team.app,
        &team.young,
        &format!("/cases/{}/access-log", team.case),
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("Hvem har set mine oplysninger"), "{html}");
    let jonas = identity(&team.app, "jobcentre").await;
    let jonas = jonas["name"].as_str().unwrap();
    assert!(
        html.contains(&format!(
            "{jonas} (fagperson, Jobcenteret)</td>\n      <td data-title=\"Hvad\">downloadede mål- og aftaleskemaet »Plan for efteråret« version 1"
        )),
        "{html}"
    );
    assert!(
        html.contains(
            "En administrator i kommunen</td>\n      <td data-title=\"Hvad\">overdrog sagen til en ny koordinator"
        ),
        "{html}"
    );
    let admin_name = identity(&team.app, "admin").await;
    assert!(
        !html.contains(admin_name["name"].as_str().unwrap()),
        "an admin is never named"
    );
    // The time, in Copenhagen, as dd.mm.yyyy hh:mm.
    let today = vejviser::clock::in_copenhagen(time::OffsetDateTime::now_utc());
    assert!(html.contains(&format!(
        "{:02}.{:02}.{}",
        today.day(),
        u8::from(today.month()),
        today.year()
    )));

    // The API: newest first, the same words.
    let log: Value = get(
        &team.app,
        &team.young,
        &format!("/api/v1/cases/{}/access-log", team.case),
    )
    .await
    .json()
    .await
    .unwrap();
    let entries = log["entries"].as_array().unwrap();
    assert_eq!(entries[0]["action"], "hand_over");
    assert_eq!(entries[0]["actor_role"], "admin");
    assert_eq!(entries[0]["actor_name"], Value::Null);
    assert!(entries[0]["unusual"].as_bool().unwrap());
    let downloaded = entries
        .iter()
        .find(|e| e["action"] == "download_document")
        .unwrap();
    assert_eq!(downloaded["actor_name"], jonas);
    assert_eq!(downloaded["version"], 1);
    // The whole log as a file.
    let csv = get(
        &team.app,
        &team.young,
        &format!("/api/v1/cases/{}/access-log.csv", team.case),
    )
    .await;
    assert_eq!(csv.status(), 200);
    let csv = csv.text().await.unwrap();
    assert!(
        csv.starts_with("tidspunkt,hvem,hvad,udfald,handling\n"),
        "{csv}"
    );
    assert!(csv.contains("downloadede mål- og aftaleskemaet"), "{csv}");
    // A professional may not read the log (and that attempt is itself recorded, as denied).
    let before = rows(&team).await.len();
    let refused = get(
        &team.app,
        &team.professional,
        &format!("/api/v1/cases/{}/access-log", team.case),
    )
    .await;
    assert_eq!(refused.status(), 403);
    let after = rows(&team).await;
    assert_eq!(after.len(), before + 1);
    assert_eq!(after.last().unwrap().outcome, "denied");
    assert_eq!(
        after.last().unwrap().reason.as_deref(),
        Some("coordinator_only")
    );

    let reports = vejviser::audit::verify::all(&team.app.app.db, None)
        .await
        .unwrap();
    assert!(reports.iter().all(|r| r.broken.is_none()), "{reports:?}");
}

/// Runs SQL straight against the database, as someone with the file or the owner's login would.
async fn tamper(team: &Team, sql: &str) {
    let mut conn = team.app.app.db.pool().acquire().await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(&mut *conn)
        .await
        .unwrap();
}

async fn first_break(team: &Team) -> Option<vejviser::audit::verify::Broken> {
    vejviser::audit::verify::all(&team.app.app.db, None)
        .await
        .unwrap()
        .into_iter()
        .find_map(|r| r.broken)
}

async fn verify_names_a_changed_a_deleted_and_a_reordered_row(backend: Backend) {
    use vejviser::audit::verify::Why;
    let team = team(backend, Store::Local, "").await;
    for _ in 0..3 {
        get(
            &team.app,
            &team.young,
            &format!("/api/v1/cases/{}", team.case),
        )
        .await;
    }
    assert_eq!(first_break(&team).await, None);
    let cli = |extra: &[&str]| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_vejviser"));
        command
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("VEJVISER__DATA_DIR", &team.app.data_dir)
            .env("VEJVISER__DATABASE__URL", &team.app.database_url)
            .args(["audit", "verify"])
            .args(extra);
        command.output().unwrap()
    };
    let code = vejviser::seed::demo_municipality_code().unwrap();
    let clean = cli(&["--municipality", &code]);
    let out = String::from_utf8_lossy(&clean.stdout).into_owned();
    assert!(clean.status.success(), "{out}");
    assert!(out.contains("unbroken"), "{out}");

    // The last three case views of the municipality's chain: rows n-2, n-1, n.
    let chain = rows(&team)
        .await
        .into_iter()
        .filter(|r| r.action == "view_case")
        .collect::<Vec<_>>();
    let (a, b) = (&chain[chain.len() - 2], &chain[chain.len() - 1]);
    let unguarded = match backend {
        Backend::Sqlite => {
            "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;"
        }
        Backend::Postgres => "ALTER TABLE audit_events DISABLE TRIGGER USER;",
    };
    tamper(&team, unguarded).await;

    tamper(
        &team,
        &format!(
            "UPDATE audit_events SET actor_role = 'coordinator' WHERE id = '{}'",
            a.id
        ),
    )
    .await;
    let broken = first_break(&team).await.unwrap();
    assert_eq!(
        (broken.why, broken.id.as_deref()),
        (Why::Changed, Some(a.id.as_str()))
    );
    let failed = cli(&[]);
    assert_eq!(failed.status.code(), Some(1));
    let out = String::from_utf8_lossy(&failed.stdout).into_owned();
    assert!(
        out.contains(&format!("row {} (id {}) was changed", a.seq, a.id)),
        "{out}"
    );
    tamper(
        &team,
        &format!(
            "UPDATE audit_events SET actor_role = '{}' WHERE id = '{}'",
            a.actor_role.as_deref().unwrap(),
            a.id
        ),
    )
    .await;
    assert_eq!(first_break(&team).await, None, "restored");

    tamper(&team, &format!(
        "UPDATE audit_events SET seq = -1 WHERE id = '{a}'; UPDATE audit_events SET seq = {sa} WHERE id = '{b}'; \
         UPDATE audit_events SET seq = {sb} WHERE id = '{a}';",
        a = a.id, b = b.id, sa = a.seq, sb = b.seq
    )).await;
    let broken = first_break(&team).await.unwrap();
    assert_eq!((broken.why, broken.seq), (Why::Reordered, a.seq));
    tamper(&team, &format!(
        "UPDATE audit_events SET seq = -1 WHERE id = '{b}'; UPDATE audit_events SET seq = {sa} WHERE id = '{a}'; \
         UPDATE audit_events SET seq = {sb} WHERE id = '{b}';",
        a = a.id, b = b.id, sa = a.seq, sb = b.seq
    )).await;
    assert_eq!(first_break(&team).await, None, "restored");

    tamper(
        &team,
        &format!("DELETE FROM audit_events WHERE id = '{}'", a.id),
    )
    .await;
    let broken = first_break(&team).await.unwrap();
    assert_eq!(
        (broken.why, broken.id.as_deref()),
        (Why::Deleted, Some(b.id.as_str()))
    );
    tamper(
        &team,
        &format!("DELETE FROM audit_events WHERE id = '{}'", b.id),
    )
    .await;
    let broken = first_break(&team).await.unwrap();
    assert_eq!(
        (broken.why, broken.id),
        (Why::Deleted, None),
        "the newest rows gone"
    );
}

async fn audit_rows_cannot_be_changed_or_deleted_through_the_service(backend: Backend) {
    let team = team(backend, Store::Local, "").await;
    let mut conn = team.app.app.db.pool().acquire().await.unwrap();
    for sql in [
        "UPDATE audit_events SET actor_role = 'coordinator'",
        "UPDATE audit_events SET client_address = '10.9.9.9'",
        "DELETE FROM audit_events",
    ] {
        let refused = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut *conn)
            .await;
        let message = refused.expect_err(sql).to_string();
        assert!(message.contains("append-only"), "{sql}: {message}");
    }
    // Blanking the address (the retention sweeper's one change) is allowed and keeps the chain.
    sqlx::raw_sql("UPDATE audit_events SET client_address = NULL")
        .execute(&mut *conn)
        .await
        .unwrap();
    assert_eq!(first_break(&team).await, None);
    if backend == Backend::Postgres {
        service_role_is_refused(&team).await;
    }
}

/// The operator's role set-up from the README: the service's role may insert and read rows and
/// blank addresses, nothing else, even with the triggers gone.
async fn service_role_is_refused(team: &Team) {
    let role = format!("vejviser_service_{}", uuid::Uuid::new_v4().simple());
    let setup = format!(
        "CREATE ROLE {role} LOGIN PASSWORD 'test-only'; \
         GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}; \
         REVOKE UPDATE, DELETE ON audit_events FROM {role}; \
         GRANT UPDATE (client_address) ON audit_events TO {role}; \
         ALTER TABLE audit_events DISABLE TRIGGER USER;"
    );
    // Roles are made by the cluster's superuser (scripts/test: `postgres`, trusted on 127.0.0.1).
    let (credentials, host) = team.app.database_url.split_once('@').unwrap();
    let scheme = credentials.split_once("://").unwrap().0;
    let as_user = |user: &str| format!("{scheme}://{user}@{host}");
    let mut superuser = <sqlx::AnyConnection as sqlx::Connection>::connect(&as_user("postgres"))
        .await
        .unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(setup))
        .execute(&mut superuser)
        .await
        .unwrap();
    let url = as_user(&format!("{role}:test-only"));
    let mut service = <sqlx::AnyConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    for sql in [
        "UPDATE audit_events SET actor_role = 'coordinator'",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
    ] {
        let message = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut service)
            .await
            .expect_err(sql)
            .to_string();
        assert!(message.contains("permission denied"), "{sql}: {message}");
    }
    sqlx::raw_sql("UPDATE audit_events SET client_address = NULL")
        .execute(&mut service)
        .await
        .unwrap();
    drop(service);
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "ALTER TABLE audit_events ENABLE TRIGGER USER; DROP OWNED BY {role}; DROP ROLE {role};"
    )))
    .execute(&mut superuser)
    .await
    .unwrap();
}

async fn a_download_whose_row_cannot_be_written_sends_no_bytes(backend: Backend) {
    let team = team(backend, Store::Local, "").await;
    let document = uploaded_id(&team, &team.coordinator, plan()).await;
    let refuse = match backend {
        Backend::Sqlite => {
            "CREATE TRIGGER refuse_downloads BEFORE INSERT ON audit_events \
             WHEN NEW.action = 'download_document' BEGIN SELECT RAISE(ABORT, 'disk full'); END;"
        }
        Backend::Postgres => {
            "CREATE FUNCTION refuse_downloads() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN RAISE EXCEPTION 'disk full'; END; $$; \
             CREATE TRIGGER refuse_downloads BEFORE INSERT ON audit_events FOR EACH ROW \
             WHEN (NEW.action = 'download_document') EXECUTE FUNCTION refuse_downloads();"
        }
    };
    tamper(&team, refuse).await;
    let response = download(&team, &team.professional, &document).await;
    assert_eq!(response.status(), 500);
    let body = response.text().await.unwrap();
    assert!(!body.contains("Maal og aftaler"), "{body}");
    assert!(
        rows(&team)
            .await
            .iter()
            .all(|r| r.action != "download_document")
    );
}

#[tokio::test]
async fn fifty_parallel_downloads_on_postgres_give_fifty_rows_and_a_whole_chain() {
    let team = team(
        Backend::Postgres,
        Store::Local,
        "[database]\nmax_connections = 20\n",
    )
    .await;
    let document = uploaded_id(&team, &team.professional, plan()).await;
    let downloads = (0..50).map(|_| download(&team, &team.professional, &document));
    for response in futures_util::future::join_all(downloads).await {
        assert_eq!(response.status(), 200);
    }
    let downloaded = rows(&team)
        .await
        .into_iter()
        .filter(|r| r.action == "download_document")
        .count();
    assert_eq!(downloaded, 50);
    let reports = vejviser::audit::verify::all(&team.app.app.db, None)
        .await
        .unwrap();
    assert!(reports.iter().all(|r| r.broken.is_none()), "{reports:?}");
}

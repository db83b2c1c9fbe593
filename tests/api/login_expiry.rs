//! The sweeper's `auth::expiry`: expired login flows and sessions (idle or past their absolute
//! lifetime) and used logout tokens past their freshness are deleted, live ones stay and keep
//! working.

use crate::helpers::{Backend, on_both_databases, spawn_app};
use crate::login::{cookie_value_with, me_with};
use crate::login_conformance::browser;
use vejviser::auth::expiry::{Swept, sweep};
use vejviser::auth::tokens::token_hash;
use vejviser::store::logout_tokens;
use vejviser::store::time_text::to_text;

on_both_databases!(expired_flows_and_sessions_go_live_ones_stay);

async fn count(app: &crate::helpers::TestApp, table: &str) -> i64 {
    let sql = match table {
        "sessions" => "SELECT COUNT(*) FROM sessions",
        "logout_tokens_used" => "SELECT COUNT(*) FROM logout_tokens_used",
        _ => "SELECT COUNT(*) FROM login_flows",
    };
    sqlx::query_scalar(sql)
        .fetch_one(app.app.db.pool())
        .await
        .unwrap()
}

async fn set(
    app: &crate::helpers::TestApp,
    sql: &'static str,
    at: time::OffsetDateTime,
    key: &str,
) {
    sqlx::query(sql)
        .bind(to_text(at))
        .bind(key)
        .execute(app.app.db.pool())
        .await
        .unwrap();
}

async fn expired_flows_and_sessions_go_live_ones_stay(backend: Backend) {
    let app = spawn_app(backend).await;
    let start = "/auth/login/citizen?login_hint=young17";
    let live = cookie_value_with(&app, &browser(), start).await;
    let idle = cookie_value_with(&app, &browser(), start).await;
    let ended = cookie_value_with(&app, &browser(), start).await;
    let now = time::OffsetDateTime::now_utc();
    // Idle 31 minutes (30 allowed); past the absolute lifetime though just used.
    let idle_sql = "UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2";
    set(
        &app,
        idle_sql,
        now - time::Duration::minutes(31),
        &token_hash(&idle),
    )
    .await;
    let ended_sql = "UPDATE sessions SET absolute_expires_at = $1 WHERE id_hash = $2";
    set(
        &app,
        ended_sql,
        now - time::Duration::seconds(1),
        &token_hash(&ended),
    )
    .await;

    // Two flows begun and abandoned; one of them has expired.
    for _ in 0..2 {
        let begun = browser().get(app.url(start)).send().await.unwrap();
        assert_eq!(begun.status(), 302);
    }
    assert_eq!(count(&app, "login_flows").await, 2);
    let one: String = sqlx::query_scalar("SELECT id_hash FROM login_flows LIMIT 1")
        .fetch_one(app.app.db.pool())
        .await
        .unwrap();
    let flow_sql = "UPDATE login_flows SET expires_at = $1 WHERE id_hash = $2";
    set(&app, flow_sql, now - time::Duration::seconds(1), &one).await;
    assert_eq!(count(&app, "sessions").await, 3);
    // Two used back-channel logout tokens; one can no longer be fresh.
    let mut conn = app.app.db.pool().acquire().await.unwrap();
    for (jti, until) in [
        ("old", now - time::Duration::seconds(1)),
        ("new", now + time::Duration::minutes(5)),
    ] {
        assert!(
            logout_tokens::mark_used(&mut conn, "citizen", jti, until)
                .await
                .unwrap()
        );
    }
    drop(conn);

    let swept = sweep(&app.app.db, &app.app.clock, 30).await;
    assert_eq!(
        swept,
        Swept {
            login_flows: 1,
            sessions: 2,
            logout_tokens: 1,
        }
    );
    assert_eq!(count(&app, "login_flows").await, 1, "the live flow stays");
    assert_eq!(count(&app, "sessions").await, 1);
    assert_eq!(
        count(&app, "logout_tokens_used").await,
        1,
        "the fresh one is kept"
    );
    assert_eq!(me_with(&app, &live).await, 200, "the live session works");
    assert_eq!(
        sweep(&app.app.db, &app.app.clock, 30).await,
        Swept::default()
    );
}

#!/usr/bin/env bash
# The mail benchmark (issue #12): 10 000 notifications written to the outbox, delivered by the
# worker through a local aiosmtpd (tests/smtp/server.py), messages per second, and a check by
# Message-ID that none is lost or duplicated (tests/api/mail_bench.rs). SQLite by default;
# VEJVISER_BENCH_DATABASE=postgres for PostgreSQL, VEJVISER_BENCH_MESSAGES=1000 for a shorter run, VEJVISER_BENCH_CONCURRENCY=1 for one message in flight. Uses scripts/test to start the parts.
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/test mail_bench -- --ignored --nocapture

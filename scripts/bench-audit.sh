#!/usr/bin/env bash
# The access log's cost (issue #11): 50 clients at once view a case, then download a 64 KiB
# document (tests/api/audit_bench.rs), with the audit write and without it, in alternating
# fresh processes; prints a Markdown table of the best round of each (requests per second, p50
# and p99 latency) and what the audit write costs in throughput.
#   VEJVISER_BENCH_DATABASE=postgres   PostgreSQL instead of SQLite
#   VEJVISER_BENCH_SECONDS=10          length of each measurement
#   VEJVISER_BENCH_ROUNDS=3            rounds (each runs both configurations once)
#   VEJVISER_BENCH_RELEASE=1           an optimised build (cargo test --release; builds it first)
# Uses scripts/test to start the parts (and build the test profile, or the release one).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${VEJVISER_BENCH_ROUNDS:-3}
profile=()
[[ "${VEJVISER_BENCH_RELEASE:-}" == 1 ]] && profile=(--release)
results=$(mktemp)
trap 'rm -f "$results"' EXIT
for round in $(seq 1 "$rounds"); do
  # Which goes first alternates, so neither always meets the machine freshest.
  if (( round % 2 )); then order="on off"; else order="off on"; fi
  for audit in $order; do
    VEJVISER_BENCH_AUDIT=$audit scripts/test "${profile[@]}" audit_bench -- --ignored --nocapture 2>&1 \
      | grep -o 'bench-audit-result.*' >> "$results"
  done
done
python3 - "$results" <<'PY'
import sys
best = {}
for line in open(sys.argv[1]):
    _, backend, audit, what, rps, p50, p99 = line.split()
    key = (what, audit.split("=")[1])
    if key not in best or float(rps) > best[key][0]:
        best[key] = (float(rps), float(p50), float(p99), backend)
print("| request | audit write | requests/s | p50 | p99 |")
print("|---|---|---|---|---|")
for what in ("case_view", "download_64k"):
    for audit in ("on", "off"):
        rps, p50, p99, backend = best[(what, audit)]
        print(f"| {what} ({backend}) | {audit} | {rps:.0f} | {p50:.1f} ms | {p99:.1f} ms |")
for what in ("case_view", "download_64k"):
    cost = 100 * (1 - best[(what, "on")][0] / best[(what, "off")][0])
    print(f"{what}: the audit write costs {cost:.1f} % of throughput")
PY

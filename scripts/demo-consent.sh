#!/usr/bin/env bash
# Consent first, in plain HTTP calls against a running embedded default (`cargo run`):
# a coordinator creates a case for young17 and adds the young person, a custody-holding parent and
# a job-centre consultant; the consultant sees sharing blocked by both consents; the young person
# and the parent consent; the consultant may read; the young person withdraws; the consultant is
# shut out on the next call. Needs curl and python3. BASE defaults to http://127.0.0.1:8080.
set -euo pipefail
BASE=${BASE:-http://127.0.0.1:8080}
source "$(dirname "$0")/lib/demo.sh"

login coordinator staff
login jobcentre staff
case=$(call coordinator POST /api/v1/cases -d "{\"young_person\":{\"cpr\":\"$(identity young17 cpr)\",\"name\":\"$(identity young17 name)\"}}" | json "d['id']")
echo "case $case"
call coordinator POST "/api/v1/cases/$case/participants" -d "{\"role\":\"young_person\",\"access\":\"read\",\"cpr\":\"$(identity young17 cpr)\",\"name\":\"$(identity young17 name)\"}" >/dev/null
call coordinator POST "/api/v1/cases/$case/participants" -d "{\"role\":\"parent\",\"has_custody\":true,\"access\":\"read\",\"cpr\":\"$(identity parent cpr)\",\"name\":\"$(identity parent name)\"}" >/dev/null
jonas=$(call coordinator GET "/api/v1/staff?q=Jonas" | json "d[0]['id']")
call coordinator POST "/api/v1/cases/$case/participants" -d "{\"role\":\"professional\",\"access\":\"write\",\"account_id\":\"$jonas\"}" >/dev/null

show() { call jobcentre GET "/api/v1/cases/$case" | json "(d['sharing']['permitted'], [m['code'] for m in d['sharing']['missing']], d['permissions']['read_documents'])"; }
echo "consultant sees (permitted, missing, may read documents): $(show)"
login young17 citizen
login parent citizen
consent=$(call young17 POST "/api/v1/cases/$case/consents" -d '{"scope":["job_centre"]}' | json "d['id']")
call parent POST "/api/v1/cases/$case/consents" -d '{"scope":["job_centre"]}' >/dev/null
echo "after both consents:                              $(show)"
call young17 POST "/api/v1/cases/$case/consents/$consent/withdraw" >/dev/null
echo "after the young person withdraws:                 $(show)"

#!/usr/bin/env bash
# Consent first, in plain HTTP calls against a running embedded default (`cargo run`):
# a coordinator creates a case for young17 and adds the young person, a custody-holding parent and
# a job-centre consultant; the consultant sees sharing blocked by both consents; the young person
# and the parent consent; the consultant may read; the young person withdraws; the consultant is
# shut out on the next call. Needs curl and python3. BASE defaults to http://127.0.0.1:8080.
set -euo pipefail
BASE=${BASE:-http://127.0.0.1:8080}
jar=$(mktemp -d)
trap 'rm -rf "$jar"' EXIT

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }
login() { curl -sf -L -c "$jar/$1" -b "$jar/$1" "$BASE/auth/login/$2?login_hint=$1" -o /dev/null; }
call() { local who=$1 method=$2 path=$3; shift 3; curl -sf -b "$jar/$who" -X "$method" -H 'content-type: application/json' "$BASE$path" "$@"; }
identity() { curl -sf "$BASE/dev-idp/identities" | json "[i for i in d if i['login_hint']=='$1'][0]['$2']"; }

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

# What the demo scripts share: a folder of cookie jars (one per person, in $work), logging in
# through the development identity provider, JSON calls, and the test identities' data.
# Sourced; needs BASE set.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }
login() { curl -sf -L -c "$work/$1" -b "$work/$1" "$BASE/auth/login/$2?login_hint=$1" -o /dev/null; }
call() { local who=$1 method=$2 path=$3; shift 3; curl -sf -b "$work/$who" -X "$method" -H 'content-type: application/json' "$BASE$path" "$@"; }
identity() { curl -sf "$BASE/dev-idp/identities" | json "[i for i in d if i['login_hint']=='$1'][0]['$2']"; }

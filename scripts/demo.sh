#!/usr/bin/env bash
# Sets up, builds and runs the demo: story S0 (examples/salesforce-to-pipedrive)
# against local Salesforce and Pipedrive sandboxes. 2,000 loans across four
# loan officers; one officer's loans become Pipedrive deals and their
# borrowers persons; then 10 loans are edited in Salesforce "as a user" and
# the next run writes exactly those 10.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The optimized Release binary (build-release/crmsync), as users run it. The
# compiler's output goes to build-release/build.log, shown only when the
# build fails: the demo is the story, not the build.
mkdir -p build-release
if ! bash scripts/build.sh >build-release/build.log 2>&1; then
  cat build-release/build.log >&2
  echo "demo: the build failed (build-release/build.log)" >&2
  exit 1
fi
CRMSYNC="$PWD/build-release/crmsync"
DEMO="$PWD/build-release/demo"
rm -rf "$DEMO"
mkdir -p "$DEMO"
# Commands in bold on a terminal, unless NO_COLOR is set (no-color.org).
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
  step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
else
  step() { printf '\n$ %s\n' "$*"; }
fi

# The sandboxes print "... listening on http://127.0.0.1:PORT" once ready.
start_sandbox() {  # name, log file, args...
  local name="$1" log="$2"
  shift 2
  "$CRMSYNC" sandbox "$name" --port 0 "$@" >"$log" 2>&1 &
  echo $! >>"$DEMO/sandbox.pids"
  for _ in $(seq 1 100); do
    if grep -q "listening on" "$log"; then
      grep -o 'http://127.0.0.1:[0-9]*' "$log" | head -1
      return
    fi
    sleep 0.1
  done
  echo "demo: the $name sandbox did not start:" >&2
  cat "$log" >&2
  exit 1
}
trap 'kill $(cat "$DEMO/sandbox.pids" 2>/dev/null) 2>/dev/null || true' EXIT

step "crmsync --version"
"$CRMSYNC" --version | head -1

step "crmsync sandbox salesforce --seed-records 2000 &   crmsync sandbox pipedrive &"
SF_URL=$(start_sandbox salesforce "$DEMO/salesforce.log" --seed-records 2000)
# A Pipedrive account with a mortgage pipeline; its rate limits raised to a
# large plan's so the demo takes seconds (crmsync paces itself to whatever
# the account allows).
PD_URL=$(start_sandbox pipedrive "$DEMO/pipedrive.log" --burst-limit 400 --search-burst-limit 200 \
  --pipeline "Mortgage=Application In,Processing,Underwriting,Clear to Close,Closing")
echo "salesforce sandbox: $SF_URL  (2,000 loans of 4 loan officers)"
echo "pipedrive sandbox:  $PD_URL  (empty, pipeline 'Mortgage')"

export SALESFORCE_LOGIN_URL="$SF_URL" SALESFORCE_USERNAME=demo@example.com SALESFORCE_PASSWORD=demo \
  SALESFORCE_CLIENT_ID=demo-client SALESFORCE_CLIENT_SECRET=demo-secret
export PIPEDRIVE_BASE_URL="$PD_URL" PIPEDRIVE_API_TOKEN=demo-token
cp examples/salesforce-to-pipedrive/crmsync.yaml "$DEMO/"
cd "$DEMO"

step crmsync validate
"$CRMSYNC" validate
step "crmsync setup   # creates the custom fields, checks the stages exist"
"$CRMSYNC" setup
step "crmsync plan --diffs 2   # dry run: nothing is written"
"$CRMSYNC" plan --diffs 2
step "crmsync run   # Jake Elmendorf's loans -> Pipedrive"
"$CRMSYNC" run || true

step "edit 10 of Jake's loans in Salesforce, as a user would"
TOKEN=$(curl -sf "$SF_URL/services/oauth2/token" -d grant_type=password -d client_id=demo-client \
  -d client_secret=demo-secret -d username=demo@example.com -d password=demo |
  grep -o '"access_token":"[^"]*"' | cut -d'"' -f4)
IDS=$(curl -sf -H "Authorization: Bearer $TOKEN" --get "$SF_URL/services/data/v60.0/query" \
  --data-urlencode "q=SELECT Id FROM Loan__c WHERE Loan_Officer__c = 'Jake Elmendorf' ORDER BY Name LIMIT 10" |
  grep -o '"Id":"[^"]*"' | cut -d'"' -f4)
for id in $IDS; do
  curl -sf -X PATCH "$SF_URL/__admin/records/Loan__c/$id" -H 'Content-Type: application/json' \
    -d '{"Amount__c": 123456.78, "Stage__c": "Underwriting"}' >/dev/null
done
echo "set Amount__c = 123456.78 and Stage__c = Underwriting on $(echo "$IDS" | wc -w) loans"

step "crmsync run   # only the 10 edited loans are written"
"$CRMSYNC" run || true
step crmsync history
"$CRMSYNC" history
printf '\nLook further: cd build-release/demo && ../crmsync status | history | errors | plan\n'
printf 'The sandboxes stop with this script; the config is build-release/demo/crmsync.yaml.\n'

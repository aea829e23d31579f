#!/usr/bin/env bash
# The soak of `crmsync serve` (issue 25 item 3; not in CI): for N minutes the
# optimized binary runs story S0 (Salesforce loans and borrowers -> Pipedrive
# deals and persons, CDC and a schedule) and a webhook flow (Pipedrive persons
# -> SQLite, duplicated and shuffled deliveries) while
#   - the sandboxes inject faults at random (5xx, 429 bursts, connection
#     resets, slow answers, Salesforce sessions expiring), a new mix every
#     20-40 s, with calm spells;
#   - a driver edits records "as a user" (Salesforce loans, Pipedrive persons
#     edited and created) at random;
#   - serve is killed with SIGKILL and restarted every 2-4 minutes.
# Then the faults stop, serve catches up (quiescence), and every record is
# checked. It prints edits made, records checked, lost, duplicated, stale,
# restarts, p99 change latency, peak RSS, and whether RSS and open
# descriptors grew (sampled every 5 s from /proc; growth compares minutes 5-10
# with the last 5 minutes, so restarts do not hide a leak: each serve lives
# a few minutes, and a leak shows as later samples above earlier ones).
#
#   bash bench/soak.sh [--minutes 30] [--seed N] [--keep]
#
# The driver is this script with curl, jq and sqlite3 (all in setup.sh): the
# edits are single admin calls and the checks are list endpoints, so a C++
# tool would add a build step and nothing the shell cannot measure at the
# one-second resolution the latency needs. Exit status 1 when a goal is
# missed (lost, duplicated or stale records, RSS growth >= 10%, fd growth).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
MINUTES=30
SEED=$RANDOM
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) MINUTES=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    *) echo "usage: bench/soak.sh [--minutes N] [--seed N] [--keep]" >&2; exit 2 ;;
  esac
done
RANDOM=$SEED
BIN=$ROOT/build-release/crmsync
[ -x "$BIN" ] || bash scripts/build.sh >/dev/null || exit 1
WORK=$(mktemp -d /tmp/crmsync-soak.XXXXXX)
SOAK_SECS=$((MINUTES * 60))
echo "soak: ${MINUTES} min, seed $SEED, work dir $WORK"

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  [ -f "$WORK/serve.pid" ] && kill -9 "$(cat "$WORK/serve.pid")" 2>/dev/null
  wait 2>/dev/null
  [ "$KEEP" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }

# --- sandboxes ---------------------------------------------------------------
start_sandbox() {  # name args... -> prints its base URL
  local name=$1; shift
  "$BIN" sandbox "$name" --port 0 "$@" >"$WORK/$name.out" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 100); do
    url=$(grep -o 'http://127.0.0.1:[0-9]*' "$WORK/$name.out" | head -1)
    [ -n "$url" ] && { echo "$url"; return; }
    sleep 0.1
  done
  echo "soak: the $name sandbox did not start" >&2; exit 1
}
SF=$(start_sandbox salesforce --seed-records 200)
PD=$(start_sandbox pipedrive --burst-limit 0 --search-burst-limit 0 --daily-budget 0 \
  --pipeline "Mortgage=Application In,Processing,Underwriting,Clear to Close,Closing")
PD_TOKEN=demo-token

free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 20000))
    ss -ltn "sport = :$p" | grep -q LISTEN || { echo $p; return; }
  done
}
SERVE_PORT=$(free_port)

# --- config: S0 with a 1-minute schedule, and the webhook flow --------------
sed -e 's/every 5m/every 1m/' examples/salesforce-to-pipedrive/crmsync.yaml |
  sed -e '/^connections:/i serve:\n  public_url: http://127.0.0.1:'"$SERVE_PORT"'\n' \
    -e 's|^    api_token: ${PIPEDRIVE_API_TOKEN}|&\n    webhooks: {scheme: pipedrive, password: soak-hook-password-0123}|' \
    >"$WORK/crmsync.yaml"
cat >>"$WORK/crmsync.yaml" <<'EOF'

  # The soak's webhook flow: every Pipedrive person into SQLite.
  people:
    source: {connection: pipedrive, object: person, cursor_field: update_time}
    target: {connection: warehouse, object: people, id_field: id}
    match: {target_field: pd_id}
    trigger: {webhook: true, schedule: every 1m}
    mapping:
      pd_id: id
      name: name
EOF
sed -i 's|^  pipedrive:$|  warehouse: {type: sqlite, path: warehouse.db}\n&|' "$WORK/crmsync.yaml"
export SALESFORCE_LOGIN_URL=$SF SALESFORCE_USERNAME=demo@example.com SALESFORCE_PASSWORD=demo \
  SALESFORCE_CLIENT_ID=demo-client SALESFORCE_CLIENT_SECRET=demo-secret \
  PIPEDRIVE_BASE_URL=$PD PIPEDRIVE_API_TOKEN=$PD_TOKEN
cd "$WORK" || exit 1
if ! "$BIN" setup -q >setup.out 2>&1; then
  echo "soak: crmsync setup failed:" >&2; cat setup.out >&2; exit 1
fi

# --- Salesforce and Pipedrive reads (retried: faults may be on) -------------
get_retry() {  # curl args... ; prints the body of the first 2xx
  local out code
  for _ in $(seq 30); do
    out=$(curl -sS -m 20 -w '\n%{http_code}' "$@" 2>/dev/null) || { sleep 0.5; continue; }
    code=${out##*$'\n'}
    [ "${code:0:1}" = 2 ] && { printf '%s' "${out%$'\n'*}"; return 0; }
    sleep 0.5
  done
  return 1
}
sf_token() {
  get_retry -d "grant_type=password&client_id=demo-client&client_secret=demo-secret&username=demo@example.com&password=demo" \
    "$SF/services/oauth2/token" | jq -r .access_token
}
sf_query() {  # SOQL -> records as JSON lines
  local token; token=$(sf_token)
  get_retry -G -H "Authorization: Bearer $token" "$SF/services/data/v59.0/query" \
    --data-urlencode "q=$1" | jq -c '.records[]'
}
pd_all() {  # v2 object -> every record as JSON lines
  local cursor="" page
  while :; do
    page=$(get_retry "$PD/api/v2/$1?api_token=$PD_TOKEN&limit=500${cursor:+&cursor=$cursor}") || return 1
    jq -c '.data[]' <<<"$page"
    cursor=$(jq -r '.additional_data.next_cursor // empty' <<<"$page")
    [ -z "$cursor" ] && return 0
  done
}
field_key() {  # v1 fields list, name -> key
  get_retry "$PD/v1/$1?api_token=$PD_TOKEN" | jq -r --arg n "$2" '.data[] | select(.name == $n) | .key'
}
LOAN_KEY=$(field_key dealFields "Salesforce Loan ID")
CONTACT_KEY=$(field_key personFields "Salesforce Contact ID")
[ -n "$LOAN_KEY" ] && [ -n "$CONTACT_KEY" ] || { echo "soak: setup made no custom fields" >&2; exit 1; }
OFFICER="Jake Elmendorf"
sf_query "SELECT Id FROM Loan__c WHERE Loan_Officer__c = '$OFFICER'" | jq -r .Id >loan_ids
[ -s loan_ids ] || { echo "soak: no loans to edit" >&2; exit 1; }

# --- serve, its restarts and its samples -------------------------------------
T0=$(date +%s)
start_serve() {
  "$BIN" serve --listen "127.0.0.1:$SERVE_PORT" -q >>serve.log 2>&1 &
  echo $! >serve.pid
}
start_serve

sampler() {  # every 5 s: seconds since start, pid, VmRSS kB, open fds
  while :; do
    local pid; pid=$(cat serve.pid)
    local rss; rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null)
    local fds; fds=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)
    [ -n "$rss" ] && echo "$(($(date +%s) - T0)) $pid $rss $fds" >>samples
    sleep 5
  done
}
# Short runs (trying the script) kill every 30-60 s instead.
KILL_AFTER=120 KILL_SPREAD=120
[ "$MINUTES" -lt 5 ] && KILL_AFTER=30 KILL_SPREAD=30
killer() {  # SIGKILL serve every 2-4 minutes, restart it after 0-3 s
  while :; do
    sleep $((KILL_AFTER + RANDOM % KILL_SPREAD))
    kill -9 "$(cat serve.pid)" 2>/dev/null
    wait "$(cat serve.pid)" 2>/dev/null
    echo "$(($(date +%s) - T0))" >>restarts
    sleep $((RANDOM % 4))
    start_serve
  done
}

# --- faults --------------------------------------------------------------------
set_faults() {  # rate_429 rate_500 rate_503 reset_rate latency_ms session_expiry_secs
  curl -sS -m 10 -o /dev/null -X PUT -H 'Content-Type: application/json' "$SF/__admin/faults" \
    -d "{\"rate_429\":$1,\"rate_500\":$2,\"rate_503\":$3,\"latency_ms\":$5,\"session_expiry_every_secs\":$6}"
  curl -sS -m 10 -o /dev/null -X POST -H 'Content-Type: application/json' "$PD/__admin/faults" \
    -d "{\"rate_429\":$1,\"rate_500\":$2,\"rate_503\":$3,\"reset_rate\":$4,\"latency_ms\":$5}"
}
faulter() {
  curl -sS -m 10 -o /dev/null -X POST -H 'Content-Type: application/json' \
    "$PD/__admin/webhook_delivery" -d "{\"duplicate_rate\":0.2,\"shuffle_window_ms\":500,\"seed\":$SEED}"
  while :; do
    case $((RANDOM % 6)) in
      0) set_faults 0 0 0 0 0 0; echo calm ;;
      1) set_faults 0 0.2 0.1 0 0 0; echo 5xx ;;
      2) set_faults 0.6 0 0 0 0 0; echo "429 burst" ;;
      3) set_faults 0 0 0 0.1 0 0; echo resets ;;
      4) set_faults 0 0 0 0 1500 0; echo slow ;;
      5) set_faults 0.02 0.02 0.02 0.02 100 20; echo "token expiry" ;;
    esac >>faults.log
    sleep $((20 + RANDOM % 21))
  done
}

# --- the driver: edits as a user ---------------------------------------------
driver() {  # logs "ms kind id expected" for every edit that was accepted
  local n=0 id name code
  mapfile -t loans <loan_ids
  while :; do
    n=$((n + 1))
    case $((RANDOM % 3)) in
      0)
        id=${loans[RANDOM % ${#loans[@]}]}
        name="Loan soak $n"
        code=$(curl -sS -m 10 -o /dev/null -w '%{http_code}' -X PATCH -H 'Content-Type: application/json' \
          "$SF/__admin/records/Loan__c/$id" -d "{\"Name\":\"$name\",\"Amount__c\":$((1000 + RANDOM))}")
        [ "${code:0:1}" = 2 ] && echo "$(now_ms) loan $id $name" >>edits ;;
      1)
        id=$(sqlite3 -cmd '.timeout 2000' warehouse.db "select pd_id from people order by random() limit 1" 2>/dev/null)
        [ -z "$id" ] && continue
        name="Person soak $n"
        code=$(curl -sS -m 10 -o /dev/null -w '%{http_code}' -X PATCH -H 'Content-Type: application/json' \
          "$PD/__admin/persons/$id" -d "{\"name\":\"$name\"}")
        [ "${code:0:1}" = 2 ] && echo "$(now_ms) person $id $name" >>edits ;;
      2)
        name="New person soak $n"
        id=$(curl -sS -m 10 -X POST -H 'Content-Type: application/json' "$PD/__admin/persons" \
          -d "{\"name\":\"$name\"}" | jq -r '.data.id // empty')
        [ -n "$id" ] && echo "$(now_ms) person $id $name" >>edits ;;
    esac
    sleep "0.$((2 + RANDOM % 8))"
  done
}

# --- what the targets hold -----------------------------------------------------
# deals: "sf_id<TAB>title" per deal; people: "pd_id<TAB>name" per row.
target_deals() { pd_all deals | jq -r --arg k "$LOAN_KEY" '[.custom_fields[$k] // "", .title] | @tsv'; }
target_people() { sqlite3 -cmd '.timeout 5000' -separator $'\t' warehouse.db "select pd_id, name from people" 2>/dev/null; }

# Change latency: every second, the newest edit of each record still waiting
# is looked for in its target; seen -> "latency_ms" in latencies.
latency_checker() {
  declare -A waiting_since=() waiting_for=()
  local read=0
  while :; do
    local total; total=$(wc -l <edits 2>/dev/null || echo 0)
    if [ "$total" -gt "$read" ]; then
      while read -r ms kind id rest; do
        waiting_since[$kind:$id]=$ms
        waiting_for[$kind:$id]=$rest
      done < <(sed -n "$((read + 1)),${total}p" edits)
      read=$total
    fi
    if [ ${#waiting_for[@]} -gt 0 ]; then
      declare -A seen=()
      while IFS=$'\t' read -r id title; do seen[loan:$id]=$title; done < <(target_deals)
      while IFS=$'\t' read -r id name; do seen[person:$id]=$name; done < <(target_people)
      local now; now=$(now_ms)
      for key in "${!waiting_for[@]}"; do
        if [ "${seen[$key]-}" = "${waiting_for[$key]}" ]; then
          echo $((now - waiting_since[$key])) >>latencies
          unset "waiting_for[$key]" "waiting_since[$key]"
        fi
      done
      unset seen
    fi
    sleep 1
  done
}

touch edits samples restarts latencies faults.log
sampler & SAMPLER=$!
killer & KILLER=$!
faulter & FAULTER=$!
driver & DRIVER=$!
latency_checker & CHECKER=$!
PIDS+=("$SAMPLER" "$KILLER" "$FAULTER" "$DRIVER" "$CHECKER")

sleep "$SOAK_SECS"

# --- quiescence ------------------------------------------------------------------
kill "$DRIVER" "$KILLER" "$FAULTER" "$SAMPLER" 2>/dev/null
wait "$DRIVER" "$KILLER" "$FAULTER" "$SAMPLER" 2>/dev/null
set_faults 0 0 0 0 0 0
kill -0 "$(cat serve.pid)" 2>/dev/null || start_serve
echo "soak: edits stopped at $(($(date +%s) - T0)) s; waiting for quiescence (up to 6 min)"

# One full check: prints "checked lost duplicated stale" and the details to check.log.
check_all() {
  : >check.log
  sf_query "SELECT Id, Name FROM Loan__c WHERE Loan_Officer__c = '$OFFICER'" |
    jq -r '[.Id, .Name] | @tsv' | sort >want_loans
  target_deals | sort >have_deals
  pd_all persons | jq -r '[(.id | tostring), .name] | @tsv' | sort >want_people
  target_people | sort >have_people
  pd_all persons | jq -r --arg k "$CONTACT_KEY" '.custom_fields[$k] // empty' | sort >have_contacts
  awk -F'\t' '
    FNR == 1 { file++ }
    file == 1 { want_l[$1] = $2; next }
    file == 2 { if ($1 != "") { n_d[$1]++; have_d[$1] = $2 } next }
    file == 3 { want_p[$1] = $2; next }
    file == 4 { n_p[$1]++; have_p[$1] = $2; next }
    file == 5 { n_c[$1]++; next }
    END {
      for (id in want_l) { checked++
        if (!(id in n_d)) { lost++; print "lost loan " id > "check.log" }
        else if (n_d[id] > 1) { dup++; print "duplicated loan " id > "check.log" }
        else if (have_d[id] != want_l[id]) { stale++; print "stale loan " id ": " have_d[id] " != " want_l[id] > "check.log" } }
      for (id in want_p) { checked++
        if (!(id in n_p)) { lost++; print "lost person " id > "check.log" }
        else if (n_p[id] > 1) { dup++; print "duplicated person " id > "check.log" }
        else if (have_p[id] != want_p[id]) { stale++; print "stale person " id ": " have_p[id] " != " want_p[id] > "check.log" } }
      for (id in n_c) if (n_c[id] > 1) { dup++; print "duplicated borrower " id > "check.log" }
      printf "%d %d %d %d\n", checked, lost + 0, dup + 0, stale + 0
    }' want_loans have_deals want_people have_people have_contacts
}
QUIET_START=$(date +%s)
while :; do
  read -r CHECKED LOST DUPLICATED STALE < <(check_all)
  [ "$((LOST + DUPLICATED + STALE))" = 0 ] && break
  [ $(($(date +%s) - QUIET_START)) -ge 360 ] && break
  sleep 10
done
QUIESCENCE=$(($(date +%s) - QUIET_START))
kill "$CHECKER" 2>/dev/null

# --- report ------------------------------------------------------------------------
EDITS=$(wc -l <edits)
RESTARTS=$(wc -l <restarts)
P99=$(sort -n latencies | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else { i = int(NR * 0.99); if (i < 1) i = 1; printf "%.1f s (p50 %.1f s, %d changes seen)", v[i] / 1000, v[int((NR + 1) / 2)] / 1000, NR } }')
PEAK_RSS=$(awk '$3 > m { m = $3 } END { printf "%.1f MiB", m / 1024 }' samples)
# Growth: the median of minutes 5-10 against the median of the last 5 minutes.
growth() {  # column -> "early late percent"
  local end=$SOAK_SECS
  awk -v c="$1" -v end="$end" '
    $1 >= 300 && $1 < 600 { a[++na] = $c }
    $1 >= end - 300 && $1 >= 600 { b[++nb] = $c }
    function med(x, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (x[j] < x[i]) { t = x[i]; x[i] = x[j]; x[j] = t } return x[int((n + 1) / 2)] }
    END { if (na == 0 || nb == 0) { print "n/a n/a n/a"; exit } e = med(a, na); l = med(b, nb); printf "%d %d %.1f\n", e, l, (l - e) * 100 / e }' samples
}
read -r RSS_EARLY RSS_LATE RSS_PCT < <(growth 3)
read -r FD_EARLY FD_LATE FD_PCT < <(growth 4)
FD_MAX_EARLY=$(awk '$1 >= 300 && $1 < 600 && $4 > m { m = $4 } END { print m + 0 }' samples)
FD_MAX_LATE=$(awk -v end="$SOAK_SECS" '$1 >= end - 300 && $1 >= 600 && $4 > m { m = $4 } END { print m + 0 }' samples)

cat <<EOF

crmsync serve soak: ${MINUTES} min, seed $SEED ($(grep -c . faults.log) fault mixes: $(sort faults.log | uniq -c | awk '{ $1 = $1; printf "%s%s", sep, $0; sep = ", " }'))
  edits made           $EDITS
  records checked      $CHECKED (loans of $OFFICER, Pipedrive persons, borrowers) after ${QUIESCENCE} s of quiescence
  lost                 $LOST
  duplicated           $DUPLICATED
  stale                $STALE
  restarts (kill -9)   $RESTARTS
  p99 change latency   $P99
  peak RSS             $PEAK_RSS
  RSS growth           median ${RSS_EARLY} kB (min 5-10) -> ${RSS_LATE} kB (last 5 min): ${RSS_PCT}%
  open fds             median ${FD_EARLY} -> ${FD_LATE}, max ${FD_MAX_EARLY} -> ${FD_MAX_LATE}
EOF
if [ -s check.log ]; then echo "  first problems:"; head -20 check.log | sed 's/^/    /'; fi
OK=1
[ "$((LOST + DUPLICATED + STALE))" = 0 ] || OK=0
if [ "$RSS_PCT" != n/a ] && awk -v p="$RSS_PCT" 'BEGIN { exit !(p >= 10) }'; then OK=0; fi
if [ "$FD_PCT" != n/a ] && [ "$FD_MAX_LATE" -gt "$((FD_MAX_EARLY + 5))" ]; then OK=0; fi
if [ $OK = 1 ]; then echo "  goals                met"; else echo "  goals                MISSED"; fi
[ "$KEEP" = 1 ] && echo "  files                $WORK"
[ $OK = 1 ]

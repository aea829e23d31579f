#!/usr/bin/env bash
# Sets up, builds and runs the demo: the example project of `crmsync init`
# (customers and orders, CSV -> SQLite) synced, edited, and synced again.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh >/dev/null
CRMSYNC="$PWD/build/crmsync"
DEMO="$PWD/build/demo"
rm -rf "$DEMO"
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

step crmsync init build/demo
"$CRMSYNC" init "$DEMO" >/dev/null && echo "wrote $DEMO/crmsync.yaml and data/*.csv"
cd "$DEMO"
step crmsync validate
"$CRMSYNC" validate
step crmsync run
"$CRMSYNC" run
step crmsync run   "# again: nothing changed, nothing is written"
"$CRMSYNC" run
step "edit 2 customers and delete 1 (one without orders) in data/customers.csv"
sed -i -e 's/Grace Hopper/Grace B. Hopper/' -e 's/^C1001,\(.*\),1000.00,/C1001,\1,2500.00,/' \
  -e '/^C1010,/d' data/customers.csv
step crmsync plan
"$CRMSYNC" plan
step crmsync run
"$CRMSYNC" run
step crmsync history
"$CRMSYNC" history
step "sqlite3 warehouse.db 'select ...'"
sqlite3 -header -column warehouse.db \
  "select c.customer_no, c.name, c.country, count(o.id) as orders, sum(o.total) as total
     from customers c left join orders o on o.customer_id = c.id
    group by c.id order by c.customer_no limit 5"
printf '\nLook further: cd build/demo && ../crmsync status | history | errors\n'

#include "cli/init_files.h"

namespace crmsync::cli {
namespace {

const char* kConfig =
    R"yaml(# crmsync example: customers and their orders, from CSV files into a SQLite
# database. Try:
#   crmsync validate      check this file
#   crmsync plan          what a run would change (writes nothing)
#   crmsync run           sync; run it again and nothing is written
#   edit data/customers.csv, then `crmsync run`: only the changed rows are written
#   crmsync history       past runs;  crmsync errors: records that failed
#
# ${VAR} and ${VAR:-default} take values from the environment.

state:
  path: crmsync.state.db          # id map, cursors, runs and errors (SQLite)

connections:
  files:
    type: file
    dir: data                     # relative to this file
  warehouse:
    type: sqlite
    path: ${WAREHOUSE_DB:-warehouse.db}

flows:
  customers:
    source:
      connection: files
      object: customers.csv
      id_field: customer_no       # the column that identifies a row
      filter: "status != 'test'"  # SOQL WHERE syntax, evaluated here for files
    target:
      connection: warehouse
      object: customers           # the table is created on the first run
      id_field: id
    match:
      target_field: customer_no   # find existing rows instead of duplicating them
    on_delete: delete             # a row removed from the CSV is deleted in the table
    mapping:
      customer_no: customer_no
      name: {from: name, transform: trim}
      email: {from: email, transform: [trim, lower]}
      country:
        from: country
        map: {DE: Germany, FR: France, IT: Italy, US: United States}
        default: Other
      credit_limit: {from: credit_limit, transform: number}   # exact decimals, never floats
      customer_since: {from: since, transform: date}

  orders:
    source:
      connection: files
      object: orders.csv
      id_field: order_no
    target:
      connection: warehouse
      object: orders
      id_field: id
    match:
      target_field: order_no
    mapping:
      order_no: order_no
      customer_id: {ref: customers, from: customer_no}   # the customer's id in the warehouse
      total: {from: total, transform: number}
      ordered_at: {from: ordered_at, transform: datetime}
)yaml";

std::string customers_csv() {
  static const char* kNames[] = {"Ada Lovelace",    "Grace Hopper",   "Alan Turing",
                                 "Edsger Dijkstra", "Barbara Liskov", "Donald Knuth",
                                 "Frances Allen",   "Ken Thompson",   "Margaret Hamilton",
                                 "Niklaus Wirth",   "Test Account",   "John Backus"};
  static const char* kCountries[] = {"DE", "US", "FR", "IT", "US", "US",
                                     "DE", "US", "US", "CH", "US", "US"};
  std::string out = "customer_no,name,email,country,credit_limit,since,status\n";
  for (int i = 0; i < 12; ++i) {
    std::string name = kNames[i];
    std::string mail = name;
    for (char& c : mail) c = c == ' ' ? '.' : c;
    char row[256];
    std::snprintf(row, sizeof row, "C%04d,\"%s\", %s@Example.com ,%s,%d.%02d,20%02d-%02d-%02d,%s\n",
                  1001 + i, name.c_str(), mail.c_str(), kCountries[i], 1000 * (i + 1), i * 7 % 100,
                  15 + i % 9, 1 + i % 12, 1 + i * 2 % 28, i == 10 ? "test" : "active");
    out += row;
  }
  return out;
}

std::string orders_csv() {
  std::string out = "order_no,customer_no,total,ordered_at\n";
  for (int i = 0; i < 30; ++i) {
    int customer = 1001 + (i * 7) % 12;
    // The test account (filtered out) and Niklaus Wirth have no orders.
    if (customer == 1011 || customer == 1010) customer = 1012;
    char row[128];
    std::snprintf(row, sizeof row, "O%05d,C%04d,%d.%02d,2024-%02d-%02dT%02d:%02d:00Z\n", 50001 + i,
                  customer, 20 + i * 13 % 400, i * 17 % 100, 1 + i % 12, 1 + i % 28, 8 + i % 10,
                  i * 11 % 60);
    out += row;
  }
  return out;
}

}  // namespace

std::vector<InitFile> init_files() {
  return {{"crmsync.yaml", kConfig},
          {"data/customers.csv", customers_csv()},
          {"data/orders.csv", orders_csv()}};
}

}  // namespace crmsync::cli

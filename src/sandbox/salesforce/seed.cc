#include "sandbox/salesforce/seed.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/json.h"

namespace crmsync::sandbox::salesforce {
namespace {

// splitmix64: a fixed, portable sequence (std:: distributions differ between
// standard libraries, which would make seeds differ between machines).
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  template <size_t N>
  const char* pick(const char* const (&items)[N]) {
    return items[next() % N];
  }

 private:
  uint64_t s_;
};

constexpr const char* kFirst[] = {"Ada",     "Grace",  "Alan",    "Linus",  "Margaret", "Ken",
                                  "Barbara", "Dennis", "Frances", "Edsger", "Radia",    "Donald"};
constexpr const char* kLast[] = {"Lovelace", "Hopper",   "Turing",  "Torvalds",
                                 "Hamilton", "Thompson", "Liskov",  "Ritchie",
                                 "Allen",    "Dijkstra", "Perlman", "Knuth"};
constexpr const char* kCompany[] = {"Acme",  "Globex", "Initech",  "Umbrella", "Stark",
                                    "Wayne", "Hooli",  "Vandelay", "Wonka",    "Tyrell"};
constexpr const char* kIndustry[] = {"Banking",       "Finance", "Insurance",
                                     "Manufacturing", "Retail",  "Technology"};
constexpr const char* kStage[] = {"Prospecting", "Qualification", "Needs Analysis", "Closed Won",
                                  "Closed Lost"};
constexpr const char* kLoanStage[] = {"Application", "Processing", "Underwriting",
                                      "Approved",    "Closing",    "Funded"};
constexpr const char* kOfficers[] = {"Jake Elmendorf", "Maria Chen", "Priya Raman", "Tom Becker"};

Error fail(const std::string& what, const SfError& e) {
  return Error(ErrorKind::fatal, "sandbox seed: " + what + ": " + e.code + ": " + e.message);
}

std::string date_after(int64_t base_days, uint64_t plus) {
  return Date{static_cast<int32_t>(base_days + static_cast<int64_t>(plus))}.to_string();
}

}  // namespace

Result<std::string> create_users(Store& store, const std::string& username) {
  auto txn = store.begin(WriteContext{"", ""});
  const ObjectDef* user = store.schema().find("User");
  if (!user) return Error(ErrorKind::fatal, "sandbox schema has no User object");
  auto api = txn->create(*user, Object{{"Username", Value(username)},
                                       {"FirstName", Value("Demo")},
                                       {"LastName", Value("User")},
                                       {"Email", Value(username)},
                                       {"Alias", Value("demo")}});
  if (auto* e = std::get_if<SfError>(&api)) return fail("API user", *e);
  for (const char* officer : kOfficers) {
    std::string name = officer;
    std::string first = name.substr(0, name.find(' ')), last = name.substr(name.find(' ') + 1);
    std::string login = to_lower(first + "." + last) + "@example.com";
    auto r = txn->create(*user, Object{{"Username", Value(login)},
                                       {"FirstName", Value(first)},
                                       {"LastName", Value(last)},
                                       {"Email", Value(login)}});
    if (auto* e = std::get_if<SfError>(&r)) return fail("user " + name, *e);
  }
  txn->commit();
  return std::get<std::string>(api);
}

Status seed_records(Store& store, const std::string& user_id, int n) {
  const Schema& s = store.schema();
  const ObjectDef *account = s.find("Account"), *contact = s.find("Contact"),
                  *opportunity = s.find("Opportunity"), *loan = s.find("Loan__c"),
                  *product = s.find("Product2");
  if (!account || !contact || !opportunity || !loan || !product) {
    return Error(ErrorKind::fatal,
                 "sandbox seed needs Account, Contact, Opportunity, Loan__c, Product2");
  }
  Rng rng(20240101);
  int64_t today = store.now_micros() / (86400LL * 1000000);
  auto txn = store.begin(WriteContext{user_id, "seed"});
  std::vector<std::string> accounts, contacts;
  for (int i = 0; i < n; ++i) {
    std::string name = std::string(rng.pick(kCompany)) + " " + std::to_string(i + 1);
    auto r = txn->create(
        *account, Object{{"Name", Value(name)},
                         {"Industry", Value(rng.pick(kIndustry))},
                         {"BillingCity", Value("City " + std::to_string(rng.next() % 100))},
                         {"NumberOfEmployees", Value(static_cast<int64_t>(rng.next() % 5000))},
                         {"External_Id__c", Value("ACC-" + std::to_string(i + 1))}});
    if (auto* e = std::get_if<SfError>(&r)) return fail("Account", *e);
    accounts.push_back(std::get<std::string>(r));
  }
  for (int i = 0; i < n; ++i) {
    std::string first = rng.pick(kFirst), last = rng.pick(kLast);
    auto r =
        txn->create(*contact, Object{{"FirstName", Value(first)},
                                     {"LastName", Value(last)},
                                     {"Email", Value(to_lower(first + "." + last) +
                                                     std::to_string(i + 1) + "@example.com")},
                                     {"AccountId", Value(accounts[rng.next() % accounts.size()])},
                                     {"External_Id__c", Value("CON-" + std::to_string(i + 1))}});
    if (auto* e = std::get_if<SfError>(&r)) return fail("Contact", *e);
    contacts.push_back(std::get<std::string>(r));
  }
  for (int i = 0; i < n; ++i) {
    auto amount = Decimal::parse(std::to_string(1000 + rng.next() % 99000) + ".00");
    auto r = txn->create(*opportunity,
                         Object{{"Name", Value("Deal " + std::to_string(i + 1))},
                                {"AccountId", Value(accounts[rng.next() % accounts.size()])},
                                {"StageName", Value(rng.pick(kStage))},
                                {"CloseDate", Value(date_after(today, rng.next() % 120))},
                                {"Amount", Value(*amount)}});
    if (auto* e = std::get_if<SfError>(&r)) return fail("Opportunity", *e);
  }
  for (int i = 0; i < n; ++i) {
    auto amount = Decimal::parse(std::to_string(50000 + rng.next() % 950000) + ".00");
    auto r = txn->create(
        *loan, Object{{"Name", Value("L-" + std::to_string(100000 + i))},
                      {"Loan_Officer__c", Value(kOfficers[i % std::size(kOfficers)])},
                      {"Primary_Borrower__c", Value(contacts[rng.next() % contacts.size()])},
                      {"Amount__c", Value(*amount)},
                      {"Stage__c", Value(rng.pick(kLoanStage))},
                      {"CloseDate__c", Value(date_after(today, rng.next() % 90))},
                      {"Loan_Number__c", Value("LN-" + std::to_string(i + 1))}});
    if (auto* e = std::get_if<SfError>(&r)) return fail("Loan__c", *e);
  }
  for (int i = 0; i < std::min(n, 50); ++i) {
    auto r = txn->create(*product, Object{{"Name", Value("Product " + std::to_string(i + 1))},
                                          {"ProductCode", Value("P-" + std::to_string(i + 1))},
                                          {"IsActive", Value(true)}});
    if (auto* e = std::get_if<SfError>(&r)) return fail("Product2", *e);
  }
  txn->commit();
  return Status();
}

Status load_data_dir(Store& store, const std::string& user_id, const std::string& dir) {
  namespace fs = std::filesystem;
  if (!fs::is_directory(dir)) return Error(ErrorKind::fatal, "sandbox data: no directory " + dir);
  auto txn = store.begin(WriteContext{user_id, "load"});
  std::map<std::string, std::vector<std::string>> loaded;  // object -> ids in file order
  // Schema order: parents (Account) come before children (Contact).
  for (const ObjectDef& def : store.schema().objects()) {
    fs::path file = fs::path(dir) / (def.name + ".json");
    if (!fs::exists(file)) continue;
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    auto doc = parse_json(text.str());
    if (!doc) return doc.error().with_context("sandbox data " + file.string());
    if (!doc->is_array())
      return Error(ErrorKind::fatal, "sandbox data " + file.string() + ": not an array");
    for (size_t i = 0; i < doc->as_array().size(); ++i) {
      const Value& rec = doc->as_array()[i];
      if (!rec.is_object())
        return Error(ErrorKind::fatal,
                     file.string() + ": record " + std::to_string(i) + " is not an object");
      Object body = rec.as_object();
      for (Member& m : body) {
        if (!m.value.is_string() || !m.value.as_string().starts_with("@")) continue;
        std::string ref = m.value.as_string().substr(1);
        size_t colon = ref.find(':');
        auto ids = colon == std::string::npos ? loaded.end() : loaded.find(ref.substr(0, colon));
        std::string index = colon == std::string::npos ? "" : ref.substr(colon + 1);
        bool numeric = !index.empty() && index.size() < 9 &&
                       index.find_first_not_of("0123456789") == std::string::npos;
        size_t k = numeric ? std::stoul(index) : 0;
        if (ids == loaded.end() || !numeric || k >= ids->second.size()) {
          return Error(ErrorKind::fatal, file.string() + ": record " + std::to_string(i) +
                                             ": unknown reference " + m.value.as_string());
        }
        m.value = Value(ids->second[k]);
      }
      auto r = txn->create(def, body);
      if (auto* e = std::get_if<SfError>(&r))
        return fail(file.string() + " record " + std::to_string(i), *e);
      loaded[def.name].push_back(std::get<std::string>(r));
    }
  }
  txn->commit();
  return Status();
}

}  // namespace crmsync::sandbox::salesforce

#include <random>

#include "sandbox/pipedrive/pipedrive_context.h"

namespace crmsync::sandbox::pipedrive {

void seed_records(PipedriveStore& store, int count) {
  static const char* kFirst[] = {"Ann", "Bob", "Carla", "Dmitri", "Eve", "Farid", "Grace", "Hiro"};
  static const char* kLast[] = {"Lee", "Okafor", "Silva", "Novak", "Tanaka", "Berg", "Haddad"};
  static const char* kCompany[] = {"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay"};
  std::mt19937_64 rng(20261123);  // fixed: the same N gives the same records
  auto pick = [&](auto& list) { return list[rng() % (sizeof(list) / sizeof(list[0]))]; };
  std::vector<int64_t> orgs, persons;
  for (int i = 0; i < count; ++i) {
    std::string name = std::string(pick(kCompany)) + " " + std::to_string(i + 1);
    orgs.push_back(store
                       .create(Entity::organization,
                               Object{{"name", name}, {"owner_id", 1}, {"visible_to", 3}}, {})
                       .id);
  }
  for (int i = 0; i < count; ++i) {
    std::string first = pick(kFirst), last = pick(kLast);
    std::string email = first + "." + last + "." + std::to_string(i + 1) + "@example.com";
    Object data{
        {"name", first + " " + last},
        {"first_name", first},
        {"last_name", last},
        {"owner_id", 1},
        {"org_id", orgs[rng() % orgs.size()]},
        {"emails", Array{Value(Object{{"value", email}, {"primary", true}, {"label", "work"}})}},
        {"phones", Array{}},
        {"visible_to", 3}};
    persons.push_back(store.create(Entity::person, std::move(data), {}).id);
  }
  for (int i = 0; i < count; ++i) {
    Object data{{"title", "Loan " + std::to_string(i + 1)},
                {"value", static_cast<int64_t>(1000 + rng() % 99000)},
                {"currency", "USD"},
                {"owner_id", 1},
                {"person_id", persons[rng() % persons.size()]},
                {"org_id", orgs[rng() % orgs.size()]},
                {"pipeline_id", 1},
                {"stage_id", static_cast<int64_t>(1 + rng() % 5)},
                {"status", "open"},
                {"visible_to", 3}};
    store.create(Entity::deal, std::move(data), {});
  }
}

}  // namespace crmsync::sandbox::pipedrive

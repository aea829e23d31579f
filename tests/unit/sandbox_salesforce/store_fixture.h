#pragma once

#include <memory>

#include "core/time.h"
#include "sandbox/salesforce/seed.h"
#include "sandbox/salesforce/store.h"

namespace crmsync::sandbox::salesforce {

// A store on the built-in schema with a hand-driven clock and the API user.
struct StoreFixture {
  int64_t now = DateTime::parse("2024-03-15T10:00:00Z")->micros;
  std::shared_ptr<const Schema> schema = std::make_shared<const Schema>(*Schema::builtin());
  Store store{schema, [this] { return now; }};
  std::string user = *create_users(store, "demo@example.com");

  const ObjectDef& def(const char* name) const { return *schema->find(name); }
  std::unique_ptr<Store::Txn> txn() { return store.begin(WriteContext{user, "test"}); }

  std::string create(const char* object, Object body) {
    auto t = txn();
    auto r = t->create(def(object), body);
    if (!std::holds_alternative<std::string>(r)) return "";
    t->commit();
    return std::get<std::string>(r);
  }
  const Record* get(const char* object, const std::string& id) {
    return store.find(def(object), id);
  }
};

}  // namespace crmsync::sandbox::salesforce

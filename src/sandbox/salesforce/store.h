#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "core/record.h"
#include "sandbox/salesforce/schema.h"
#include "sandbox/salesforce/sf_error.h"

namespace crmsync::sandbox::salesforce {

// One committed change, for Change Data Capture and the admin counters.
struct ChangeEvent {
  enum class Type { create, update, remove, undelete };
  Type type = Type::create;
  std::string object;
  std::string record_id;
  std::vector<std::string> changed_fields;  // update: the fields whose value changed
  Object values;                            // create/update: the new values of those fields
  int64_t commit_micros = 0;
  std::string user_id;
  std::string origin;  // "com/salesforce/api/rest/50.0" or "" for UI edits
  std::string transaction_key;
};

// The records of one object. Rows are only appended (a delete sets
// IsDeleted), so a row index stays valid for query cursors until reset().
struct Table {
  const ObjectDef* def = nullptr;
  std::vector<Record> rows;
  std::vector<int64_t> deleted_micros;            // per row; 0 while not deleted
  std::unordered_map<std::string, size_t> by_id;  // 18-char id -> row
  // external-id and unique fields: field index -> lower-case text -> live rows
  std::unordered_map<int, std::unordered_map<std::string, std::vector<size_t>>> keys;
  uint64_t next_seq = 1;
};

// Where a write came from and who made it.
struct WriteContext {
  std::string user_id;
  std::string origin;
};

// The in-memory database of the sandbox. Thread-safe: readers hold
// read_lock() while they look at tables; writers go through a Txn, which holds
// the write lock for its lifetime and undoes everything unless committed
// (allOrNone collections, composite requests).
class Store {
 public:
  using Clock = std::function<int64_t()>;  // unix micros

  Store(std::shared_ptr<const Schema> schema, Clock clock);

  const Schema& schema() const { return *schema_; }
  int64_t now_micros() const { return clock_(); }

  // Not locked when this thread holds an outer transaction (it already
  // excludes every writer, and re-locking would deadlock).
  std::shared_lock<std::shared_mutex> read_lock() const;
  // The following readers need read_lock() (or a Txn) held.
  const Table& table(const ObjectDef& def) const;
  // The row of an 18-character id of `def`, deleted rows included; nullptr when absent.
  const Record* find(const ObjectDef& def, std::string_view id18) const;
  int64_t deleted_micros(const ObjectDef& def, std::string_view id18) const;
  // Live rows whose external-id field `field` equals `text` (ignoring case).
  std::vector<size_t> find_by_key(const ObjectDef& def, int field, std::string_view text) const;
  // Bumped by reset(): query cursors of an older generation are gone.
  uint64_t generation() const { return generation_; }

  class Txn;
  // A write transaction. While this thread holds an outer transaction, the
  // new one is nested in it: it takes no lock, and its commit hands its
  // writes to the outer one, which can still undo them all.
  std::unique_ptr<Txn> begin(WriteContext ctx);
  // An outer transaction for all-or-none requests (/composite allOrNone).
  std::unique_ptr<Txn> begin_outer(WriteContext ctx);

  // Called for every committed change, with the write lock held: listeners
  // must be quick and must not call back into the store.
  void add_listener(std::function<void(const ChangeEvent&)> listener);

  // Drops every record (the schema stays); cursors of older generations die.
  void reset();

 private:
  friend class Txn;
  Table& mutable_table(const ObjectDef& def);
  void index_keys(Table& t, size_t row, bool add);
  static void end_outer();

  std::shared_ptr<const Schema> schema_;
  Clock clock_;
  mutable std::shared_mutex mutex_;
  std::vector<Table> tables_;  // parallel to schema_->objects()
  std::vector<std::function<void(const ChangeEvent&)>> listeners_;
  uint64_t generation_ = 1;
  int64_t last_stamp_ = 0;
  uint64_t next_txn_ = 1;
};

// A write transaction: holds the store's write lock; every call validates
// like Salesforce and answers the API's error when the record is refused.
// Destroyed without commit(), it undoes its writes and emits no events.
class Store::Txn {
 public:
  Txn(Store& store, WriteContext ctx, Txn* outer, bool is_outer);
  ~Txn();
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;

  // Creates a record from JSON field values; answers the new 18-char id.
  std::variant<std::string, SfError> create(const ObjectDef& def, const Object& body);
  std::variant<std::monostate, SfError> update(const ObjectDef& def, std::string_view id,
                                               const Object& body);
  std::variant<std::monostate, SfError> remove(const ObjectDef& def, std::string_view id);

  struct Upserted {
    std::string id;
    bool created = false;
  };
  // Upsert by external id `field` = `value`: creates when no live record has
  // it, updates the one that has it, 300 MULTIPLE_CHOICES (message: the
  // matching ids joined by ',') when several have it.
  std::variant<Upserted, SfError> upsert(const ObjectDef& def, std::string_view field,
                                         std::string_view value, const Object& body);

  // Both end the transaction and release the write lock.
  void commit();
  void rollback();
  // Stamp of this transaction (all its writes share it).
  int64_t stamp() const { return stamp_; }

 private:
  struct Undo {
    const ObjectDef* def;
    size_t row;
    bool created;  // else: restore `before`
    Record before;
    int64_t before_deleted;
  };
  std::variant<std::monostate, SfError> apply(const ObjectDef& def, Record& rec, const Object& body,
                                              bool creating, std::vector<std::string>& changed);
  std::variant<std::monostate, SfError> check_row(const ObjectDef& def, const Record& rec,
                                                  size_t self_row);
  // The row of a live record of `def`: MALFORMED_ID, NOT_FOUND or ENTITY_IS_DELETED otherwise.
  std::variant<size_t, SfError> live_row(const ObjectDef& def, std::string_view id);
  void record_event(ChangeEvent::Type type, const ObjectDef& def, const Record& rec,
                    std::vector<std::string> changed);

  Store& store_;
  WriteContext ctx_;
  std::unique_lock<std::shared_mutex> lock_;
  Txn* outer_ = nullptr;   // nested: commit hands writes to it
  bool is_outer_ = false;  // registered as this thread's outer transaction
  int64_t stamp_ = 0;
  std::string txn_key_;
  std::vector<Undo> undo_;
  std::vector<ChangeEvent> events_;
  bool done_ = false;
};

}  // namespace crmsync::sandbox::salesforce

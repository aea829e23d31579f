#pragma once

// The serve scenarios' two sides: people in a SQLite table (the source) and
// persons in the Pipedrive sandbox (the target), read through the sandbox's
// own API, and the verdict that the target holds each source row exactly
// once with its fields.

#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/json.h"
#include "net/http_client.h"
#include "support/sqlite_probe.h"

namespace crmsync::testing {

struct Person {
  std::string name, email;
};

class PeopleSource {
 public:
  explicit PeopleSource(const std::string& path) : db_(path) {
    db_.exec(
        "create table if not exists people (id text primary key, name text, email text, "
        "updated_at integer)");
  }

  // Adds `n` people with new ids.
  void add(int n) {
    std::string sql = "begin;";
    for (int i = 0; i < n; ++i, ++next_id_) {
      std::string id = "P" + std::to_string(next_id_);
      sql += "insert into people values ('" + id + "','Person " + id + "','" + id +
             "@example.com'," + std::to_string(++clock_) + ");";
    }
    db_.exec(sql + "commit;");
  }

  // Renames `n` different people picked by `rng` (changes the next run
  // must write).
  void rename(int n, std::mt19937& rng) {
    std::vector<int> ids(static_cast<size_t>(next_id_));
    for (int i = 0; i < next_id_; ++i) ids[static_cast<size_t>(i)] = i;
    std::shuffle(ids.begin(), ids.end(), rng);
    std::string sql = "begin;";
    for (int i = 0; i < n && i < next_id_; ++i) {
      std::string id = "P" + std::to_string(ids[static_cast<size_t>(i)]);
      std::string stamp = std::to_string(++clock_);
      sql += "update people set name = 'Renamed " + id + " " + stamp + "', updated_at = " + stamp +
             " where id = '" + id + "';";
    }
    db_.exec(sql + "commit;");
  }

  std::map<std::string, Person> all() {
    std::map<std::string, Person> out;
    for (auto& row : db_.rows("select id, name, email from people")) {
      out[row[0]] = Person{row[1], row[2]};
    }
    return out;
  }

 private:
  SqliteProbe db_;
  int next_id_ = 0;
  int64_t clock_ = 0;
};

class PipedrivePeople {
 public:
  PipedrivePeople(std::string base_url, std::string token)
      : base_url_(std::move(base_url)), token_(std::move(token)) {}
  // Regenerates the company's API token as its user would (sandbox admin):
  // the old one is refused from now on.
  void regenerate_token(const std::string& token) {
    net::HttpClientRequest req;
    req.method = "POST";
    req.url = base_url_ + "/__admin/api_token";
    req.body = "{\"api_token\":\"" + token + "\"}";
    req.headers.emplace("Content-Type", "application/json");
    auto r = http_.send(req);
    ASSERT_TRUE(r.ok() && r->status == 200) << (r.ok() ? r->body : r.error().message);
    token_ = token;
  }

  Value get(const std::string& path_and_query) {
    net::HttpClientRequest req;
    req.url = base_url_ + path_and_query;
    req.headers.emplace("x-api-token", token_);
    auto r = http_.send(req);
    EXPECT_TRUE(r.ok() && r->status == 200) << path_and_query << ": " << (r.ok() ? r->body : "");
    if (!r.ok()) return Value();
    auto v = parse_json(r->body);
    return v.ok() ? *v : Value();
  }

  // Requests the sandbox answered for one endpoint ("POST /api/v2/persons").
  int64_t requests(const std::string& endpoint) {
    Value v = get("/__admin/counters");
    const Value* n = v.is_object() ? v.find(endpoint) : nullptr;
    return n && n->is_int() ? n->as_int() : 0;
  }
  // Writes of persons so far: creates and updates.
  int64_t person_writes() {
    Value v = get("/__admin/counters");
    int64_t out = 0;
    for (const char* e : {"POST /api/v2/persons", "PATCH /api/v2/persons/{id}"}) {
      const Value* n = v.is_object() ? v.find(e) : nullptr;
      out += n && n->is_int() ? n->as_int() : 0;
    }
    return out;
  }

  // Persons per value of the custom field `field`, all of them (a value
  // held by two persons is listed twice).
  std::multimap<std::string, Person> by_custom_field(const std::string& field) {
    std::string key;
    Value defs = get("/v1/personFields?limit=500");
    if (const Value* data = defs.find("data"); data && data->is_array()) {
      for (const Value& f : data->as_array()) {
        if (f.find("name")->to_text() == field) key = f.find("key")->to_text();
      }
    }
    EXPECT_FALSE(key.empty()) << "no person field '" << field << "'";
    std::multimap<std::string, Person> out;
    std::string cursor;
    for (int page = 0; page < 1000; ++page) {
      Value v = get("/api/v2/persons?limit=500" + (cursor.empty() ? "" : "&cursor=" + cursor));
      if (const Value* data = v.find("data"); data && data->is_array()) {
        for (const Value& p : data->as_array()) {
          Person person;
          person.name = p.find("name") ? p.find("name")->to_text() : "";
          if (const Value* emails = p.find("emails");
              emails && emails->is_array() && !emails->as_array().empty()) {
            person.email = emails->as_array()[0].find("value")->to_text();
          }
          const Value* custom = p.find("custom_fields");
          const Value* id = custom ? custom->find(key) : nullptr;
          out.emplace(id && !id->is_null() ? id->to_text() : "", person);
        }
      }
      const Value* add = v.find("additional_data");
      const Value* next = add ? add->find("next_cursor") : nullptr;
      if (next == nullptr || !next->is_string()) break;
      cursor = next->as_string();
    }
    return out;
  }

 private:
  std::string base_url_, token_;
  net::HttpClient http_;
};

// Each source row is one person with its name and email; no other person.
inline void expect_exactly_once(const std::map<std::string, Person>& source,
                                const std::multimap<std::string, Person>& target,
                                const std::string& when) {
  int duplicates = 0, missing = 0, strays = 0, wrong = 0;
  for (const auto& [id, p] : source) {
    size_t n = target.count(id);
    if (n == 0) ++missing;
    if (n > 1) duplicates += static_cast<int>(n) - 1;
    auto it = target.find(id);
    if (it != target.end() && (it->second.name != p.name || it->second.email != p.email)) {
      if (++wrong <= 3) {
        ADD_FAILURE() << when << ": " << id << " is '" << it->second.name << "' <"
                      << it->second.email << ">, the source has '" << p.name << "' <" << p.email
                      << ">";
      }
    }
  }
  for (const auto& [id, p] : target) strays += source.count(id) == 0;
  std::cout << "[ people ] " << when << ": " << source.size() << " people, " << duplicates
            << " duplicate, " << missing << " missing, " << strays << " strays, " << wrong
            << " with other fields\n";
  EXPECT_EQ(duplicates, 0) << when;
  EXPECT_EQ(missing, 0) << when;
  EXPECT_EQ(strays, 0) << when;
  EXPECT_EQ(wrong, 0) << when;
}

}  // namespace crmsync::testing

#include <string>

#include "core/decimal.h"
#include "sandbox/payamgostar/payamgostar_context.h"

namespace crmsync::sandbox::payamgostar {

void seed_records(PayamgostarStore& store, int count) {
  static const char* const kPersons[] = {"رضا حسینی", "سارا کاظمی", "امیر نوری", "نرگس صادقی"};
  static const char* const kCompanies[] = {"شرکت آسمان", "گروه صنعتی مهر", "تجارت سپهر",
                                           "پخش البرز"};
  const char* const kProducts[][3] = {{"Product-1", "کالای نمونه", "100000"},
                                      {"P-2", "خدمات نصب", "250000"},
                                      {"P-3", "قطعه", "5000"}};
  for (const auto& p : kProducts)
    store.create(Kind::product, Object{{"code", Value(p[0])},
                                       {"name", Value(p[1])},
                                       {"unitPrice", Value(*Decimal::parse(p[2]))}});
  for (int i = 0; i < count; ++i) {
    bool organization = i % 2 == 1;
    std::string n = std::to_string(i + 1);
    std::string name =
        std::string(organization ? kCompanies[i / 2 % 4] : kPersons[i / 2 % 4]) + " " + n;
    std::string digits = std::to_string(10000000 + i).substr(1);
    Array phones{Value(Object{{"phoneType", Value("Mobile")},
                              {"phoneNumber", Value("0935" + digits)},
                              {"default", Value(true)}})};
    store.create(organization ? Kind::organization : Kind::person,
                 Object{{"nickName", Value(name)}, {"phoneContacts", Value(std::move(phones))}});
  }
}

}  // namespace crmsync::sandbox::payamgostar

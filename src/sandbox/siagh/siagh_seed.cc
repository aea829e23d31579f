#include <string>

#include "sandbox/siagh/siagh_context.h"

namespace crmsync::sandbox::siagh {

void seed_contacts(SiaghStore& store, int count) {
  static const char* const kPersons[] = {"علی رضایی", "مریم احمدی", "حسین کریمی", "زهرا محمدی"};
  static const char* const kCompanies[] = {"شرکت پارس", "بازرگانی نوین", "صنایع البرز",
                                           "فناوری آریا"};
  for (int i = 0; i < count; ++i) {
    bool organization = i % 2 == 1;
    std::string n = std::to_string(i + 1);
    std::string name =
        std::string(organization ? kCompanies[i / 2 % 4] : kPersons[i / 2 % 4]) + " " + n;
    std::string digits = std::to_string(10000000 + i).substr(1);  // 7 digits, unique
    ContactWrite write;
    write.fields = {{"Name", Value(name)},
                    {"NickName", Value(name)},
                    {"MobileNo", Value("0912" + digits)},
                    {"TelNo", Value("021" + digits + "0")},
                    {"Address", Value("تهران، خیابان آزادی، پلاک " + n)},
                    {"TowardType", Value(organization)},
                    {"tmpid", Value("seed-" + n)}};
    store.save_contact(write);
  }
}

}  // namespace crmsync::sandbox::siagh

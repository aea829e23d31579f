#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <string>

namespace crmsync::testing {

// One company's ERP database: the base tables and the three views the
// integration reads, with rows of this company and a few of another one
// (the views' filter must keep those out).
inline std::string s3_erp_sql(const std::string& company, int accounts) {
  std::string s =
      "create table terceros (nit text primary key, razon_social text, telefono text, ciudad "
      "text, empresa text);"
      "create table sucursales (codigo text primary key, nombre text, nit text, ciudad text, "
      "direccion text, activa smallint, empresa text);"
      "create table acuerdos (numero text primary key, nit text, valor numeric(18,2), "
      "fecha_inicio date, fecha_fin date, estado text, empresa text);"
      "create view terceros_view as select * from terceros;"
      "create view sucursales_view as select * from sucursales;"
      "create view acuerdos_view as select * from acuerdos;";
  for (int i = 1; i <= accounts; ++i) {
    std::string nit = "9" + std::to_string(1000 + i);
    s += "insert into terceros values ('" + nit + "', '  " + company + " Cliente " +
         std::to_string(i) + "  ', '+57 1 555 " + std::to_string(1000 + i) + "', 'Bogota', '" +
         company + "');";
    for (int k = 1; k <= 2; ++k) {
      s += "insert into sucursales values ('S" + nit + "-" + std::to_string(k) + "', 'Tienda " +
           std::to_string(k) + "', '" + nit + "', 'Cali', 'Calle " + std::to_string(i) + "', " +
           (k == 1 ? "1" : "0") + ", '" + company + "');";
    }
    s += "insert into acuerdos values ('A" + nit + "', '" + nit + "', " + std::to_string(1000 + i) +
         ".50, '2026-01-01', '2026-12-31', '" + (i % 3 == 0 ? "X" : "V") + "', '" + company + "');";
  }
  s += "insert into terceros values ('OTHER1', 'Otra Empresa', '', 'Lima', 'OTRA');";
  return s;
}

// CTest runs the tests of one binary in parallel on one PostgreSQL server:
// each test gets ERP databases of its own, erp_<company>_<tag of the test>,
// and the example config is pointed at them.
inline std::string s3_test_tag() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "." + info->name();
  return "t" + std::to_string(std::hash<std::string>{}(name) % 1000000);
}

inline std::string s3_erp_db(const std::string& company) {
  return "erp_" + company + "_" + s3_test_tag();
}

inline std::string s3_isolated_config(std::string text) {
  const std::string from = "database: erp_${param.company}";
  size_t at = text.find(from);
  if (at != std::string::npos) {
    text.replace(at, from.size(), from + "_" + s3_test_tag());
  }
  return text;
}

}  // namespace crmsync::testing

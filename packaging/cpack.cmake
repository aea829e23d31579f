# `cpack -G DEB` in a build directory configured with CMAKE_INSTALL_PREFIX=/usr
# (scripts/package.sh does it for the Release build): crmsync_VERSION_ARCH.deb
# with the files of packaging/install.cmake, its dependencies read from the
# binary's shared libraries (dpkg-shlibdeps), and maintainer scripts that
# create the `crmsync` system user and /etc/crmsync/ and leave the unit
# installed but not enabled (packaging/debian/).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME crmsync)
set(CPACK_PACKAGE_VENDOR "crmsync")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "crmsync maintainers <crmsync@example.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "keeps records in step between CRMs, finance systems and SQL databases")
set(CPACK_PACKAGE_DESCRIPTION
  "crmsync syncs business records between Salesforce, Pipedrive, REST APIs and SQL
databases: one binary, one YAML file, an embedded SQLite state store. It runs
as `crmsync serve` under systemd (the crmsync unit, installed but not
enabled) with a JSON API, health checks and Prometheus metrics.")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
if(NOT CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  message(STATUS "crmsync: a .deb wants CMAKE_INSTALL_PREFIX=/usr (scripts/package.sh sets it)")
endif()
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://crmsync.invalid")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Besides the shared libraries: the maintainer scripts' adduser, the
# IANA zone data cron schedules read, CA certificates for HTTPS.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, tzdata, ca-certificates")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${PROJECT_SOURCE_DIR}/packaging/debian/postinst
  ${PROJECT_SOURCE_DIR}/packaging/debian/prerm
  ${PROJECT_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_STRIP_FILES TRUE)
include(CPack)

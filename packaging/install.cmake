# `cmake --install`: the binary, crmsync(1), the bash/zsh/fish completions and
# the systemd unit in their FHS places under CMAKE_INSTALL_PREFIX (/usr/local
# by default, /usr in the .deb). The man page and completions are generated
# by the built binary from its command table (src/cli/command_table.cc), so
# they cannot drift from --help.
include(GNUInstallDirs)

set(CRMSYNC_GENERATED_DIR ${PROJECT_BINARY_DIR}/share)
set(crmsync_generated
  ${CRMSYNC_GENERATED_DIR}/crmsync.1
  ${CRMSYNC_GENERATED_DIR}/crmsync.bash
  ${CRMSYNC_GENERATED_DIR}/_crmsync
  ${CRMSYNC_GENERATED_DIR}/crmsync.fish)
add_custom_command(OUTPUT ${crmsync_generated}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CRMSYNC_GENERATED_DIR}
  COMMAND sh -c "\"$1\" __man >\"$2/crmsync.1\" && \"$1\" completion bash >\"$2/crmsync.bash\" && \"$1\" completion zsh >\"$2/_crmsync\" && \"$1\" completion fish >\"$2/crmsync.fish\""
    sh $<TARGET_FILE:crmsync> ${CRMSYNC_GENERATED_DIR}
  DEPENDS crmsync
  COMMENT "crmsync(1) and the shell completions"
  VERBATIM)
add_custom_target(crmsync_docs ALL DEPENDS ${crmsync_generated})

# The unit starts the installed binary, wherever the prefix puts it.
file(READ ${PROJECT_SOURCE_DIR}/packaging/crmsync.service crmsync_unit)
string(REPLACE "/usr/bin/crmsync" "${CMAKE_INSTALL_FULL_BINDIR}/crmsync" crmsync_unit
  "${crmsync_unit}")
file(WRITE ${CRMSYNC_GENERATED_DIR}/crmsync.service "${crmsync_unit}")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${PROJECT_SOURCE_DIR}/packaging/crmsync.service)

install(TARGETS crmsync RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${CRMSYNC_GENERATED_DIR}/crmsync.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${CRMSYNC_GENERATED_DIR}/crmsync.bash
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME crmsync)
# Debian's zsh reads vendor-completions under /usr, site-functions elsewhere.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(crmsync_zsh_dir ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
else()
  set(crmsync_zsh_dir ${CMAKE_INSTALL_DATADIR}/zsh/site-functions)
endif()
install(FILES ${CRMSYNC_GENERATED_DIR}/_crmsync DESTINATION ${crmsync_zsh_dir})
install(FILES ${CRMSYNC_GENERATED_DIR}/crmsync.fish
  DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
# systemd reads units from lib/systemd/system under /usr and /usr/local
# (not the multiarch CMAKE_INSTALL_LIBDIR).
install(FILES ${CRMSYNC_GENERATED_DIR}/crmsync.service DESTINATION lib/systemd/system)
install(FILES README.md docs/quickstart.md docs/configuration.md docs/cli.md docs/service.md
  docs/api.md docs/openapi.yaml docs/redaction.md
  DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY examples/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)

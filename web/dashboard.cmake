# The dashboard (web/, docs/dashboard.md) built into crmsync_service:
# `npm ci` when node_modules is missing or older than the lock, esbuild
# bundles the TypeScript (web/build.mjs), and embed.cmake turns the bundle
# into a C++ source. Node is needed to build, never to run.
set(web_dir ${PROJECT_SOURCE_DIR}/web)
set(web_dist ${CMAKE_CURRENT_BINARY_DIR}/web/dist)
set(web_cc ${CMAKE_CURRENT_BINARY_DIR}/web/dashboard_assets_data.cc)
find_program(CRMSYNC_NPM npm REQUIRED)
find_program(CRMSYNC_NODE node REQUIRED)
file(GLOB_RECURSE web_sources CONFIGURE_DEPENDS ${web_dir}/src/*)
add_custom_command(OUTPUT ${web_dir}/node_modules/.package-lock.json
  COMMAND ${CRMSYNC_NPM} ci --no-audit --no-fund --loglevel=error
  WORKING_DIRECTORY ${web_dir}
  DEPENDS ${web_dir}/package-lock.json
  COMMENT "web: npm ci (the locked esbuild and preact)")
add_custom_command(OUTPUT ${web_dist}/index.html
  COMMAND ${CRMSYNC_NODE} ${web_dir}/build.mjs ${web_dist}
  DEPENDS ${web_sources} ${web_dir}/index.html ${web_dir}/build.mjs
          ${web_dir}/node_modules/.package-lock.json
  COMMENT "web: esbuild bundles the dashboard")
add_custom_command(OUTPUT ${web_cc}
  COMMAND ${CMAKE_COMMAND} -DDIR=${web_dist} -DOUT=${web_cc} -P ${web_dir}/embed.cmake
  DEPENDS ${web_dist}/index.html ${web_dir}/embed.cmake
  COMMENT "web: embedding the bundle")
target_sources(crmsync_service PRIVATE ${web_cc})
set_source_files_properties(${web_cc} PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)

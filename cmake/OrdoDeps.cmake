# Every dependency comes from Debian 12 packages (scripts/install-deps.sh installs them).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(pugixml REQUIRED)
find_package(CLI11 REQUIRED)
find_package(tomlplusplus REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(GTest REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(CURL REQUIRED IMPORTED_TARGET libcurl)
pkg_check_modules(PQ REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(LUA IMPORTED_TARGET lua5.4)

# asio (standalone) has no CMake config: plain headers.
add_library(ordo_asio INTERFACE)
target_compile_definitions(ordo_asio INTERFACE ASIO_STANDALONE ASIO_NO_DEPRECATED)
target_link_libraries(ordo_asio INTERFACE Threads::Threads OpenSSL::SSL OpenSSL::Crypto)

# The SONAME ("libpq.so.5") of a library that Ordo opens at run time instead of linking
# (src/core/shared_library.h): the exact ABI whose headers the build compiled against, so a
# distribution that moves to another version is followed by a rebuild, not by a guess.
function(ordo_soname out_var library_name)
  find_library(ORDO_SONAME_LIB_${library_name} NAMES ${library_name} REQUIRED)
  execute_process(COMMAND ${CMAKE_OBJDUMP} -p ${ORDO_SONAME_LIB_${library_name}}
                  OUTPUT_VARIABLE dump RESULT_VARIABLE rc)
  string(REGEX MATCH "SONAME +([^ \n]+)" match "${dump}")
  if(NOT rc EQUAL 0 OR NOT CMAKE_MATCH_1)
    message(FATAL_ERROR "cannot read the SONAME of ${ORDO_SONAME_LIB_${library_name}}")
  endif()
  set(${out_var} ${CMAKE_MATCH_1} PARENT_SCOPE)
endfunction()
ordo_soname(ORDO_LIBCURL_SONAME curl)
ordo_soname(ORDO_LIBPQ_SONAME pq)
ordo_soname(ORDO_SOCI_POSTGRESQL_SONAME soci_postgresql)

# SOCI 4.0 ships neither a CMake config nor pkg-config: link by name. The PostgreSQL back end
# and libpq are not linked but loaded on the first PostgreSQL URL (src/store/libpq.h), so a
# server on SQLite never maps them; only libpq's header is needed here.
add_library(ordo_soci INTERFACE)
# sqlite3 itself for its process-wide settings (store/database.cc).
target_link_libraries(ordo_soci INTERFACE soci_core soci_sqlite3 sqlite3 ${CMAKE_DL_LIBS})
target_include_directories(ordo_soci INTERFACE ${PQ_INCLUDE_DIRS})

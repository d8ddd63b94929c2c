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

# asio (standalone) and http_parser have no CMake config: plain headers and a library.
add_library(ordo_asio INTERFACE)
target_compile_definitions(ordo_asio INTERFACE ASIO_STANDALONE ASIO_NO_DEPRECATED)
target_link_libraries(ordo_asio INTERFACE Threads::Threads OpenSSL::SSL OpenSSL::Crypto)
find_library(HTTP_PARSER_LIB http_parser REQUIRED)

# SOCI 4.0 ships neither a CMake config nor pkg-config: link by name. The PostgreSQL back end
# and libpq are not linked but loaded on the first PostgreSQL URL (src/store/libpq.h), so a
# server on SQLite never maps them; only libpq's header is needed here.
add_library(ordo_soci INTERFACE)
# sqlite3 itself for its process-wide settings (store/database.cc).
target_link_libraries(ordo_soci INTERFACE soci_core soci_sqlite3 sqlite3 ${CMAKE_DL_LIBS})
target_include_directories(ordo_soci INTERFACE ${PQ_INCLUDE_DIRS})

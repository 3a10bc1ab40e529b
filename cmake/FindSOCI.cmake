# FindSOCI: the SOCI database access library (https://soci.sourceforge.net) and the backends
# dunghan reads agency databases with: postgresql, mysql, odbc, sqlite3.
#
# vcpkg (Windows) installs a CMake package configuration; Debian 12's libsoci-dev ships none, so
# the libraries and headers are looked up by name there. Either way this defines the imported
# targets SOCI::core, SOCI::postgresql, SOCI::mysql, SOCI::odbc and SOCI::sqlite3 (each backend
# carries its client library: libpq, MariaDB Connector/C, the ODBC driver manager, SQLite) and
# SOCI_FOUND.

if(TARGET SOCI::core)
  set(SOCI_FOUND TRUE)
  return()
endif()

find_package(SOCI CONFIG QUIET NAMES SOCI soci)
if(SOCI_FOUND AND TARGET SOCI::soci_core)
  # vcpkg's names: SOCI::soci_core, SOCI::soci_postgresql, … (static or shared variants).
  foreach(part core postgresql mysql odbc sqlite3)
    foreach(candidate SOCI::soci_${part} SOCI::soci_${part}_static)
      if(TARGET ${candidate} AND NOT TARGET SOCI::${part})
        add_library(SOCI::${part} INTERFACE IMPORTED)
        set_target_properties(SOCI::${part} PROPERTIES INTERFACE_LINK_LIBRARIES ${candidate})
      endif()
    endforeach()
  endforeach()
  return()
endif()

find_path(SOCI_INCLUDE_DIR soci/soci.h)
find_library(SOCI_CORE_LIBRARY NAMES soci_core)
find_package(PostgreSQL QUIET)
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(SOCI_MARIADB QUIET IMPORTED_TARGET libmariadb)
  pkg_check_modules(SOCI_ODBC QUIET IMPORTED_TARGET odbc)
  pkg_check_modules(SOCI_SQLITE QUIET IMPORTED_TARGET sqlite3)
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(SOCI REQUIRED_VARS SOCI_INCLUDE_DIR SOCI_CORE_LIBRARY)
if(NOT SOCI_FOUND)
  return()
endif()

add_library(SOCI::core UNKNOWN IMPORTED)
set_target_properties(SOCI::core PROPERTIES IMPORTED_LOCATION ${SOCI_CORE_LIBRARY}
                                            INTERFACE_INCLUDE_DIRECTORIES ${SOCI_INCLUDE_DIR})

# soci_add_backend(NAME CLIENT_TARGET): SOCI::NAME when both the backend and its client exist.
function(soci_add_backend name client)
  find_library(SOCI_${name}_LIBRARY NAMES soci_${name})
  if(NOT SOCI_${name}_LIBRARY OR NOT TARGET ${client})
    return()
  endif()
  add_library(SOCI::${name} UNKNOWN IMPORTED)
  set_target_properties(SOCI::${name} PROPERTIES IMPORTED_LOCATION ${SOCI_${name}_LIBRARY}
                                                 INTERFACE_LINK_LIBRARIES "SOCI::core;${client}")
endfunction()
soci_add_backend(postgresql PostgreSQL::PostgreSQL)
soci_add_backend(mysql PkgConfig::SOCI_MARIADB)
soci_add_backend(odbc PkgConfig::SOCI_ODBC)
soci_add_backend(sqlite3 PkgConfig::SOCI_SQLITE)
mark_as_advanced(SOCI_INCLUDE_DIR SOCI_CORE_LIBRARY)

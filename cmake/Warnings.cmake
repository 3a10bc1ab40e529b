# dunghan_strict(target): our own code builds with every warning as an error.
# GCC and Clang (Linux, and mingw-w64 in scripts/check-windows):
# (-Wnull-dereference is left out: at -O2/-O3 GCC 12 reports false positives inside inlined
# library code such as kainjow mustache; -Wrestrict is turned off because GCC 12 misreports
# std::string concatenation at -O2 and above, GCC bug 105651; clang has no -Wrestrict and would
# refuse the unknown option under -Werror, so it goes to GCC only. Clang builds fuzz/, the
# libFuzzer targets.)
# MSVC (the vcpkg build on Windows): /W4 /WX, standard conformance, and /utf-8 — our sources hold
# Vietnamese string literals, which MSVC would otherwise read in the system's ANSI code page
# (1258 on a Vietnamese Windows) and turn into mojibake in every message and template.
# In a unity build (the demo preset) GCC takes every .cpp of a batch for a header and reports
# -Wsubobject-linkage on a class of ours whose member has a type from the anonymous namespace
# (HttpServer::Impl, the xlsx reader's Impls). The warning guards against a header's class defined
# in several translation units; a unity batch defines it once, and every other build keeps the check.
function(dunghan_strict target)
  set(unity_only $<$<AND:$<CXX_COMPILER_ID:GNU>,$<BOOL:$<TARGET_PROPERTY:UNITY_BUILD>>>:-Wno-subobject-linkage>)
  if(MSVC)
    target_compile_options(${target} PRIVATE /W4 /WX /utf-8 /permissive- /Zc:__cplusplus)
  else()
    target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wpedantic -Wshadow
                                             -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
                                             -Wunused -Woverloaded-virtual
                                             -Wimplicit-fallthrough
                                             $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>
                                             ${unity_only})
  endif()
endfunction()

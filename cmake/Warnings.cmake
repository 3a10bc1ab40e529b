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
function(dunghan_strict target)
  if(MSVC)
    target_compile_options(${target} PRIVATE /W4 /WX /utf-8 /permissive- /Zc:__cplusplus)
  else()
    target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wpedantic -Wshadow
                                             -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
                                             -Wunused -Woverloaded-virtual
                                             -Wimplicit-fallthrough
                                             $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)
  endif()
endfunction()

# dunghan_strict(target): our own code builds with every warning as an error.
# (-Wnull-dereference is left out: at -O2/-O3 GCC 12 reports false positives inside inlined
# library code such as kainjow mustache; -Wrestrict is turned off because GCC 12 misreports
# std::string concatenation at -O2 and above, GCC bug 105651.)
function(dunghan_strict target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wpedantic -Wshadow
                                           -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
                                           -Wunused -Woverloaded-virtual
                                           -Wimplicit-fallthrough -Wno-restrict)
endfunction()

# dunghan_strict(target): our own code builds with every warning as an error.
function(dunghan_strict target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wpedantic -Wshadow
                                           -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
                                           -Wunused -Woverloaded-virtual -Wnull-dereference
                                           -Wimplicit-fallthrough)
endfunction()

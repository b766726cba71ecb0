module dlfcgi.invalid/bench/gofcgi

go 1.19

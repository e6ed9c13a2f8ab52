module csp-kit/benchmarks/go

go 1.19

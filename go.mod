module bytestream

go 1.26.0

require github.com/rogpeppe/go-internal v1.16.0

require (
	github.com/campoy/embedmd v1.0.0 // indirect
	github.com/pmezard/go-difflib v1.0.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/tools v0.26.0 // indirect
)

tool github.com/campoy/embedmd

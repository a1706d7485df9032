package grade

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// memory is what a process group holds now and at its peak: resident
// bytes, and mapped (virtual) bytes, which show a huge allocation even
// before it is touched. The peaks catch an allocation already freed.
type memory struct{ rss, virtual, peakRSS, peakVirtual int64 }

// groupPIDs lists the processes in process group pgid, so that a `go run`
// wrapper's child is counted.
func groupPIDs(pgid int) []string {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var pids []string
	for _, name := range stats {
		data, err := os.ReadFile(name)
		if err != nil {
			continue // the process ended meanwhile
		}
		// The fields after the command name, which is in parentheses and
		// may hold spaces: state ppid pgrp ...
		i := bytes.LastIndexByte(data, ')')
		f := strings.Fields(string(data[i+1:]))
		if len(f) > 2 && f[2] == strconv.Itoa(pgid) {
			pids = append(pids, filepath.Base(filepath.Dir(name)))
		}
	}
	return pids
}

// resetPeaks starts the group's resident peaks afresh (Linux 4.0 on), so
// a check measures its own.
func resetPeaks(pgid int) {
	for _, pid := range groupPIDs(pgid) {
		os.WriteFile("/proc/"+pid+"/clear_refs", []byte("5"), 0)
	}
}

// groupMemory sums the memory of every process in process group pgid. ok
// is false when /proc says nothing.
func groupMemory(pgid int) (m memory, ok bool) {
	for _, pid := range groupPIDs(pgid) {
		f, err := os.Open("/proc/" + pid + "/status")
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			key, value, _ := strings.Cut(sc.Text(), ":")
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
			if err != nil {
				continue
			}
			switch key {
			case "VmRSS":
				m.rss += kb << 10
			case "VmSize":
				m.virtual += kb << 10
			case "VmHWM":
				m.peakRSS += kb << 10
			case "VmPeak":
				m.peakVirtual += kb << 10
			}
		}
		f.Close()
		ok = true
	}
	return m, ok
}

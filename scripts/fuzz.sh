#!/usr/bin/env bash
# Runs every fuzz target of the module for a while.
#
#   scripts/fuzz.sh [DURATION] [--keep]
#
# DURATION defaults to 10s per target. With --keep, the inputs the fuzzer
# found interesting (its cached corpus) are copied into each package's
# testdata/fuzz/TARGET, at most 64 per target, so that `go test` replays
# them as regression seeds.
set -euo pipefail
cd "$(dirname "$0")/.."
dur=10s
keep=0
for a in "$@"; do
	case $a in
	--keep) keep=1 ;;
	*) dur=$a ;;
	esac
done
cache=$(go env GOCACHE)/fuzz
for pkg in $(go list ./...); do
	dir=$(go list -f '{{.Dir}}' "$pkg")
	for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
		echo "fuzz $pkg $target ($dur)"
		# Minimizing a new input is bounded too: left at its default (60s)
		# it can outlast -fuzztime, and the run then ends in "context
		# deadline exceeded" instead of a verdict.
		go test -run '^$' -fuzz "^${target}\$" -fuzztime "$dur" -fuzzminimizetime 1s "$pkg"
		if [[ $keep == 1 && -d $cache/$pkg/$target ]]; then
			mkdir -p "$dir/testdata/fuzz/$target"
			ls -t "$cache/$pkg/$target" | head -64 | while read -r f; do
				cp "$cache/$pkg/$target/$f" "$dir/testdata/fuzz/$target/$f"
			done
		fi
	done
done

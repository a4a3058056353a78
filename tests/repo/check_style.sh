#!/usr/bin/env bash
# One style for the tree: C++ headers end in .h, test sources are named test_*.cpp, and every
# C/C++ file is as clang-format writes it with the .clang-format nearest to it (driver/: the
# Linux kernel's style). The generated contract header is left to its generator.
# usage: check_style.sh SOURCE_DIR
set -euo pipefail
cd "$1"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	list() { git ls-files "$@"; }
else
	list() { local p a=(); for p in "$@"; do a+=(-o -name "${p##*/}"); done
		find . -path ./build\* -prune -o -type f \( -false "${a[@]}" \) -print | sed 's|^\./||'; }
fi
fail=0
odd=$(list '*.hpp' '*.hh' '*.hxx')
[ -z "$odd" ] || { echo "C++ headers not named .h:"; echo "$odd"; fail=1; }
odd=$(list '*_test.cpp' | grep '^tests/' || true)
[ -z "$odd" ] || { echo "test sources not named test_*.cpp:"; echo "$odd"; fail=1; }
fmt=$(command -v clang-format-14 || true)
if [ -z "$fmt" ]; then
	echo "clang-format-14 is not installed (scripts/install-deps.sh installs it): formatting not checked"
	[ $fail = 0 ] && exit 77
	exit 1
fi
out=$(list '*.cpp' '*.h' '*.c' | grep -v -x 'driver/include/esp_contract.h' | xargs "$fmt" --dry-run 2>&1 || true)
if [ -n "$out" ]; then
	echo "$out" | grep -E '^[^ ].*: (warning|error):' | sed 's/: warning: code should be clang-formatted.*//' | sort -u | head -40
	echo "FAIL: format these files with clang-format-14 -i (the .clang-format files say the style)"
	fail=1
fi
[ $fail = 0 ] && echo "repo_style: one style"
exit $fail

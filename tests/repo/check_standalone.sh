#!/usr/bin/env bash
# Fails when a file of the tree reads the material that sits beside this repository on the
# developers' machines (vectors, the interop peer, references): a user's clone has none of
# it. Only optional builds may name the pinned third-party headers (../shared/third_party),
# and they skip with a message when those are absent.
# usage: check_standalone.sh SOURCE_DIR
set -euo pipefail
cd "$1"
# The patterns are assembled so this file does not match itself.
up="\.\./"; dir="shared"
beside="${up}${dir}(\$|[^/]|/[^t]|/t[^h])"
named="(^|[^A-Za-z_])${dir}/(vectors|interop|reference|hooks)"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	list() { git ls-files -z; }
else
	list() { find . -path ./build\* -prune -o -type f -print0; }
fi
hits=$(list | xargs -0 grep -I -n -E "${beside}|${named}" -- 2>/dev/null || true)
if [ -n "$hits" ]; then
	echo "$hits"
	echo "FAIL: the lines above name material outside the repository (copy it in instead)"
	exit 1
fi
echo "repo_standalone: nothing outside the repository is named"

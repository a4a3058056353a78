#!/usr/bin/env bash
# The main job: installs the dependencies, builds espsim, and runs the built-in example
# (examples/site-to-site.*) through the simulated card twice: as gateway A, which
# encrypts its LAN traffic, then as gateway B, which decrypts A's output. Prints what
# every packet became and the statistics, and checks that B got A's packets back byte
# for byte. Build dir: ./build (ESP_BUILD_DIR overrides).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/install-deps.sh
build=${ESP_BUILD_DIR:-build}

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target espsim espsim_make_example -j "$(nproc)"

espsim="$build/host/espsim/espsim"
out="$build/example"
mkdir -p "$out"
# The committed capture is what the generator writes (tests check this too).
"$build/host/espsim/espsim_make_example" "$out/site-to-site.pcap"
cmp "$out/site-to-site.pcap" examples/site-to-site.pcap

echo "== gateway A encrypts examples/site-to-site.pcap"
"$espsim" --sa examples/site-to-site.sa --in examples/site-to-site.pcap \
  --out "$out/esp.pcap" --stats-json "$out/encrypt-stats.json"
echo "-- statistics ($out/encrypt-stats.json)"
cat "$out/encrypt-stats.json"

echo "== gateway B decrypts $out/esp.pcap"
"$espsim" --sa examples/site-to-site.sa --in "$out/esp.pcap" \
  --out "$out/decrypted.pcap" --stats-json "$out/decrypt-stats.json"
echo "-- statistics ($out/decrypt-stats.json)"
cat "$out/decrypt-stats.json"

if cmp -s "$out/decrypted.pcap" examples/site-to-site.pcap; then
  echo "== round trip OK: $out/decrypted.pcap equals examples/site-to-site.pcap"
else
  echo "== round trip FAILED: $out/decrypted.pcap differs from examples/site-to-site.pcap" >&2
  exit 1
fi

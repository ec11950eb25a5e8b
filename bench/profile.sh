#!/usr/bin/env bash
# bench/profile.sh (tools/bench --profile): callgrind instruction counts for the Rust layers,
# repeatable whatever else the machine is doing. For each layer and operation it runs the
# driver's `profile` subcommand twice under callgrind (N1 and N2 calls) and reports
# (Ir(N2) - Ir(N1)) / (N2 - N1): the instructions the client executes per call, all threads
# (reqwest's runtime thread included), setup excluded. The top functions per call (self cost,
# bench/callgrind_diff.py) go to bench/results/profile/<layer>-<kind>-<op>.txt; the summary to
# bench/results/profile/summary.md. The sandbox (.NET) is not profiled.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
out="$root/bench/results/profile"
tmp="$root/bench/results/tmp/callgrind"
mkdir -p "$out" "$tmp"
drv="$root/target/release/apikeys-bench"
lib="$root/target/release/libapikeys.so"
[ -x "$drv" ] || cargo build --release --quiet --manifest-path bench/rust/Cargo.toml --target-dir "$root/target"

coproc SANDBOX { exec dotnet sandbox/bin/Release/net10.0/Sandbox.dll --port 0 --kind all --seed-keys 10000; }
trap 'kill "$SANDBOX_PID" 2>/dev/null || true' EXIT
IFS= read -r -t 60 line <&"${SANDBOX[0]}"
printf '%s\n' "$line" > "$tmp/sandbox.json"

ir() { # total instructions of a callgrind output file
  grep -E '^(summary|totals):' "$1" | head -1 | awk '{print $2}'
}

run() { # run LAYER KIND OP N1 N2
  local layer=$1 kind=$2 op=$3 n1=$4 n2=$5 f1 f2
  f1="$tmp/$layer-$kind-$op-$n1.out"; f2="$tmp/$layer-$kind-$op-$n2.out"
  for n in "$n1" "$n2"; do
    valgrind --tool=callgrind --callgrind-out-file="$tmp/$layer-$kind-$op-$n.out" -q \
      "$drv" profile --sandbox "$tmp/sandbox.json" --lib "$lib" --layer "$layer" --kind "$kind" --op "$op" --calls "$n" >/dev/null
  done
  local per=$(( ( $(ir "$f2") - $(ir "$f1") ) / (n2 - n1) ))
  printf '| %s | %s | %s | %s |\n' "$layer" "$kind" "$op" "$(printf "%'d" "$per")" >> "$out/summary.md"
  python3 "$root/bench/callgrind_diff.py" "$f1" "$f2" $((n2 - n1)) 30 > "$out/$layer-$kind-$op.txt"
  echo "profile: $layer $kind $op: $per instructions per call" >&2
}

{
  echo "## Instructions per call (client process, all threads; callgrind, $(date -u '+%Y-%m-%d'))"
  echo
  echo "| layer | server | operation | instructions per call |"
  echo "|---|---|---|---:|"
} > "$out/summary.md"
for kind in immich jim; do
  for layer in floor core abi; do run "$layer" "$kind" get 20 220; done
done
for kind in immich jim; do
  for layer in floor core abi; do run "$layer" "$kind" list 1 3; done
done
# Opening a session (HttpClient and TLS connector set-up), per open.
for kind in immich jim; do run core "$kind" open 1 3; done
cat "$out/summary.md"

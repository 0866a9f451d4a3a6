#!/usr/bin/env bash
# Builds and runs the fuzz targets with libFuzzer and AddressSanitizer on the machine's STABLE
# toolchain: RUSTC_BOOTSTRAP=1 unlocks -Zsanitizer and the sanitizer-coverage passes that
# libfuzzer-sys needs (no nightly, no cargo-fuzz). Usage:
#   fuzz/run.sh [SECONDS] [TARGET...]      run each target for SECONDS (default 600) on its corpus
#   fuzz/run.sh --check [TARGET...]        replay corpus and regressions, then 3 s of fuzzing each
#                                          (what `make test` runs)
#   fuzz/run.sh --merge [TARGET...]        add to corpus/<target> the inputs of new/<target> that
#                                          bring new coverage (libFuzzer's -merge=1), then empty new/
# The corpus of each target is fuzz/corpus/<target> (kept small, committed; new inputs found by a
# run go to fuzz/new/<target>, merged back with `-merge=1` only when they add coverage). A crash
# or a failed assertion leaves its input in fuzz/artifacts/<target>/ and fails the run; once fixed,
# the input goes to fuzz/regressions/<target>/, which --check replays too.
set -euo pipefail
cd "$(dirname "$0")"
mode=run
seconds=600
if [[ ${1:-} == --check || ${1:-} == --merge ]]; then
  mode=${1#--}
  shift
elif [[ ${1:-} =~ ^[0-9]+$ ]]; then
  seconds=$1
  shift
fi
targets=("$@")
((${#targets[@]})) || targets=(dns_reply inet_text db_lines config_files gai_args)
triple=x86_64-unknown-linux-gnu
failed=0
export RUSTC_BOOTSTRAP=1
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Zsanitizer=address"
export CARGO_TARGET_DIR="$PWD/target"
cargo build --release --quiet --target "$triple" $(printf -- '--bin %s ' "${targets[@]}")
for target in "${targets[@]}"; do
  binary="target/$triple/release/$target"
  mkdir -p "corpus/$target" "artifacts/$target" "new/$target"
  if [[ $mode == merge ]]; then
    "$binary" -merge=1 "corpus/$target" "new/$target" 2>&1 | grep -E 'MERGE-OUTER: [0-9]+ new files' || true
    rm -rf "new/$target"
    continue
  fi
  if [[ $mode == check ]]; then
    # Every corpus and regression input, then 3 seconds of mutation (new inputs to a scratch
    # directory, not the committed corpus); fails on any crash or failed check.
    scratch=$(mktemp -d)
    "$binary" -max_total_time=3 -artifact_prefix="artifacts/$target/" "$scratch" "corpus/$target" \
      $(ls -d "regressions/$target" 2>/dev/null) 2>&1 | grep -E '^Done|ERROR|panicked' | sed "s/^/$target: /"
    rm -rf "$scratch"
    continue
  fi
  echo "== $target: ${seconds}s"
  "$binary" "new/$target" "corpus/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 \
    -artifact_prefix="artifacts/$target/" -print_final_stats=1 2>&1 | grep -E 'stat::number_of_executed_units|stat::new_units|ERROR|panicked|SUMMARY' || true
  [[ -z $(ls -A "artifacts/$target") ]] || { echo "fuzz: $target found a failing input: fuzz/artifacts/$target/"; failed=1; }
done
exit $failed

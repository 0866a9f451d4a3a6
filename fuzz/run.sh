#!/usr/bin/env bash
# Builds and runs the fuzz targets for SECONDS each (default 60) with libFuzzer and AddressSanitizer, on
# the nightly toolchain, without needing cargo-fuzz (`cargo +nightly fuzz run dns_reply` works too).
# A crash leaves its input in fuzz/artifacts/<target>/ and fails the run.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
triple=x86_64-unknown-linux-gnu
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Zsanitizer=address"
for target in dns_reply; do
  cargo +nightly build --release --quiet --bin "$target" --target "$triple"
  mkdir -p "corpus/$target" "artifacts/$target"
  "target/$triple/release/$target" "corpus/$target" -max_total_time="$seconds" \
    -artifact_prefix="artifacts/$target/" -print_final_stats=1 2>&1 | tail -4
done

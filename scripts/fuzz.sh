#!/usr/bin/env bash
# Fuzzes every cargo-fuzz target for SECONDS each (default 60), one after another:
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Corpora grow in fuzz/corpus/<target>/ (kept between runs; not committed), seeded also from
# fuzz/regressions/<target>/ (read only). A dictionary fuzz/dicts/<target>.dict is used when
# present. The first crash, panic, timeout or out-of-memory stops the run with a non-zero
# exit, printing the reproducer and how to replay it. At the end it prints, per target,
# the executions and libFuzzer's coverage counters (cov: edges, ft: features).
#
# The targets are built with debug assertions on (`-a`), so the library's own
# `debug_assert!`s are checked too. libFuzzer runs one process on one core: no -fork, no
# -jobs.
#
# Environment: FUZZ_SANITIZER (none by default: our code has no unsafe; `address` for
# ASan), FUZZ_TIMEOUT (seconds one input may take, default 10), FUZZ_RSS_MB (2048).
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
sanitizer=${FUZZ_SANITIZER:-none}
timeout_s=${FUZZ_TIMEOUT:-10}
rss_mb=${FUZZ_RSS_MB:-2048}

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "cargo-fuzz is missing: cargo install cargo-fuzz (it runs on the nightly toolchain)" >&2
  exit 2
fi

if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo +nightly fuzz list)
fi

# Longest input libFuzzer generates, per target: the load targets need room for a 40 KB
# budget spread over several Cookie fields; the structured ones need less.
max_len() {
  case "$1" in
    load_*) echo 65536 ;;
    chunk_mutations) echo 1024 ;;
    cli_input) echo 4096 ;;
    *) echo 16384 ;;
  esac
}

echo "== building ${#targets[@]} targets (sanitizer: $sanitizer)"
if [ $# -gt 0 ]; then
  for target in "${targets[@]}"; do cargo +nightly fuzz build -a -s "$sanitizer" "$target"; done
else
  cargo +nightly fuzz build -a -s "$sanitizer" # every target in one cargo run
fi

mkdir -p fuzz/logs
summary=()
for target in "${targets[@]}"; do
  corpus="fuzz/corpus/$target"
  mkdir -p "$corpus"
  dirs=("$corpus")
  [ -d "fuzz/regressions/$target" ] && dirs+=("fuzz/regressions/$target")
  flags=(-max_total_time="$seconds" -max_len="$(max_len "$target")" -timeout="$timeout_s"
    -rss_limit_mb="$rss_mb" -print_final_stats=1)
  [ -f "fuzz/dicts/$target.dict" ] && flags+=(-dict="fuzz/dicts/$target.dict")
  log="fuzz/logs/$target.log"
  echo "== $target: ${seconds}s, corpus $corpus ($(find "$corpus" -type f | wc -l) inputs), log $log"
  status=0
  cargo +nightly fuzz run -a -s "$sanitizer" "$target" "${dirs[@]}" -- "${flags[@]}" >"$log" 2>&1 || status=$?
  if [ "$status" -ne 0 ]; then
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
    echo
    echo "!! $target failed (exit $status); the first lines of the failure:"
    grep -m 1 -A 4 -E "panicked at|ERROR: libFuzzer|SUMMARY" "$log" | sed 's/^/   /' || true
    if [ -n "$artifact" ]; then
      echo "   reproducer: $artifact"
      echo "   replay on nightly:  cargo +nightly fuzz run -a -s $sanitizer $target $artifact"
      echo "   keep it as a test:  cp $artifact fuzz/regressions/$target/ &&"
      echo "                       cargo test -p fuzz-checks --test regressions   (stable)"
    else
      echo "   no reproducer was written; see $log"
    fi
    exit 1
  fi
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$done_line")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$done_line")
  corp=$(sed -n 's/.* corp: \([^ ]*\).*/\1/p' <<<"$done_line")
  # The load targets print the worst heap peak of a load, in per mille of its bound.
  heap=$(sed -n 's/^heap: new worst .* = \([0-9]*\)‰.*/\1/p' "$log" | tail -n 1)
  summary+=("$(printf '%-16s %8s %12s %8s %6s %7s %12s %6s' "$target" "${seconds}s" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "${heap:--}")")
done

# Kept in fuzz/logs/summary.txt too, one table per run.
{
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC') $(uname -m), $(nproc) cores"
  printf '%-16s %8s %12s %8s %6s %7s %12s %6s\n' target time executions exec/s cov ft corpus heap‰
  printf '%s\n' "${summary[@]}"
} | tee -a fuzz/logs/summary.txt

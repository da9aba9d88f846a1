#!/usr/bin/env bash
# Executes every notebook in notebooks/ with the tslab (TypeScript) kernel and Debian's Jupyter.
#
#   bash scripts/notebooks/run.sh [--out DIR] [--db FILE] [NOTEBOOK.ipynb ...]
#
# - Registers the tslab kernel in a project-local Jupyter folder (.cache/jupyter, never ~/.local):
#   `tslab install --prefix`, then the kernel's argv is pinned to this node binary (Node >= 22.18, which
#   strips TypeScript types; `tslab` itself starts with `#!/usr/bin/env node`, which could find an older one).
# - Without --db or CITYPULSE_DB, simulates a small city day and ingests it into a temporary folder.
# - Writes the executed notebooks to --out (default: a new temporary folder), never back into notebooks/.
#   Fails when a cell fails. Prints each notebook's duration.
#
# Environment: CITYPULSE_DB (database to read), PYTHON (default /usr/bin/python3), JUPYTER (default:
# jupyter next to PYTHON, else on PATH), NOTEBOOK_SUBSCRIBERS (simulated devices, default 3000),
# NOTEBOOK_VISITORS (simulated visitors and roamers, default 600), NOTEBOOK_TIMEOUT (seconds per cell, default 600), KEEP_SIM=1 (keep the simulated day's folder).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

out=""
db="${CITYPULSE_DB:-}"
notebooks=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --db) db="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) notebooks+=("$1"); shift ;;
  esac
done
[ ${#notebooks[@]} -gt 0 ] || notebooks=(notebooks/*.ipynb)

python="${PYTHON:-/usr/bin/python3}"
jupyter="${JUPYTER:-$(dirname "$python")/jupyter}"
[ -x "$jupyter" ] || jupyter="$(command -v jupyter || true)"
if [ -z "$jupyter" ] || ! "$jupyter" nbconvert --version >/dev/null 2>&1; then
  echo "run.sh: jupyter nbconvert not found (apt-get install jupyter-nbconvert python3-ipykernel)" >&2
  exit 3
fi
node_bin="$(command -v node)"
"$node_bin" -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=18)?0:1)' ||
  { echo "run.sh: node $("$node_bin" --version) cannot run .ts files; put Node >= 22.18 (24 recommended) first on PATH" >&2; exit 2; }
[ -x node_modules/.bin/tslab ] || { echo "run.sh: node_modules/.bin/tslab missing; run npm ci" >&2; exit 2; }

# A project-local Jupyter: kernels, config, runtime files and IPython's folder all under .cache/.
jdir="$root/.cache/jupyter"
mkdir -p "$jdir/data" "$jdir/config" "$jdir/runtime" "$jdir/ipython"
export JUPYTER_DATA_DIR="$jdir/data" JUPYTER_CONFIG_DIR="$jdir/config" JUPYTER_RUNTIME_DIR="$jdir/runtime"
export JUPYTER_PATH="$jdir/share/jupyter" IPYTHONDIR="$jdir/ipython"
node_modules/.bin/tslab install --python="$python" --prefix="$jdir" >/dev/null
kernel_json="$jdir/share/jupyter/kernels/tslab/kernel.json"
"$node_bin" -e '
  const fs = require("fs"), [file, node, tslab] = process.argv.slice(1);
  const k = JSON.parse(fs.readFileSync(file, "utf8"));
  k.argv = [node, tslab, "kernel", "--config-path", "{connection_file}"];
  fs.writeFileSync(file, JSON.stringify(k, null, 1) + "\n");
' "$kernel_json" "$node_bin" "$root/node_modules/tslab/bin/tslab"
echo "kernel: tslab $(node_modules/.bin/tslab --version | sed 's/tslab //') on node $("$node_bin" --version) ($kernel_json)"

# Seconds since a `date +%s%N` stamp, one decimal (no bc needed).
elapsed() { local ms=$(( ($(date +%s%N) - $1) / 1000000 )); printf '%d.%d' $((ms / 1000)) $(((ms % 1000) / 100)); }

sim=""
cleanup() { if [ -n "$sim" ] && [ "${KEEP_SIM:-}" != 1 ]; then rm -rf "$sim"; fi; }
trap cleanup EXIT
if [ -z "$db" ]; then
  sim="$(mktemp -d "${TMPDIR:-/tmp}/citypulse-notebooks-XXXXXX")"
  db="$sim/citypulse.duckdb"
  start=$(date +%s%N)
  CITYPULSE_KEY_FILE="$sim/pseudonym.key" "$node_bin" bin/citypulse.js simulate --out "$sim/sim" \
    --subscribers "${NOTEBOOK_SUBSCRIBERS:-3000}" --visitors "${NOTEBOOK_VISITORS:-600}" --bad-rate 0.01 --seed 11 >/dev/null 2>&1
  # A short allowed lateness, so the data-quality notebook has late events to show.
  CITYPULSE_KEY_FILE="$sim/pseudonym.key" "$node_bin" bin/citypulse.js ingest --from "$sim/sim/events.ndjson" \
    --cells "$sim/sim/cells.csv" --db "$db" --lateness 5s >/dev/null 2>&1
  printf 'data: simulated day (%s devices) in %s, %s s\n' "${NOTEBOOK_SUBSCRIBERS:-3000}" "$db" "$(elapsed "$start")"
fi
[ -f "$db" ] || { echo "run.sh: no database at $db" >&2; exit 2; }
db="$(cd "$(dirname "$db")" && pwd)/$(basename "$db")"

[ -n "$out" ] || out="$(mktemp -d "${TMPDIR:-/tmp}/citypulse-notebooks-out-XXXXXX")"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
case "$out/" in "$root/notebooks/"*) echo "run.sh: --out must not be inside notebooks/ (executed notebooks carry outputs)" >&2; exit 2 ;; esac

status=0
for nb in "${notebooks[@]}"; do
  start=$(date +%s%N)
  if CITYPULSE_DB="$db" "$jupyter" nbconvert --to notebook --execute \
      --ExecutePreprocessor.kernel_name=tslab --ExecutePreprocessor.timeout="${NOTEBOOK_TIMEOUT:-600}" \
      --output-dir "$out" "$nb" >"$out/$(basename "$nb" .ipynb).log" 2>&1; then
    printf 'ok      %-32s %5s s\n' "$(basename "$nb")" "$(elapsed "$start")"
  else
    printf 'FAILED  %-32s %5s s (log: %s)\n' "$(basename "$nb")" "$(elapsed "$start")" "$out/$(basename "$nb" .ipynb).log"
    tail -n 30 "$out/$(basename "$nb" .ipynb).log" >&2
    status=1
  fi
done
echo "executed notebooks: $out"
exit $status

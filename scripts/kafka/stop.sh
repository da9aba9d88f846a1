#!/usr/bin/env bash
# Stop the local dev/test Kafka broker started by scripts/kafka/start.sh.
#
#   scripts/kafka/stop.sh          # npm run kafka:stop   (keeps topics/offsets)
#   scripts/kafka/stop.sh --wipe   # also delete the data folder (topics, offsets, logs)
#
# SIGTERM (controlled shutdown), wait up to KAFKA_STOP_TIMEOUT seconds, then SIGKILL.
set -euo pipefail
# shellcheck source=env.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/env.sh"

WIPE=0
for arg in "$@"; do
  case "$arg" in
    --wipe) WIPE=1 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) kdie "unknown argument: $arg (use --wipe)" ;;
  esac
done

if [[ ! -d "$KAFKA_DATA" ]]; then
  klog "not running (no data folder $KAFKA_DATA)"
  exit 0
fi

klock

PID="$(kpid)"
if [[ -z "$PID" ]]; then
  klog "not running"
  rm -f "$KAFKA_PID_FILE"
else
  T0=$(date +%s)
  klog "stopping broker pid $PID (SIGTERM, up to ${KAFKA_STOP_TIMEOUT}s)..."
  kill -TERM "$PID" 2>/dev/null || true
  while kill -0 "$PID" 2>/dev/null; do
    if (( $(date +%s) - T0 >= KAFKA_STOP_TIMEOUT )); then
      klog "still alive after ${KAFKA_STOP_TIMEOUT}s: SIGKILL"
      kill -KILL "$PID" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.2
  done
  rm -f "$KAFKA_PID_FILE"
  klog "stopped after $(( $(date +%s) - T0 ))s"
fi

if (( WIPE )); then
  case "$KAFKA_DATA" in
    /|"$HOME"|"$HOME/"|"$KAFKA_REPO_ROOT"|"$KAFKA_REPO_ROOT/") kdie "refusing to wipe $KAFKA_DATA" ;;
  esac
  klog "wiping $KAFKA_DATA"
  # keep the lock file we hold; remove everything else
  find "$KAFKA_DATA" -mindepth 1 -maxdepth 1 ! -name .lock -exec rm -rf {} +
fi

# shellcheck shell=bash disable=SC2034
# Shared settings for scripts/kafka/{start,stop}.sh. Sourced, not executed.
#
# Environment (all optional):
#   CITYPULSE_KAFKA_VERSION  Kafka version fetched from Maven Central (default below)
#   CITYPULSE_KAFKA_HOME     jar cache; libs go to $CITYPULSE_KAFKA_HOME/libs
#                            (default $HOME/.cache/citypulse/kafka-<version>)
#   KAFKA_PORT               PLAINTEXT listener on 127.0.0.1 (default 9092)
#   KAFKA_CONTROLLER_PORT    KRaft controller listener (default KAFKA_PORT+1)
#   CITYPULSE_KAFKA_DATA     data folder: server.properties, kraft-logs/, kafka.log, kafka.pid
#                            (default $HOME/.cache/citypulse/kafka-data/<port>)
#   KAFKA_HEAP_OPTS          JVM heap (default "-Xms128m -Xmx512m")
#   KAFKA_NUM_PARTITIONS     default partitions of auto-created topics (default 3)
#   KAFKA_START_TIMEOUT      seconds to wait for the broker to become healthy (default 120)
#   KAFKA_STOP_TIMEOUT       seconds to wait after SIGTERM before SIGKILL (default 30)

KAFKA_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KAFKA_REPO_ROOT="$(cd "$KAFKA_SCRIPT_DIR/../.." && pwd)"

KAFKA_VERSION="${CITYPULSE_KAFKA_VERSION:-4.3.1}"
KAFKA_HOME_DIR="${CITYPULSE_KAFKA_HOME:-${HOME}/.cache/citypulse/kafka-${KAFKA_VERSION}}"
KAFKA_LIBS="$KAFKA_HOME_DIR/libs"
KAFKA_HOST=127.0.0.1
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
KAFKA_DATA="${CITYPULSE_KAFKA_DATA:-${HOME}/.cache/citypulse/kafka-data/${KAFKA_PORT}}"
KAFKA_PID_FILE="$KAFKA_DATA/kafka.pid"
KAFKA_LOG_FILE="$KAFKA_DATA/kafka.log"
KAFKA_PROPS="$KAFKA_DATA/server.properties"
KAFKA_LOCK_FILE="$KAFKA_DATA/.lock"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-120}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"

klog() { printf '[kafka:%s] %s\n' "$KAFKA_PORT" "$*" >&2; }
kdie() { klog "ERROR: $1"; exit "${2:-1}"; }

# Take the per-data-dir lock (start/stop/restart from several processes are serialised).
klock() {
  mkdir -p "$KAFKA_DATA"
  exec 9>"$KAFKA_LOCK_FILE"
  if ! flock -w 300 9; then kdie "could not acquire $KAFKA_LOCK_FILE within 300s"; fi
}

# Prints the pid of the broker managed in $KAFKA_DATA if it is alive, else nothing.
# The pid is only trusted if that process is a kafka.Kafka JVM on OUR server.properties.
kpid() {
  [[ -f "$KAFKA_PID_FILE" ]] || return 0
  local pid
  pid="$(tr -dc '0-9' <"$KAFKA_PID_FILE")"
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 0
  if tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "kafka.Kafka $KAFKA_PROPS"; then
    echo "$pid"
  fi
}

# 0 if something accepts TCP connections on host:port.
kport_open() {
  (exec 3<>"/dev/tcp/$KAFKA_HOST/$1") 2>/dev/null
}

# 0 if a Kafka broker answers a metadata request (kafkajs admin) on KAFKA_PORT.
khealthy() {
  kport_open "$KAFKA_PORT" || return 1
  node "$KAFKA_SCRIPT_DIR/probe.ts" "$KAFKA_HOST:$KAFKA_PORT" >/dev/null 2>&1
}

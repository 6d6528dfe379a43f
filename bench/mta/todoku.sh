#!/usr/bin/env bash
# The MTA benchmark's adapter for todoku (../shared/bench/mta, "Plugging in another MTA"): one
# sub-command per call, the harness's variables (RUN_DIR SINK_HOST SINK_PORT SUT_PORT N CONC
# MSG_CRLF SUT_PROFILE …) in the environment. todoku runs as `node src/main.ts config.toml`
# with its API on 127.0.0.1:$SUT_PORT, and delivery.relayHost sending ALL mail to
# $SINK_HOST:$SINK_PORT (Postfix's run uses relayhost the same way). Mail comes in through
# the API (submission needs AUTH, which smtp-source does not do): bench/mta/inject.ts.
#   SUT_PROFILE  dkim (RSA-2048, the default) | dkim-both (RSA-2048 + Ed25519) | nodkim, each
#                with the content preflight off (Postfix runs no content filter either), or
#                with `+preflight` appended (dkim+preflight): todoku's default content preflight on
#   TODOKU_BENCH_CONNECTIONS  connections to the sink (default 20)
#   TODOKU_BENCH_LOG_LEVEL    info (default: a JSON line per delivery, to $RUN_DIR/todoku.log) | warn
set -euo pipefail
cmd=${1:?usage: todoku.sh start|inject|drained|stop|status}
: "${RUN_DIR:?}"
repo=$(cd "$(dirname "$0")/../.." && pwd)
node=$repo/node_modules/.bin/node
profile=${SUT_PROFILE:-dkim}
keys=${profile%+preflight}
preflight=false
[ "$keys" != "$profile" ] && preflight=true
pidfile=$RUN_DIR/todoku.pid

queue() { curl -sf --max-time 5 -H "authorization: Bearer $(cat "$RUN_DIR/token")" "http://127.0.0.1:${SUT_PORT:?}/v1/queue"; }

case $cmd in
start)
  : "${SINK_HOST:?}" "${SINK_PORT:?}" "${SUT_PORT:?}"
  mkdir -p "$RUN_DIR/data"
  cat > "$RUN_DIR/config.toml" <<TOML
# bench/mta/todoku.sh (profile $profile)
dataDir = "$RUN_DIR/data"
[api]
host = "127.0.0.1"
port = $SUT_PORT
[submission]
enabled = false
[delivery]
relayHost = "$SINK_HOST:$SINK_PORT"
ehloName = "todoku-bench.invalid"
maxConnectionsPerHost = ${TODOKU_BENCH_CONNECTIONS:-20}
maxMessagesPerConnection = 100000
[mtaSts]
enabled = false
[content]
enabled = $preflight
[log]
level = "${TODOKU_BENCH_LOG_LEVEL:-info}"
TOML
  "$node" "$repo/bench/mta/setup.ts" "$RUN_DIR/data" "$keys" > "$RUN_DIR/token"
  # shellcheck disable=SC2086 # TODOKU_BENCH_NODE_ARGS: e.g. "--cpu-prof --cpu-prof-dir /tmp/prof"
  "$node" ${TODOKU_BENCH_NODE_ARGS:-} "$repo/src/main.ts" "$RUN_DIR/config.toml" > "$RUN_DIR/todoku.log" 2>&1 &
  echo $! > "$pidfile"
  for _ in $(seq 1 200); do
    queue > /dev/null 2>&1 && break
    kill -0 "$(cat "$pidfile")" 2>/dev/null || { echo "todoku exited:" >&2; tail -n 20 "$RUN_DIR/todoku.log" >&2; exit 1; }
    sleep 0.05
  done
  queue > /dev/null || { echo "todoku's API does not answer on 127.0.0.1:$SUT_PORT" >&2; exit 1; }
  cat "$pidfile"
  ;;
inject)
  exec "$node" "$repo/bench/mta/inject.ts"
  ;;
drained)
  counts=$(queue) || exit 1
  case $counts in *'"queued":0,"leased":0,"delivered"'*'"deferred":0,'*) exit 0 ;; *) exit 1 ;; esac
  ;;
stop)
  [ -s "$pidfile" ] || exit 0
  pid=$(cat "$pidfile")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  ;;
status)
  # the queue's counts, then CPU seconds (user+system) per thread name of todoku's process:
  # MainThread (HTTP, SMTP, delivery), libuv-worker (DKIM's RSA/Ed25519 signing), todoku-store
  # (the SQLite store), todoku-lint (the content preflight), V8Worker (garbage collection);
  # since the process started (its start-up, ~0.5 s, is not in the harness's timed window)
  threads=$(for t in /proc/"$(cat "$pidfile")"/task/*; do
    read -r -a st < <(sed 's/^.*) //' "$t/stat")
    echo "$(cat "$t/comm") $(( st[11] + st[12] ))"
  done 2>/dev/null | awk '{cpu[$1] += $2} END {for (n in cpu) printf "%s%s\":%.2f", (i++ ? ",\"" : "\""), n, cpu[n] / 100}')
  echo "$(queue 2>/dev/null || echo '{}') {\"threadCpuS\":{$threads}}"
  ;;
*) echo "unknown command $cmd" >&2; exit 2 ;;
esac

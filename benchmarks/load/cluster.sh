#!/usr/bin/env bash
# Issue 13's load figures: W3 (2025 sessions, echo) and W6 (2026-07-28, echo) of ../shared/perf/README.md on
#   memory   one node, in-memory stores (the default);
#   redis1   one node, sessions and events in Redis (mcp-raw serve --redis);
#   redis3   three nodes on one Redis behind nginx, round robin, no affinity.
# Every process shares the machine's cores (no pinning: five processes and wrk on two cores), so read the cost per
# request, which sums the CPU time of every server-side process (the nodes, Redis and the proxy), beside the rps.
# Usage: benchmarks/load/cluster.sh    Environment: ROUNDS (3), WARMUP (3 s), DURATION (8 s), CONNECTIONS (64)
# Needs wrk, redis-server and nginx (Debian packages).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS="${ROUNDS:-3}"; WARMUP="${WARMUP:-3}"; DURATION="${DURATION:-8}"; CONNECTIONS="${CONNECTIONS:-64}"
for tool in wrk redis-server nginx; do command -v "$tool" >/dev/null || { echo "$tool not found: apt-get install -y $tool" >&2; exit 2; }; done
dotnet build src/Cli -c Release -nologo -clp:ErrorsOnly >/dev/null
DLL="src/Cli/bin/Release/net10.0/mcp-raw.dll"
WORK="$(mktemp -d)"; PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

REDIS=18140
redis-server --port $REDIS --bind 127.0.0.1 --save "" --appendonly no >"$WORK/redis.log" 2>&1 &
PIDS+=($!); REDIS_PID=$!
node() { # name port args...
  local name="$1" port="$2"; shift 2
  DOTNET_gcServer=0 dotnet "$DLL" serve --quiet --sse-path none --max-sessions-per-client 100000 --urls "http://127.0.0.1:$port" "$@" >"$WORK/$name.log" 2>&1 &
  PIDS+=($!); echo $! > "$WORK/$name.pid"
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/mcp" -H 'Accept: text/event-stream' && return 0; sleep 0.1; done
  echo "node $name did not start" >&2; cat "$WORK/$name.log" >&2; exit 2
}
node memory 18141
node redis1 18142 --redis 127.0.0.1:$REDIS
node a 18143 --redis 127.0.0.1:$REDIS; node b 18144 --redis 127.0.0.1:$REDIS; node c 18145 --redis 127.0.0.1:$REDIS
cat > "$WORK/nginx.conf" <<NGINX
worker_processes 1; daemon off; pid $WORK/nginx.pid; error_log $WORK/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  upstream nodes { server 127.0.0.1:18143; server 127.0.0.1:18144; server 127.0.0.1:18145; keepalive 64; }
  server {
    listen 127.0.0.1:18146;
    location / { proxy_pass http://nodes; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering off; }
  }
}
NGINX
nginx -c "$WORK/nginx.conf" -p "$WORK" &
PIDS+=($!); NGINX_PID=$!
sleep 1

TEXT="The quick brown fox jumps over the lazy dog, 51 ch."
META='"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"wrk","version":"1"},"io.modelcontextprotocol/clientCapabilities":{}'
lua() { # name body expect headers sessions-file
  cat > "$WORK/$1.lua" <<LUA
wrk.method = "POST"
wrk.body = [==[$2]==]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
$4
local sessions = {}
local n = 0
bad = 0
function init(args) if "$5" ~= "" then for line in io.lines("$5") do sessions[#sessions + 1] = line end end end
function request()
  if #sessions > 0 then n = n + 1; wrk.headers["Mcp-Session-Id"] = sessions[(n % #sessions) + 1] end
  return wrk.format()
end
function response(status, headers, body) if status ~= 200 or not string.find(body, [==[$3]==], 1, true) then bad = bad + 1 end end
function done(summary, latency, requests)
  io.write(string.format("RESULT %.1f %d %d %d %d\n", summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(99), summary.requests, bad))
end
LUA
  echo "$WORK/$1.lua"
}
sessions() { # url file: 64 initialized 2025-06-18 sessions, made through the url (so spread over the nodes)
  : > "$2"
  for _ in $(seq 1 64); do
    curl -s -D - -o /dev/null "$1" -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
      -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"wrk","version":"1"}}}' \
      | tr -d '\r' | sed -n 's/^[Mm]cp-[Ss]ession-[Ii]d: //p' >> "$2"
  done
}
ticks() { local t=0; for p in "$@"; do t=$((t + $(awk '{print $14+$15}' "/proc/$p/stat"))); done; echo $t; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
run() { # url script pids... -> "rps p50 p99 requests bad us_per_req"
  local url="$1" script="$2"; shift 2
  wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" -s "$script" "$url" >/dev/null 2>&1 || true
  local before; before=$(ticks "$@")
  local out; out=$(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$script" "$url" 2>&1 | sed -n 's/^RESULT //p')
  local after; after=$(ticks "$@")
  echo "$out" | awk -v d=$((after - before)) -v hz="$(getconf CLK_TCK)" '{ us = ($4 > 0) ? d * 1e6 / hz / $4 : 0; printf "%s %s %s %s %s %.1f\n", $1, $2, $3, $4, $5, us }'
}

W6=$(lua W6 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"$TEXT\"},$META}}}" "$TEXT" 'wrk.headers["MCP-Protocol-Version"] = "2026-07-28"
wrk.headers["Mcp-Method"] = "tools/call"
wrk.headers["Mcp-Name"] = "echo"' "")
declare -A URL=([memory]="http://127.0.0.1:18141/mcp" [redis1]="http://127.0.0.1:18142/mcp" [redis3]="http://127.0.0.1:18146/mcp")
declare -A PROCS=([memory]="$(cat "$WORK/memory.pid")" [redis1]="$(cat "$WORK/redis1.pid") $REDIS_PID" [redis3]="$(cat "$WORK/a.pid") $(cat "$WORK/b.pid") $(cat "$WORK/c.pid") $REDIS_PID $NGINX_PID")
for target in memory redis1 redis3; do
  sessions "${URL[$target]}" "$WORK/$target.sessions"
  W3=$(lua "W3$target" "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"$TEXT\"}}}" "$TEXT" 'wrk.headers["MCP-Protocol-Version"] = "2025-06-18"' "$WORK/$target.sessions")
  for w in W3 W6; do
    script="$W6"; [ "$w" = W3 ] && script="$W3"
    : > "$WORK/$w.$target"
    # shellcheck disable=SC2086
    for _ in $(seq 1 "$ROUNDS"); do run "${URL[$target]}" "$script" ${PROCS[$target]} >> "$WORK/$w.$target"; done
    printf "%-3s %-6s %9.0f req/s  %6.1f us/req (server side, all processes)  p50 %6s us  p99 %7s us  bad %s\n" "$w" "$target" \
      "$(awk '{print $1}' "$WORK/$w.$target" | median)" "$(awk '{print $6}' "$WORK/$w.$target" | median)" \
      "$(awk '{print $2}' "$WORK/$w.$target" | median)" "$(awk '{print $3}' "$WORK/$w.$target" | median)" "$(awk '{s+=$5} END {print s+0}' "$WORK/$w.$target")"
  done
done

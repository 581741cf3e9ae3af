#!/usr/bin/env bash
# Load workloads of ../../../shared/perf/README.md against Mcp.Raw and raw Kestrel, in the same run.
# Each server is pinned to core 0 (taskset), wrk (Debian package 'wrk') runs on core 1, one thread. Rounds are
# interleaved (raw, mcp, raw, mcp, ...); the report gives medians and the ratio to raw Kestrel of the same run,
# plus the server's CPU time per request from /proc/PID/stat. Every response is checked by the Lua scripts.
#
# The MCP side is the demo server (mcp-raw serve --quiet: the full server layer, tools echo and progress); with
# MCP_SERVER=transport it is benchmarks/Mcp.Raw.LoadHost instead (the transport with a hand-written handler).
# The raw Kestrel baseline reads the body and writes a fixed answer of the same size, as JSON or as SSE.
#
# Usage: benchmarks/load/run.sh [W1 W2 W3 W4 W5 W6 W6b W7]   (default: all)
# Environment: ROUNDS (5), WARMUP (3 s), DURATION (10 s), CONNECTIONS (64), MCP_SERVER (demo | transport)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS="${ROUNDS:-5}"; WARMUP="${WARMUP:-3}"; DURATION="${DURATION:-10}"; CONNECTIONS="${CONNECTIONS:-64}"
WORKLOADS=("$@"); [ ${#WORKLOADS[@]} -gt 0 ] || WORKLOADS=(W1 W2 W3 W6 W6b W7 W5 W4)
command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 2; }
command -v taskset >/dev/null || { echo "taskset not found (util-linux)" >&2; exit 2; }

MCP_SERVER="${MCP_SERVER:-demo}"
dotnet build benchmarks/Mcp.Raw.LoadHost -c Release -nologo -clp:ErrorsOnly >/dev/null
dotnet build src/Cli -c Release -nologo -clp:ErrorsOnly >/dev/null
HOST_DLL="benchmarks/Mcp.Raw.LoadHost/bin/Release/net10.0/Mcp.Raw.LoadHost.dll"
DEMO_DLL="src/Cli/bin/Release/net10.0/mcp-raw.dll"
WORK="$(mktemp -d)"; PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

start() { # name port args...
  local name="$1" port="$2"; shift 2
  local dll="$HOST_DLL"
  if [ "$1" = mcp ] && [ "$MCP_SERVER" = demo ]; then
    shift; dll="$DEMO_DLL"; set -- serve --quiet --sse-path none --max-sessions-per-client 100000 "$@"
  fi
  DOTNET_gcServer=0 taskset -c 0 dotnet "$dll" "$@" --urls "http://127.0.0.1:$port" >"$WORK/$name.log" 2>&1 &
  local pid=$!; PIDS+=("$pid"); echo "$pid" > "$WORK/$name.pid"
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/mcp" -H 'Accept: text/event-stream' && return 0; sleep 0.1; done
  echo "server $name did not start" >&2; cat "$WORK/$name.log" >&2; exit 2
}
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }

RAW=18101; MCP=18102; MCPS=18103
start raw $RAW raw
start mcp $MCPS mcp --stateless
start mcpstate $MCP mcp

TEXT="The quick brown fox jumps over the lazy dog, 51 ch."
META='"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"wrk","version":"1"},"io.modelcontextprotocol/clientCapabilities":{}'

# lua: NAME BODY EXPECT [extra header lines as lua] [session file]
lua() {
  local file="$WORK/$1.lua" body="$2" expect="$3" headers="${4:-}" sessions="${5:-}"
  cat > "$file" <<LUA
wrk.method = "POST"
wrk.body = [==[$body]==]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
wrk.headers["MCP-Protocol-Version"] = "2025-06-18"
$headers
local sessions = {}
local n = 0
bad = 0
function init(args)
  if "$sessions" ~= "" then for line in io.lines("$sessions") do sessions[#sessions + 1] = line end end
end
function request()
  if #sessions > 0 then
    n = n + 1
    wrk.headers["Mcp-Session-Id"] = sessions[(n % #sessions) + 1]
  end
  return wrk.format()
end
function response(status, headers, body)
  if status ~= 200 or not string.find(body, [==[$expect]==], 1, true) then bad = bad + 1 end
end
function done(summary, latency, requests)
  io.write(string.format("RESULT %.1f %d %d %d %d\n", summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(99), summary.requests, bad))
end
LUA
  echo "$file"
}

W1=$(lua W1 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"$TEXT\"}}}" "$TEXT")
W2=$(lua W2 '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"progress","arguments":{"steps":10},"_meta":{"progressToken":1}}}' '"text":"done"')
W6=$(lua W6 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"$TEXT\"},$META}}}" "$TEXT" 'wrk.headers["MCP-Protocol-Version"] = "2026-07-28"
wrk.headers["Mcp-Method"] = "tools/call"
wrk.headers["Mcp-Name"] = "echo"')
W6b=$(lua W6b "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"progress\",\"arguments\":{\"steps\":10},$META,\"progressToken\":1,\"io.modelcontextprotocol/logLevel\":\"info\"}}}" '"text":"done"' 'wrk.headers["MCP-Protocol-Version"] = "2026-07-28"
wrk.headers["Mcp-Method"] = "tools/call"
wrk.headers["Mcp-Name"] = "progress"')
BIG=$(head -c 786432 /dev/urandom | base64 -w0)
W5=$(lua W5 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"$BIG\"}}}" '"type":"text"')
# The raw baseline answers the fixed bytes of each workload, and is sent the very same requests (the same script:
# body, headers, per-request Lua work), so that both sides cost wrk the same.
RAWSSE=$(lua RAWSSE '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"progress","arguments":{"steps":10},"_meta":{"progressToken":1}}}' '"text":"done"')

# 64 initialized sessions for W3. The raw baseline runs the same script (it ignores the session header), so both
# sides pay wrk's per-request Lua formatting alike.
: > "$WORK/sessions.txt"
for i in $(seq 1 64); do
  curl -s -D - -o /dev/null "http://127.0.0.1:$MCP/mcp" -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
    -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"wrk","version":"1"}}}' \
    | tr -d '\r' | sed -n 's/^[Mm]cp-[Ss]ession-[Ii]d: //p' >> "$WORK/sessions.txt"
done
W3=$(lua W3 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"$TEXT\"}}}" "$TEXT" "" "$WORK/sessions.txt")

# W7: W2's call in 64 initialized 2025-11-25 sessions: resumable SSE streams (priming event, event ids, the event
# store). The raw baseline gets the same script and answers W2's fixed SSE bytes (no ids: the ceiling).
: > "$WORK/sessions7.txt"
for i in $(seq 1 64); do
  sid=$(curl -s -D - -o /dev/null "http://127.0.0.1:$MCP/mcp" -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
    -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"wrk","version":"1"}}}' \
    | tr -d '\r' | sed -n 's/^[Mm]cp-[Ss]ession-[Ii]d: //p')
  curl -s -o /dev/null "http://127.0.0.1:$MCP/mcp" -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
    -H "Mcp-Session-Id: $sid" -H 'MCP-Protocol-Version: 2025-11-25' -d '{"jsonrpc":"2.0","method":"notifications/initialized"}'
  echo "$sid" >> "$WORK/sessions7.txt"
done
W7=$(lua W7 '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"progress","arguments":{"steps":10},"_meta":{"progressToken":1}}}' '"text":"done"' 'wrk.headers["MCP-Protocol-Version"] = "2025-11-25"' "$WORK/sessions7.txt")

run_wrk() { # pid url script conns seconds -> "rps p50 p99 requests bad cpu_us_per_req"
  local pid="$1" url="$2" script="$3" conns="$4" secs="$5"
  taskset -c 1 wrk -t1 -c"$conns" -d"${WARMUP}s" -s "$script" "$url" >/dev/null 2>&1 || true
  local before; before=$(cpu_ticks "$pid")
  local out; out=$(taskset -c 1 wrk -t1 -c"$conns" -d"${secs}s" --latency -s "$script" "$url" 2>&1 | sed -n 's/^RESULT //p')
  local after; after=$(cpu_ticks "$pid")
  local hz; hz=$(getconf CLK_TCK)
  echo "$out" | awk -v d=$((after - before)) -v hz="$hz" '{ us = ($4 > 0) ? d * 1e6 / hz / $4 : 0; printf "%s %s %s %s %s %.1f\n", $1, $2, $3, $4, $5, us }'
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

report() { # workload mcp-results-file raw-results-file [raw-flush-per-frame-results-file]
  local w="$1" m="$2" r="$3" f="${4:-}"
  local mrps rrps mus rus mbad rbad mp50 mp99
  mrps=$(awk '{print $1}' "$m" | median); rrps=$(awk '{print $1}' "$r" | median)
  mus=$(awk '{print $6}' "$m" | median); rus=$(awk '{print $6}' "$r" | median)
  mp50=$(awk '{print $2}' "$m" | median); mp99=$(awk '{print $3}' "$m" | median)
  mbad=$(awk '{s+=$5} END {print s+0}' "$m"); rbad=$(awk '{s+=$5} END {print s+0}' "$r")
  awk -v w="$w" -v m="$mrps" -v r="$rrps" -v mu="$mus" -v ru="$rus" -v p50="$mp50" -v p99="$mp99" -v mb="$mbad" -v rb="$rbad" \
    'BEGIN { printf "%-4s mcp %9.0f req/s (%5.1f us/req, p50 %s us, p99 %s us)  raw %9.0f req/s (%5.1f us/req)  ratio %.2f  cpu ratio %.2f  bad responses: mcp %d raw %d\n", w, m, mu, p50, p99, r, ru, (r > 0 ? m / r : 0), (ru > 0 ? mu / ru : 0), mb, rb }'
  if [ -n "$f" ]; then
    local frps fus fbad
    frps=$(awk '{print $1}' "$f" | median); fus=$(awk '{print $6}' "$f" | median); fbad=$(awk '{s+=$5} END {print s+0}' "$f")
    awk -v w="$w" -v m="$mrps" -v mu="$mus" -v r="$frps" -v ru="$fus" -v b="$fbad" \
      'BEGIN { printf "%-4s   raw flushing each frame %9.0f req/s (%5.1f us/req)  ratio %.2f  cpu ratio %.2f  bad responses: %d\n", w, r, ru, (r > 0 ? m / r : 0), (ru > 0 ? mu / ru : 0), b }'
  fi
}

for w in "${WORKLOADS[@]}"; do
  case "$w" in
    W1) mpid=$(cat "$WORK/mcp.pid"); murl="http://127.0.0.1:$MCPS/mcp"; ms="$W1"; rs="$W1"; rurl="http://127.0.0.1:$RAW/mcp"; c="$CONNECTIONS" ;;
    W2) mpid=$(cat "$WORK/mcp.pid"); murl="http://127.0.0.1:$MCPS/mcp"; ms="$W2"; rs="$RAWSSE"; rurl="http://127.0.0.1:$RAW/mcp?sse"; c="$CONNECTIONS" ;;
    W3) mpid=$(cat "$WORK/mcpstate.pid"); murl="http://127.0.0.1:$MCP/mcp"; ms="$W3"; rs="$W3"; rurl="http://127.0.0.1:$RAW/mcp"; c="$CONNECTIONS" ;;
    W5) mpid=$(cat "$WORK/mcp.pid"); murl="http://127.0.0.1:$MCPS/mcp"; ms="$W5"; rs="$W5"; rurl="http://127.0.0.1:$RAW/mcp"; c=8 ;;
    W6) mpid=$(cat "$WORK/mcp.pid"); murl="http://127.0.0.1:$MCPS/mcp"; ms="$W6"; rs="$W6"; rurl="http://127.0.0.1:$RAW/mcp"; c="$CONNECTIONS" ;;
    W7) mpid=$(cat "$WORK/mcpstate.pid"); murl="http://127.0.0.1:$MCP/mcp"; ms="$W7"; rs="$W7"; rurl="http://127.0.0.1:$RAW/mcp?sse"; c="$CONNECTIONS" ;;
    W6b) mpid=$(cat "$WORK/mcp.pid"); murl="http://127.0.0.1:$MCPS/mcp"; ms="$W6b"; rs="$W6b"; rurl="http://127.0.0.1:$RAW/mcp?sse"; c="$CONNECTIONS" ;;
    W4) node benchmarks/load/w4.mjs "http://127.0.0.1:$MCP/mcp" "$(cat "$WORK/mcpstate.pid")"
        node benchmarks/load/w4-floor.mjs "http://127.0.0.1:$RAW" "$(cat "$WORK/raw.pid")"; continue ;;
    *) echo "unknown workload $w" >&2; exit 2 ;;
  esac
  : > "$WORK/$w.mcp"; : > "$WORK/$w.raw"; : > "$WORK/$w.rawf"
  rpid=$(cat "$WORK/raw.pid")
  # SSE workloads get a second ceiling: raw Kestrel flushing after each frame.
  flush=""; case "$rurl" in *'?sse') flush="$rurl&flush" ;; esac
  for r in $(seq 1 "$ROUNDS"); do
    run_wrk "$rpid" "$rurl" "$rs" "$c" "$DURATION" >> "$WORK/$w.raw"
    [ -z "$flush" ] || run_wrk "$rpid" "$flush" "$rs" "$c" "$DURATION" >> "$WORK/$w.rawf"
    run_wrk "$mpid" "$murl" "$ms" "$c" "$DURATION" >> "$WORK/$w.mcp"
  done
  report "$w" "$WORK/$w.mcp" "$WORK/$w.raw" "${flush:+$WORK/$w.rawf}"
done

#!/usr/bin/env python3
"""Memory under abuse (issue 9): the RSS a server holds after
  sse-echo: 200 echo calls of about 4 MiB each in one 2025-11-25 session, answered as SSE streams;
  idle-sse: 10,000 idle GET /sse (2024-11-05) connections held open, then whether a new client can still initialize.
Usage: abuse.py URL PID sse-echo|idle-sse   (loopback only; bounded in count and time)."""
import asyncio, json, socket, sys, time, urllib.parse

def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1

def request(host, port, method, path, headers, body=b""):
    s = socket.create_connection((host, port), timeout=60)
    head = f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\nContent-Length: {len(body)}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    s.sendall(head.encode() + body)
    data = b""
    while True:
        chunk = s.recv(1 << 20)
        if not chunk:
            break
        data += chunk
    s.close()
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    hdrs = {l.split(":", 1)[0].lower(): l.split(":", 1)[1].strip() for l in lines[1:] if ":" in l}
    return status, hdrs, rest

def initialize(host, port, path):
    body = json.dumps({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "abuse", "version": "1"}}}).encode()
    st, h, _ = request(host, port, "POST", path, {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}, body)
    return st, h.get("mcp-session-id")

def sse_echo(host, port, path, pid):
    st, sid = initialize(host, port, path)
    assert st == 200, st
    request(host, port, "POST", path, {"Content-Type": "application/json", "Accept": "application/json, text/event-stream", "Mcp-Session-Id": sid, "MCP-Protocol-Version": "2025-11-25"},
            b'{"jsonrpc":"2.0","method":"notifications/initialized"}')
    text = "x" * (4 * 1024 * 1024 - 512)
    ok = 0
    for i in range(200):
        body = json.dumps({"jsonrpc": "2.0", "id": i + 1, "method": "tools/call", "params": {"name": "echo", "arguments": {"text": text}}}).encode()
        st, h, rest = request(host, port, "POST", path, {"Content-Type": "application/json", "Accept": "text/event-stream", "Mcp-Session-Id": sid, "MCP-Protocol-Version": "2025-11-25"}, body)
        ok += st == 200
    time.sleep(2)
    print(json.dumps({"workload": "sse-echo", "calls": 200, "ok": ok, "rss_mib": round(rss_kib(pid) / 1024, 1)}))

async def idle_sse(host, port, path, pid, count=10000):
    sse = urllib.parse.urljoin(path, "sse") if not path.endswith("/") else path + "sse"
    sse = "/sse" if path.count("/") == 1 else sse
    writers, statuses = [], {}
    async def open_one():
        try:
            r, w = await asyncio.wait_for(asyncio.open_connection(host, port), 10)
            w.write(f"GET {sse} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n\r\n".encode())
            await w.drain()
            line = await asyncio.wait_for(r.readline(), 10)
            code = int(line.split()[1])
            statuses[code] = statuses.get(code, 0) + 1
            writers.append(w)
        except Exception as e:
            statuses[type(e).__name__] = statuses.get(type(e).__name__, 0) + 1
    for start in range(0, count, 500):
        await asyncio.gather(*(open_one() for _ in range(start, min(count, start + 500))))
    await asyncio.sleep(2)
    rss = rss_kib(pid)
    st, _ = await asyncio.to_thread(initialize, host, port, path)
    print(json.dumps({"workload": "idle-sse", "connections": count, "statuses": statuses, "rss_mib": round(rss / 1024, 1), "new_initialize_status": st}))
    for w in writers:
        w.close()

if __name__ == "__main__":
    url, pid, workload = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    u = urllib.parse.urlparse(url)
    assert u.hostname in ("127.0.0.1", "localhost", "::1"), "loopback only"
    if workload == "sse-echo":
        sse_echo(u.hostname, u.port, u.path, pid)
    else:
        asyncio.run(idle_sse(u.hostname, u.port, u.path, pid))

// W4: memory per idle session and per open GET stream (RSS of the server process, from /proc).
// Usage: node w4.mjs URL PID   (bounded: 10,000 sessions, 1,000 streams, 120 s at most)
import http from 'node:http';
import fs from 'node:fs';
const [url, pid] = process.argv.slice(2);
const deadline = Date.now() + 120_000;
const rss = () => Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) * 1024;
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
const u = new URL(url);
function post(body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent,
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' } }, res => {
      res.resume(); res.on('end', () => resolve(res.headers['mcp-session-id']));
    });
    req.on('error', reject); req.end(body);
  });
}
const init = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'w4', version: '1' } } });
for (let i = 0; i < 200; i++) await post(init); // warm up
global.gc?.();
await new Promise(r => setTimeout(r, 1000));
const before = rss();
const sessions = [];
while (sessions.length < 10_000 && Date.now() < deadline) {
  const batch = await Promise.all(Array.from({ length: 16 }, () => post(init)));
  sessions.push(...batch);
}
await new Promise(r => setTimeout(r, 2000));
const afterSessions = rss();
const perSession = (afterSessions - before) / sessions.length;
const streams = [];
for (let i = 0; i < 1000 && Date.now() < deadline; i++) {
  await new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'GET', agent: false,
      headers: { accept: 'text/event-stream', 'mcp-session-id': sessions[i], 'mcp-protocol-version': '2025-06-18' } }, res => {
      if (res.statusCode !== 200) reject(new Error('GET ' + res.statusCode)); streams.push(req); resolve();
    });
    req.on('error', reject); req.end();
  });
}
await new Promise(r => setTimeout(r, 2000));
const afterStreams = rss();
const perStream = (afterStreams - afterSessions) / streams.length;
console.log(`W4   ${sessions.length} idle sessions: ${(perSession / 1024).toFixed(2)} KB per session; ${streams.length} open GET streams: ${(perStream / 1024).toFixed(2)} KB per stream (RSS ${(before / 1048576).toFixed(0)} -> ${(afterSessions / 1048576).toFixed(0)} -> ${(afterStreams / 1048576).toFixed(0)} MiB)`);
for (const s of streams) s.destroy();
agent.destroy();
process.exit(0);

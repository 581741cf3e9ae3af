// The W4 floor: RSS per open SSE response on raw Kestrel (GET /hold on the raw load host).
// Usage: node w4-floor.mjs BASE_URL PID   (bounded: 1,000 streams, 60 s at most)
import http from 'node:http';
import fs from 'node:fs';
const [base, pid] = process.argv.slice(2);
const deadline = Date.now() + 60_000;
const rss = () => Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) * 1024;
const u = new URL(base);
const open = () => new Promise((resolve, reject) => {
  const req = http.request({ host: u.hostname, port: u.port, path: '/hold', method: 'GET', agent: false, headers: { accept: 'text/event-stream' } }, res => {
    if (res.statusCode !== 200) reject(new Error('GET ' + res.statusCode)); resolve(req);
  });
  req.on('error', reject); req.end();
});
for (let i = 0; i < 100; i++) (await open()).destroy(); // warm up
await new Promise(r => setTimeout(r, 2000));
const before = rss();
const streams = [];
for (let i = 0; i < 1000 && Date.now() < deadline; i++) streams.push(await open());
await new Promise(r => setTimeout(r, 2000));
const after = rss();
console.log(`W4 floor: raw Kestrel, ${streams.length} open SSE responses: ${((after - before) / streams.length / 1024).toFixed(2)} KB per stream`);
for (const s of streams) s.destroy();
process.exit(0);

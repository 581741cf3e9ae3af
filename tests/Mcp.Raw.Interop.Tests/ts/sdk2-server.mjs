// The official TypeScript SDK v2 (@modelcontextprotocol/server 2.4.0) as a 2026-07-28 interop peer: the
// createMcpHandler entry (2026-07-28 plus its stateless 2025 fallback) on node:http through a small fetch adapter.
import http from 'node:http';
import { McpServer, createMcpHandler } from '@modelcontextprotocol/server';
import { z } from 'zod';

function factory() {
  const server = new McpServer({ name: 'ts-sdk2', version: '2.4.0' }, { capabilities: { logging: {} } });
  server.registerTool('process_files', { description: 'Processes items with progress and logs.', inputSchema: z.object({ items: z.array(z.string()) }) },
    async ({ items }, ctx) => {
      const token = ctx.mcpReq._meta?.progressToken;
      for (let i = 0; i < items.length; i++) {
        if (token !== undefined) {
          await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken: token, progress: i + 1, total: items.length } });
        }
        await ctx.mcpReq.log('info', `Processing ${items[i]} (${i + 1}/${items.length})`);
        await new Promise(r => setTimeout(r, 10));
      }
      return { content: [{ type: 'text', text: `Processed ${items.length} items: ${items.join(', ')}` }] };
    });
  return server;
}

const handler = createMcpHandler(factory);
const httpServer = http.createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
  const request = new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, body: ['GET', 'HEAD'].includes(req.method) ? undefined : Buffer.concat(chunks) });
  const response = await handler.fetch(request);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (response.body) {
    for await (const chunk of response.body) res.write(chunk);
  }
  res.end();
});
httpServer.listen(0, '127.0.0.1', () => console.log(`listening ${httpServer.address().port}`));

// The official TypeScript SDK v1 (@modelcontextprotocol/sdk 1.32.2) as a 2025-era interop peer: stateful
// Streamable HTTP on node:http, one tool that reports progress and logs per item on the request's stream.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

function createServer() {
  const server = new McpServer({ name: 'ts-sdk1', version: '1.32.2' }, { capabilities: { logging: {} } });
  server.registerTool('process_files', { description: 'Processes items with progress and logs.', inputSchema: { items: z.array(z.string()) } },
    async ({ items }, extra) => {
      const token = extra._meta?.progressToken;
      for (let i = 0; i < items.length; i++) {
        if (token !== undefined) {
          await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: i + 1, total: items.length } });
        }
        await extra.sendNotification({ method: 'notifications/message', params: { level: 'info', data: `Processing ${items[i]} (${i + 1}/${items.length})` } });
        await new Promise(r => setTimeout(r, 10));
      }
      return { content: [{ type: 'text', text: `Processed ${items.length} items: ${items.join(', ')}` }] };
    });
  return server;
}

const transports = new Map();
const httpServer = http.createServer(async (req, res) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  const parsed = body ? JSON.parse(body) : undefined;
  const sid = req.headers['mcp-session-id'];
  let transport = sid ? transports.get(sid) : undefined;
  if (!transport) {
    if (req.method !== 'POST' || parsed?.method !== 'initialize') {
      res.writeHead(sid ? 404 : 400, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32000, message: 'No session' } }));
      return;
    }
    transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(), onsessioninitialized: id => transports.set(id, transport) });
    await createServer().connect(transport);
  }
  await transport.handleRequest(req, res, parsed);
});
httpServer.listen(0, '127.0.0.1', () => console.log(`listening ${httpServer.address().port}`));

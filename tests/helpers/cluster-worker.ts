// A worker of server/cluster.ts for tests: the production instance (server/instance.ts) with a stand-in for
// Next.js that answers GET /slow?ms=N after N ms, and an X-Worker header naming the process that answered.
// Started by tests as `node --import tsx server/cluster.ts tests/helpers/cluster-worker.ts`.
import { startInstance } from '@/server/instance';

const server = startInstance({
  handle: async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://worker');
    if (url.pathname !== '/slow') return void res.writeHead(404).end();
    await new Promise((resolve) => setTimeout(resolve, Number(url.searchParams.get('ms') ?? 0)));
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('done');
  },
  onListening: () => console.log(`worker ${process.pid} listening`),
});
server.prependListener('request', (_req, res) => res.setHeader('X-Worker', String(process.pid)));

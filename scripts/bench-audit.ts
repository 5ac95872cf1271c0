// npm run bench:audit — the audit log's page loads with 100,000 events against 10: keyset pagination
// should make them cost the same. Uses the embedded database in .data/bench.
import { randomUUID } from 'node:crypto';
import { prepareDatabase } from './database';

process.env.EMBEDDED_PG_DIR ??= '.data/bench';
process.env.EMBEDDED_PG_PORT ??= '54359';
delete process.env.DATABASE_URL;

const db = await prepareDatabase();
process.env.DATABASE_URL = db.url;
const { prisma } = await import('@/lib/db');
const { listAuditEvents } = await import('@/lib/data/audit');

async function organizationWithEvents(count: number): Promise<string> {
  const name = `Audit bench ${count}`;
  const existing = await prisma.organization.findFirst({ where: { name } });
  if (existing && (await prisma.auditEvent.count({ where: { organizationId: existing.id } })) >= count)
    return existing.id;
  const id = randomUUID();
  await prisma.organization.create({ data: { id, name } });
  // Spread over 30 days, a tenth of them with a second action, as a busy account would have.
  await prisma.$executeRaw`
    INSERT INTO audit_events (id, organization_id, actor_name, actor_role, action, secret_preview, created_at)
    SELECT gen_random_uuid(), ${id}::uuid, 'Bench admin', 'ADMIN', CASE WHEN n % 10 = 0 THEN 'renamed' ELSE 'activated' END,
           'uqs_…' || lpad((n % 10000)::text, 4, '0'), now() - (n * interval '26 seconds')
    FROM generate_series(1, ${count}::int) AS n`;
  return id;
}

async function timed(run: () => Promise<unknown>, repeat = 30) {
  const samples: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return {
    median_ms: Number(samples[Math.floor(repeat / 2)]!.toFixed(2)),
    p95_ms: Number(samples[Math.floor(repeat * 0.95)]!.toFixed(2)),
  };
}

try {
  const small = await organizationWithEvents(10);
  const large = await organizationWithEvents(100_000);
  await timed(() => listAuditEvents({ organizationId: large }), 5); // warm-up
  // A cursor deep in the large trail: the 90,000th event.
  const [deep] = await prisma.auditEvent.findMany({
    where: { organizationId: large },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    skip: 90_000,
    take: 1,
  });
  const cursor = { createdAt: deep!.createdAt.toISOString(), id: deep!.id };
  const results = {
    first_page_10_events: await timed(() => listAuditEvents({ organizationId: small })),
    first_page_100000_events: await timed(() => listAuditEvents({ organizationId: large })),
    page_after_90000_of_100000: await timed(() => listAuditEvents({ organizationId: large, cursor })),
    filtered_renamed_of_100000: await timed(() =>
      listAuditEvents({ organizationId: large, filters: { action: 'renamed' } }),
    ),
  };
  for (const [phase, figures] of Object.entries(results))
    console.log(JSON.stringify({ phase, page_size: 50, ...figures }));
} finally {
  await prisma.$disconnect();
  await db.stop();
}

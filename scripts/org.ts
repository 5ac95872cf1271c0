// npm run org:create -- --name "Suite 42" [--domain d] [--email e] [--totp] [--test-clock] [--ttl-minutes n]
// npm run org:delete -- --id <uuid>
// npm run org:support -- --email e [--name n] [--totp]  (a platform support user for suites that test the support console)
// npm run org:member -- --id <uuid> --email e --role admin|viewer  (an existing tenant user joins another tenant)
// Tenants for customers' end-to-end suites. Stdout carries exactly one line of JSON; everything else goes to
// stderr, so a suite can JSON.parse what it reads (with `npm run --silent`, which drops npm's own banner).
import { parseArgs } from 'node:util';
import { persistentSecret, runWithDatabase } from './database';

const USAGE = [
  'Usage:',
  '  npm run --silent org:create -- --name "Suite 42" [--domain suite42.example.test] [--email admin@suite42.example.test] [--totp] [--test-clock] [--ttl-minutes 60]',
  '    --totp also enrolls an authenticator app for the admin and prints its key (admin.totp.secret) once.',
  '    --test-clock gives the tenant its own clock, frozen at creation (moved by POST /api/platform/tenants/{id}/clock).',
  '    --ttl-minutes (1 to 1440, default 1440) is when the tenant deletes itself.',
  '  npm run --silent org:delete -- --id <organization uuid>',
  '  npm run --silent org:support -- --email support@suite42.example.test [--name "Suite Support"] [--totp]',
  '  npm run --silent org:member -- --id <organization uuid> --email admin@suite41.example.test --role viewer',
  '    adds a member of another tenant to this one (admin or viewer): a person in several organizations.',
].join('\n');

// The database helpers log progress with console.log; keep stdout for the result alone.
console.log = (...args: unknown[]) => console.error(...args);

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

function parse() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        domain: { type: 'string' },
        email: { type: 'string' },
        id: { type: 'string' },
        totp: { type: 'boolean' },
        'test-clock': { type: 'boolean' },
        'ttl-minutes': { type: 'string' },
        role: { type: 'string' },
      },
    });
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`);
  }
}

const { positionals, values } = parse();
const [command, ...extra] = positionals;
if (command !== 'create' && command !== 'delete' && command !== 'support' && command !== 'member')
  fail(`Unknown command "${command ?? ''}".\n${USAGE}`);
if (extra.length > 0) fail(`Unexpected argument "${extra[0]}".\n${USAGE}`);
if (command === 'create' && (values.id !== undefined || values.name === undefined))
  fail(`create takes --name (and optionally --domain, --email, --totp, --test-clock, --ttl-minutes).\n${USAGE}`);
if (command !== 'create' && (values['test-clock'] !== undefined || values['ttl-minutes'] !== undefined))
  fail(`--test-clock and --ttl-minutes are options of create.\n${USAGE}`);
const ttlText = values['ttl-minutes'];
if (ttlText !== undefined && !/^\d+$/.test(ttlText)) fail(`--ttl-minutes takes a whole number of minutes (1 to 1440).`);
if (
  command === 'delete' &&
  (values.id === undefined ||
    values.name !== undefined ||
    values.domain !== undefined ||
    values.email !== undefined ||
    values.totp !== undefined)
) {
  fail(`delete takes --id only.\n${USAGE}`);
}

if (command === 'support' && (values.email === undefined || values.id !== undefined || values.domain !== undefined)) {
  fail(`support takes --email (and optionally --name, --totp).\n${USAGE}`);
}

if (
  command === 'member' &&
  (values.id === undefined ||
    values.email === undefined ||
    (values.role !== 'admin' && values.role !== 'viewer') ||
    values.name !== undefined ||
    values.domain !== undefined ||
    values.totp !== undefined)
) {
  fail(`member takes --id, --email and --role (admin or viewer).\n${USAGE}`);
}
if (command !== 'member' && values.role !== undefined) fail(`--role is an option of member.\n${USAGE}`);

function printResult(result: object): Promise<void> {
  return new Promise((resolve, reject) =>
    process.stdout.write(`${JSON.stringify(result)}\n`, (error) => (error ? reject(error) : resolve())),
  );
}

runWithDatabase(async (db) => {
  // The authenticator-app key is sealed under the same key the portal uses (kept beside the embedded data).
  if (values.totp) process.env.TOKEN_KEY_ENCRYPTION_KEY = await persistentSecret('TOKEN_KEY_ENCRYPTION_KEY');
  // Only now: lib/db reads DATABASE_URL when it is imported.
  const { addTenantMember, createSupportStaff, createTenant, deleteTenant } = await import('@/lib/data/tenants');
  const { prisma } = await import('@/lib/db');
  const { credentialChanges } = await import('@/lib/db/credential-changes');
  let exitCode = 0;
  try {
    if (command === 'create') {
      const started = performance.now();
      const result = await createTenant({
        name: values.name!,
        domain: values.domain,
        email: values.email,
        totp: values.totp,
        testClock: values['test-clock'],
        ttlMinutes: ttlText === undefined ? undefined : Number(ttlText),
      });
      if (result.ok) {
        await printResult(result.tenant);
        console.error(
          `Created organization ${result.tenant.organizationId} in ${Math.round(performance.now() - started)} ms.`,
        );
      } else {
        console.error(result.message);
        exitCode = 1;
      }
    } else if (command === 'support') {
      const result = await createSupportStaff({ email: values.email!, name: values.name, totp: values.totp });
      if (result.ok) {
        await printResult(result.user);
        console.error(`Created support user ${result.user.email}.`);
      } else {
        console.error(result.message);
        exitCode = 1;
      }
    } else if (command === 'member') {
      const role = values.role === 'admin' ? 'ADMIN' : 'VIEWER';
      const result = await addTenantMember({ organizationId: values.id!, email: values.email!, role });
      if (result.ok) {
        await printResult(result);
        console.error(`Added ${values.email} to organization ${result.organizationId} as ${values.role}.`);
      } else {
        console.error(result.message);
        exitCode = 1;
      }
    } else {
      const result = await deleteTenant({ organizationId: values.id! });
      if (result.ok) {
        await printResult({ deleted: true, organizationId: result.organizationId });
        console.error(
          `Deleted organization ${result.organizationId} and ${result.deletedUsers} member user(s); its audit events stay.`,
        );
      } else {
        console.error(result.message);
        exitCode = 1;
      }
    }
  } finally {
    // A deletion joined the instances that acknowledge changes (to hear its own): leave their list, or the
    // next change would wait for this process until its heartbeat went stale.
    await credentialChanges.close();
    await prisma.$disconnect();
  }
  await db.stop();
  process.exit(exitCode);
});

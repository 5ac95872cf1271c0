// The production server on every core: this primary process forks WEB_CONCURRENCY workers (server/index.ts,
// or the module given as the first argument), each a full instance sharing PORT; restarts a worker that
// dies, with a growing delay while they keep dying early; and on SIGTERM or SIGINT stops each worker
// gracefully and exits when they have. It loads neither Next.js nor Prisma, so it stays small.
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism, totalmem } from 'node:os';
import path from 'node:path';
import { checkEnv, env } from '@/lib/env';

/** What one worker is budgeted (measured: about 420 MB resident after warm-up; docs/operations.md, "Every core"). */
const WORKER_MEMORY_BUDGET = 768 * 1024 ** 2;
/** A worker that dies within this of its start counts as a crash loop. */
const STABLE_AFTER_MS = 30_000;
const RESTART_DELAY_MIN_MS = 500;
const RESTART_DELAY_MAX_MS = 30_000;
/** Workers drain for SHUTDOWN_DRAIN_MS and exit within 10 s; the primary gives up on them slightly later. */
const STOP_DEADLINE_MS = 10_000;

/** One worker per CPU, but no more than half the host's memory holds at the budget above (at least one). */
function defaultConcurrency(cpus = availableParallelism(), memory = totalmem()): number {
  return Math.max(1, Math.min(cpus, Math.floor(memory / 2 / WORKER_MEMORY_BUDGET)));
}

function runPrimary(workerModule: string) {
  const count = env.WEB_CONCURRENCY ?? defaultConcurrency();
  cluster.setupPrimary({ exec: path.resolve(workerModule) });
  const startedAt = new Map<number, number>();
  let earlyDeaths = 0;
  let stopping = false;
  let exitCode = 0;
  const pending = new Set<NodeJS.Timeout>();

  const fork = () => {
    const worker = cluster.fork();
    startedAt.set(worker.id, Date.now());
  };

  cluster.on('exit', (worker: Worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker.id) ?? 0);
    startedAt.delete(worker.id);
    if (stopping) {
      if (code !== 0) exitCode = 1;
      // The exiting worker may still be listed (until its channel closes), but it is dead already.
      if (Object.values(cluster.workers ?? {}).every((other) => !other || other.isDead())) process.exit(exitCode);
      return;
    }
    earlyDeaths = lived < STABLE_AFTER_MS ? earlyDeaths + 1 : 0;
    const delay = earlyDeaths === 0 ? 0 : Math.min(RESTART_DELAY_MAX_MS, RESTART_DELAY_MIN_MS * 2 ** (earlyDeaths - 1));
    console.error(
      `cluster: worker ${worker.process.pid} exited (${signal ?? `code ${code}`}) after ${lived} ms; ` +
        `starting another in ${delay} ms`,
    );
    const timer = setTimeout(() => {
      pending.delete(timer);
      fork();
    }, delay);
    pending.add(timer);
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    for (const timer of pending) clearTimeout(timer);
    const workers = Object.values(cluster.workers ?? {}).filter((worker) => worker !== undefined);
    if (workers.length === 0) process.exit(0);
    console.log(`cluster: ${signal}: stopping ${workers.length} worker(s)`);
    // Not worker.kill(): it disconnects first, which closes the worker's server before it could drain.
    for (const worker of workers) worker.process.kill('SIGTERM');
    setTimeout(() => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
      console.error(`cluster: workers still running after ${STOP_DEADLINE_MS} ms; killed`);
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
  };
  // Signals may come more than once (from the terminal's process group and from a wrapper): stop once.
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  console.log(`cluster: primary ${process.pid} starts ${count} worker(s) on port ${env.PORT}`);
  for (let i = 0; i < count; i++) fork();
}

if (cluster.isPrimary) {
  checkEnv();
  runPrimary(process.argv[2] ?? 'server/index.ts');
}

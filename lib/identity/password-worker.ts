import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * argon2id verification on threads of its own that run at the lowest CPU priority (nice 19; on Linux a
 * thread's priority is its own). A password check then only takes CPU that the token endpoint, the pages
 * and PostgreSQL leave idle: a flood of guesses slows sign-ins, not the API customers' systems depend on.
 * The source is evaluated (not a file) so that bundlers leave it alone; it loads @node-rs/argon2 from the
 * project's node_modules.
 */
const SOURCE = `
const { parentPort } = require('node:worker_threads');
const os = require('node:os');
const { verifySync } = require('@node-rs/argon2');
try { os.setPriority(19); } catch {}
parentPort.on('message', ({ id, hash, password }) => {
  let value = false;
  try { value = verifySync(hash, password); } catch {}
  parentPort.postMessage({ id, value });
});
`;

interface Pending {
  resolve: (value: boolean) => void;
}

class VerifierThread {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  private start(): Worker {
    const worker = new Worker(SOURCE, { eval: true });
    worker.on('message', ({ id, value }: { id: number; value: boolean }) => {
      this.pending.get(id)?.resolve(value);
      this.pending.delete(id);
      if (this.pending.size === 0) worker.unref();
    });
    // A crashed thread fails its checks closed and is replaced on the next one.
    worker.on('error', () => this.fail(worker));
    worker.on('exit', () => this.fail(worker));
    worker.unref();
    return worker;
  }

  private fail(worker: Worker) {
    if (this.worker !== worker) return;
    this.worker = null;
    for (const { resolve } of this.pending.values()) resolve(false);
    this.pending.clear();
  }

  get load(): number {
    return this.pending.size;
  }

  verify(hash: string, password: string): Promise<boolean> {
    this.worker ??= this.start();
    const id = this.nextId++;
    this.worker.ref();
    return new Promise((resolve) => {
      this.pending.set(id, { resolve });
      this.worker!.postMessage({ id, hash, password });
    });
  }
}

const globalForVerifier = globalThis as unknown as { passwordVerifiers?: VerifierThread[] };

/** As many threads as password checks may run at once (lib/auth/password-check-limit.ts): half the cores. */
const THREADS = Math.max(1, Math.floor(availableParallelism() / 2));

/** Checks a password against an argon2 hash on a low-priority thread; false for any malformed hash. */
export function verifyOnLowPriorityThread(hash: string, password: string): Promise<boolean> {
  const threads = (globalForVerifier.passwordVerifiers ??= Array.from({ length: THREADS }, () => new VerifierThread()));
  const idlest = threads.reduce((best, thread) => (thread.load < best.load ? thread : best));
  return idlest.verify(hash, password);
}

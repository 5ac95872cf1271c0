// tests/helpers/token-server.ts in a process of its own on the test database, for tests that need several
// instances (their caches, change channel and acknowledgements) as production runs them.
import { spawn, type ChildProcess } from 'node:child_process';

export interface TokenServerProcess {
  /** The token endpoint's URL. */
  url: string;
  /** The origin, for the other endpoints. */
  base: string;
  process: ChildProcess;
}

/** Starts an instance and resolves once it listens for changes and requests. */
export function spawnTokenServer(): Promise<TokenServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/token-server.ts'], {
    // Refusals are what these tests look at; the failure limiter (tested elsewhere) must not turn them into 429s.
    env: { ...process.env, TOKEN_FAILURES_PER_CLIENT: '10000', TOKEN_FAILURES_PER_ADDRESS: '10000' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = chunk.toString().match(/listening ((http:\/\/[^/\s]+)\S*)/);
      if (match) resolve({ url: match[1]!, base: match[2]!, process: child });
    });
    child.once('exit', (code) => reject(new Error(`token server exited with ${code}`)));
  });
}

import { type ChildProcess, spawn } from 'node:child_process';

/** Starts a server process and resolves once it prints that it is ready ("ready on …"). */
export async function startServer(args: string[], env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready on')) resolve();
    });
    child.once('exit', () => reject(new Error(`${args.join(' ')} exited`)));
  });
  return child;
}

/** Stops a server with SIGTERM (a graceful shutdown) and waits for it to exit. */
export async function stopServer(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

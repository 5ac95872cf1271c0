// The many-machines topology on one host: HAProxy (deploy/haproxy.cfg) in front of three instances of the
// production server (server/cluster.ts, as `npm start` runs it on each machine) on one PostgreSQL. Used by
// `npm run start:cluster` and by the topology test (scripts/topology-test.ts).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

export interface TopologyOptions {
  /** HAProxy's frontend: the one URL clients use. */
  balancerPort: number;
  /** HAProxy's statistics page (CSV at /;csv), on loopback. */
  statsPort: number;
  /** One port per instance. */
  instancePorts: number[];
  /** The application role's connection, shared by every instance. */
  databaseUrl: string;
  /** Shared by every instance: sessions live in PostgreSQL, so any instance must read any session's cookie. */
  nextAuthSecret: string;
  tokenKeyEncryptionKey: string;
  /** Added to every instance's environment. */
  env?: NodeJS.ProcessEnv;
  /** 'inherit' shows every log line; 'pipe' keeps them for `logs()` (a test prints them on failure). */
  output?: 'inherit' | 'pipe';
}

export interface Instance {
  port: number;
  url: string;
  process: ChildProcess;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function haproxyAvailable(): boolean {
  return spawnSync('haproxy', ['-v'], { stdio: 'ignore' }).status === 0;
}

/** Polls `check` (a throw counts as not yet) until it holds, or throws after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 120_000, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(intervalMs);
  }
  throw new Error(`timed out waiting for ${what}`);
}

export class Topology {
  readonly url: string;
  readonly instances: Instance[] = [];
  private balancer: ChildProcess | undefined;
  private output = '';

  constructor(private readonly options: TopologyOptions) {
    this.url = `http://localhost:${options.balancerPort}`;
  }

  /** Starts every instance and HAProxy, and resolves when HAProxy sees every instance up. */
  async start(): Promise<void> {
    for (let i = 0; i < this.options.instancePorts.length; i++) this.instances.push(this.spawnInstance(i));
    this.balancer = spawn('haproxy', ['-f', 'deploy/haproxy.cfg', '-db'], {
      env: {
        ...process.env,
        HAPROXY_PORT: String(this.options.balancerPort),
        HAPROXY_STATS_PORT: String(this.options.statsPort),
        PORTAL_HOST: '127.0.0.1',
        ...Object.fromEntries(this.options.instancePorts.map((port, i) => [`PORTAL_PORT_${i + 1}`, String(port)])),
      },
      stdio: ['ignore', this.options.output ?? 'inherit', this.options.output ?? 'inherit'],
    });
    this.capture(this.balancer, 'haproxy');
    await Promise.all(this.instances.map((_, i) => this.waitUntilServing(i)));
  }

  private spawnInstance(index: number): Instance {
    const port = this.options.instancePorts[index]!;
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/cluster.ts'], {
      env: {
        ...process.env,
        ...this.options.env,
        PORT: String(port),
        // One worker each: three instances share this host's cores; on their own machines, leave it unset.
        WEB_CONCURRENCY: this.options.env?.WEB_CONCURRENCY ?? '1',
        DATABASE_URL: this.options.databaseUrl,
        NEXTAUTH_URL: this.url,
        NEXTAUTH_SECRET: this.options.nextAuthSecret,
        TOKEN_KEY_ENCRYPTION_KEY: this.options.tokenKeyEncryptionKey,
        // X-Forwarded-For's last hop is HAProxy's (option forwardfor): the client's address.
        TRUST_PROXY: '1',
        NODE_ENV: 'production',
        NEXT_TELEMETRY_DISABLED: '1',
      },
      stdio: ['ignore', this.options.output ?? 'inherit', this.options.output ?? 'inherit'],
    });
    this.capture(child, `portal${index + 1}`);
    return { port, url: `http://127.0.0.1:${port}`, process: child };
  }

  private capture(child: ChildProcess, name: string) {
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line) this.output += `[${name}] ${line}\n`;
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  logs(): string {
    return this.output;
  }

  /** HAProxy's view of each instance: UP, DOWN, or a transition such as "UP 1/2". */
  async balancerStates(): Promise<Record<string, string>> {
    const csv = await (await fetch(`http://127.0.0.1:${this.options.statsPort}/;csv`)).text();
    const [header, ...rows] = csv.replace(/^# /, '').trim().split('\n');
    const columns = header!.split(',');
    const [proxy, server, status] = ['pxname', 'svname', 'status'].map((name) => columns.indexOf(name));
    return Object.fromEntries(
      rows
        .map((row) => row.split(','))
        .filter((cells) => cells[proxy!] === 'portal_instances' && /^portal\d+$/.test(cells[server!] ?? ''))
        .map((cells) => [cells[server!]!, cells[status!]!]),
    );
  }

  /** Resolves when the instance answers /readyz 200 and HAProxy has put it (back) into rotation. */
  async waitUntilServing(index: number): Promise<void> {
    const instance = this.instances[index]!;
    await waitFor(async () => (await fetch(`${instance.url}/readyz`)).ok, `portal${index + 1} to be ready`);
    await waitFor(
      async () => (await this.balancerStates())[`portal${index + 1}`] === 'UP',
      `HAProxy to mark portal${index + 1} up`,
      30_000,
    );
  }

  /** SIGTERM, as an orchestrator sends it; resolves with the exit code and how long the instance took. */
  async stopInstance(index: number): Promise<{ code: number | null; ms: number }> {
    const child = this.instances[index]!.process;
    const started = Date.now();
    if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, ms: 0 };
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    const code = await exited;
    return { code, ms: Date.now() - started };
  }

  /** Stops one instance gracefully, starts it again and waits until HAProxy routes to it. */
  async restartInstance(index: number): Promise<{ exitCode: number | null; stopMs: number; startMs: number }> {
    const { code, ms } = await this.stopInstance(index);
    const started = Date.now();
    this.instances[index] = this.spawnInstance(index);
    await this.waitUntilServing(index);
    return { exitCode: code, stopMs: ms, startMs: Date.now() - started };
  }

  /** Stops every instance (in parallel, gracefully) and then HAProxy. */
  async stop(): Promise<void> {
    await Promise.all(this.instances.map((_, i) => Promise.race([this.stopInstance(i), sleep(12_000)])));
    for (const instance of this.instances) if (instance.process.exitCode === null) instance.process.kill('SIGKILL');
    const balancer = this.balancer;
    if (balancer && balancer.exitCode === null && balancer.signalCode === null) {
      const exited = new Promise((resolve) => balancer.once('exit', resolve));
      balancer.kill('SIGTERM');
      await Promise.race([exited, sleep(5_000)]);
    }
  }
}

import type { FullConfig, FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';

/**
 * Prints what each worker spent before its first test could start (its tenant created, its admin signed in),
 * from the annotation the kit adds, against the target `maxMs`; and fails the run when two workers shared a
 * tenant, or when fewer workers than configured set one up (the suite is meant to run them at once). Time is
 * a figure to read on a quiet machine (docs/benchmarks.md), not a pass or fail: on a loaded one it says
 * nothing about the kit.
 */
export default class SetupTimeReporter implements Reporter {
  private readonly maxMs: number;
  private readonly workers: { tenant: string; createMs: number; signInMs: number; worker: string }[] = [];

  private configuredWorkers = 1;

  constructor({ maxMs = 1_500 }: { maxMs?: number } = {}) {
    this.maxMs = maxMs;
  }

  onBegin(config: FullConfig) {
    this.configuredWorkers = config.workers;
  }

  onTestEnd(test: TestCase, _result: TestResult) {
    for (const annotation of test.annotations) {
      if (annotation.type !== 'credentials-console: worker setup') continue;
      const match = /tenant (\S+) created in (\d+) ms, admin signed in in (\d+) ms \(worker (\d+)\)/.exec(
        annotation.description ?? '',
      );
      if (match) {
        this.workers.push({
          tenant: match[1]!,
          createMs: Number(match[2]),
          signInMs: Number(match[3]),
          worker: match[4]!,
        });
      }
    }
  }

  async onEnd(result: FullResult): Promise<{ status?: FullResult['status'] } | undefined> {
    const problems: string[] = [];
    console.log(`\nSet-up per worker (tenant created + admin signed in; target at most ${this.maxMs} ms):`);
    for (const { worker, tenant, createMs, signInMs } of this.workers) {
      const total = createMs + signInMs;
      const verdict = total <= this.maxMs ? 'within the target' : 'OVER the target';
      console.log(`  worker ${worker}: ${createMs} + ${signInMs} = ${total} ms, ${verdict} (tenant ${tenant})`);
    }
    const tenants = new Set(this.workers.map((worker) => worker.tenant)).size;
    if (tenants !== this.workers.length) problems.push('two workers were given the same tenant');
    if (tenants < this.configuredWorkers) {
      problems.push(`only ${tenants} of ${this.configuredWorkers} workers set up a tenant`);
    }
    for (const problem of problems) console.log(`  ✘ ${problem}`);
    return problems.length && result.status === 'passed' ? { status: 'failed' } : undefined;
  }
}

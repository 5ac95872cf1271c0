import type { FullConfig, FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';

/**
 * Prints what the kit added to each worker before its first test could start, from the annotation the kit
 * adds, against the target `maxMs`: the wait for its tenant once the browser was up (the kit makes it while
 * Playwright launches the browser) and its admin signed in; with the tenant's creation and the first page
 * for comparison; and fails the run when two workers shared a
 * tenant, or when fewer workers than configured set one up (the suite is meant to run them at once). Time is
 * a figure to read on a quiet machine (docs/benchmarks.md), not a pass or fail: on a loaded one it says
 * nothing about the kit.
 */
export default class SetupTimeReporter implements Reporter {
  private readonly maxMs: number;
  private readonly workers: {
    tenant: string;
    createMs: number;
    waitedMs: number;
    signInMs: number;
    firstPageMs: number;
    worker: string;
  }[] = [];

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
      const match =
        /tenant (\S+) created in (\d+) ms \(waited (\d+) ms after the browser\), admin signed in in (\d+) ms, first page in (\d+) ms \(worker (\d+)\)/.exec(
          annotation.description ?? '',
        );
      if (match) {
        this.workers.push({
          tenant: match[1]!,
          createMs: Number(match[2]),
          waitedMs: Number(match[3]),
          signInMs: Number(match[4]),
          firstPageMs: Number(match[5]),
          worker: match[6]!,
        });
      }
    }
  }

  async onEnd(result: FullResult): Promise<{ status?: FullResult['status'] } | undefined> {
    const problems: string[] = [];
    console.log(
      `\nSet-up per worker: waited for the tenant after the browser was up + admin signed in ` +
        `(target at most ${this.maxMs} ms); the tenant's creation (made while the browser launched) and the first page for comparison:`,
    );
    for (const { worker, tenant, createMs, waitedMs, signInMs, firstPageMs } of this.workers) {
      const total = waitedMs + signInMs;
      const verdict = total <= this.maxMs ? 'within the target' : 'OVER the target';
      console.log(
        `  worker ${worker}: ${waitedMs} + ${signInMs} = ${total} ms, ${verdict}; tenant created in ${createMs} ms, ` +
          `first page ${firstPageMs} ms (tenant ${tenant})`,
      );
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

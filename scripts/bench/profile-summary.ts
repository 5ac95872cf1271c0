// Summarises V8 CPU profiles (node --cpu-prof): the functions and the files with the most self time.
// Usage: tsx scripts/bench/profile-summary.ts <file.cpuprofile | folder> [top=25]
// A folder means its largest profile (npm run bench:token's BENCH_CPU_PROF also profiles scripts/start.ts).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const target = process.argv[2];
const top = Number(process.argv[3] ?? 25);
if (!target) {
  console.error('Usage: tsx scripts/bench/profile-summary.ts <file.cpuprofile | folder> [top]');
  process.exit(1);
}
const file = statSync(target).isDirectory()
  ? readdirSync(target)
      .filter((name) => name.endsWith('.cpuprofile'))
      .map((name) => path.join(target, name))
      .sort((a, b) => statSync(b).size - statSync(a).size)[0]!
  : target;
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfUs = new Map<number, number>();
for (const [i, id] of profile.samples.entries()) selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));

const shortUrl = (url: string) =>
  url
    .replace(/^file:\/\//, '')
    .replace(`${process.cwd()}/`, '')
    .replace(/.*node_modules\//, 'node_modules/');
const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
let total = 0;
let idle = 0;
for (const [id, us] of selfUs) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  total += us;
  if (functionName === '(idle)') idle += us;
  const where = url ? shortUrl(url) : '(native)';
  const name = `${functionName || '(anonymous)'} ${url ? `${where}:${lineNumber + 1}` : ''}`.trim();
  byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  if (functionName !== '(idle)') byFile.set(where, (byFile.get(where) ?? 0) + us);
}

const busy = total - idle;
const table = (title: string, rows: Map<string, number>) => {
  console.log(`\n${title} (self time, % of busy time ${(busy / 1e6).toFixed(1)} s; idle ${(idle / 1e6).toFixed(1)} s)`);
  for (const [name, us] of [...rows]
    .filter(([name]) => !name.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top))
    console.log(`${((100 * us) / busy).toFixed(1).padStart(5)} %  ${name}`);
};
console.log(file);
table('Functions', byFunction);
table('Files', byFile);

/**
 * A trusted workload's subject pattern (e.g. `repo:acme/payments:ref:refs/heads/*`): `*` matches any run of
 * characters, the empty run included; every other character matches only itself; the whole subject must
 * match. Shared by the token endpoint and anything that shows an admin what a pattern accepts.
 *
 * Matched without regular expressions: a pattern with many `*` would make a backtracking regex take
 * exponential time on a long subject. This walks both strings once, returning to the last `*` on a
 * mismatch, which is at most pattern × subject steps.
 */
export function subjectMatches(pattern: string, subject: string): boolean {
  let p = 0;
  let s = 0;
  /** Position after the last `*` seen, and the subject position it was tried against. */
  let star = -1;
  let resume = 0;
  while (s < subject.length) {
    if (p < pattern.length && pattern[p] === '*') {
      star = ++p;
      resume = s;
    } else if (p < pattern.length && pattern[p] === subject[s]) {
      p++;
      s++;
    } else if (star >= 0) {
      // Let the last `*` swallow one more character and try the rest again.
      p = star;
      s = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

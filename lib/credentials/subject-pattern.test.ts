import { describe, expect, it } from 'vitest';
import { subjectMatches } from '@/lib/credentials/subject-pattern';

describe('subjectMatches', () => {
  it('allows the exact subject, and any run of characters where the pattern has *', () => {
    expect(subjectMatches('repo:acme/payments:ref:refs/heads/main', 'repo:acme/payments:ref:refs/heads/main')).toBe(
      true,
    );
    expect(subjectMatches('repo:acme/payments:*', 'repo:acme/payments:ref:refs/heads/main')).toBe(true);
    expect(subjectMatches('repo:acme/*:ref:refs/heads/main', 'repo:acme/payments:ref:refs/heads/main')).toBe(true);
    expect(subjectMatches('repo:acme/payments:*', 'repo:acme/payments:')).toBe(true);
    expect(subjectMatches('*', 'anything at all')).toBe(true);
    expect(subjectMatches('a*b*c', 'a-b-b-c')).toBe(true);
  });

  it('blocks other subjects: anchored at both ends, and every other character literal', () => {
    expect(subjectMatches('repo:acme/payments:ref:refs/heads/main', 'repo:acme/payments:ref:refs/heads/mainx')).toBe(
      false,
    );
    expect(subjectMatches('repo:acme/payments:ref:refs/heads/main', 'xrepo:acme/payments:ref:refs/heads/main')).toBe(
      false,
    );
    // A `*` does not reach across the fixed text after it.
    expect(subjectMatches('repo:acme/*:ref:refs/heads/main', 'repo:acme/payments:ref:refs/heads/dev')).toBe(false);
    // Regular-expression characters mean themselves.
    expect(subjectMatches('repo:acme/pay.ents', 'repo:acme/payments')).toBe(false);
    expect(subjectMatches('a+b', 'aab')).toBe(false);
    expect(subjectMatches('?', 'x')).toBe(false);
    expect(subjectMatches('', 'x')).toBe(false);
    expect(subjectMatches('a*', '')).toBe(false);
  });

  it('stays fast on a pattern that would make a backtracking regular expression explode', () => {
    const started = performance.now();
    expect(subjectMatches(`${'a*'.repeat(40)}b`, 'a'.repeat(8000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

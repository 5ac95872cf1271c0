import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REASON_CATALOGUE, REFUSAL_REASONS, isRefusalReason } from './reasons';
import { REQUEST_ID_PATTERN, isRequestId, newRequestId } from './request-id';

describe('the reason catalogue', () => {
  it('is documented: docs/request-log.md has the row of every reason, as the catalogue says it', () => {
    const doc = readFileSync(path.resolve(import.meta.dirname, '../../docs/request-log.md'), 'utf8');
    const rows = doc.split('\n').filter((line) => line.startsWith('| `'));
    expect(rows).toEqual(
      REFUSAL_REASONS.map((reason) => {
        const entry = REASON_CATALOGUE[reason];
        return `| \`${reason}\` | ${entry.label} | \`${entry.error}\` | ${entry.attributedTo} | ${entry.happened} ${entry.todo} |`;
      }),
    );
  });

  it('gives every reason its own words', () => {
    const labels = REFUSAL_REASONS.map((reason) => REASON_CATALOGUE[reason].label);
    expect(new Set(labels).size).toBe(labels.length);
    expect(isRefusalReason('credential_disabled')).toBe(true);
    expect(isRefusalReason('success')).toBe(false);
  });
});

describe('request ids', () => {
  it('are req_ and 22 base62 characters, and never repeat', () => {
    const ids = Array.from({ length: 10_000 }, newRequestId);
    expect(ids.every((id) => REQUEST_ID_PATTERN.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(isRequestId('req_123')).toBe(false);
    expect(isRequestId(`req_${'A'.repeat(22)}`)).toBe(true);
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_CATALOGUE, EVENT_TYPES, EVENT_OF_AUDIT_ACTION, PERSON_EVENT_TYPES, payloadSchema } from './catalogue';

describe('the event catalogue', () => {
  it('is documented: docs/events.md has a row for every type, and says which are emailed', () => {
    const doc = readFileSync(path.resolve(import.meta.dirname, '../../docs/events.md'), 'utf8');
    for (const type of EVENT_TYPES) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${type}\` |`));
      expect(row, type).toBeDefined();
      expect(row!.trim().endsWith(EVENT_CATALOGUE[type].person ? '| yes |' : '| no |'), type).toBe(true);
    }
  });

  it('maps audit actions only to catalogue types, and emails only credential events', () => {
    for (const type of Object.values(EVENT_OF_AUDIT_ACTION)) expect(EVENT_TYPES).toContain(type);
    expect(PERSON_EVENT_TYPES.every((type) => type.startsWith('credential.'))).toBe(true);
  });

  it('gives every type a schema that names its type and requires the credential where there is one', () => {
    for (const type of EVENT_TYPES) {
      const schema = payloadSchema(type) as { properties: { type: unknown; data: { required: string[] } } };
      expect(schema.properties.type).toEqual({ const: type });
      expect(schema.properties.data.required.includes('credential')).toBe(type !== 'webhook.test');
    }
  });
});

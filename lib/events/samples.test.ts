import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, payloadOf, payloadSchema } from './catalogue';
import { sampleEventData } from './samples';

describe('event samples', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const at = new Date('2030-01-01T00:00:00Z');
  const ids = ['6f1c7d1e-2b5a-4c3e-9a7b-1d2e3f4a5b6c', '7a2d8e2f-3c6b-4d4f-8b8c-2e3f4a5b6c7d'] as const;

  it.each(EVENT_TYPES)('%s matches its published schema and is marked as a test', (type) => {
    const data = sampleEventData(type, { organizationId: '11111111-2222-4333-8444-555555555555', at, ids });
    const payload = payloadOf({ type, createdAt: at, data });
    const valid = ajv.validate(payloadSchema(type), payload);
    expect(ajv.errors ?? [], JSON.stringify(payload)).toEqual([]);
    expect(valid).toBe(true);
    expect(data.test).toBe(true);
  });
});

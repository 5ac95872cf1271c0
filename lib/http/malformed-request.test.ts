import { describe, expect, it } from 'vitest';
import { malformedRequestReason } from '@/lib/http/malformed-request';

describe('malformed requests', () => {
  it('allows any decodable path, and the router state header Next.js sends', () => {
    expect(malformedRequestReason({ url: '/credentials/3f1c%20x?q=%E0%A4%A', headers: {} })).toBeNull();
    const state = encodeURIComponent(JSON.stringify(['', { children: ['credentials', {}] }]));
    expect(malformedRequestReason({ url: '/credentials', headers: { 'next-router-state-tree': state } })).toBeNull();
  });

  it('blocks a path that does not decode and a router state header that does not parse', () => {
    expect(malformedRequestReason({ url: '/credentials/%E0%A4%A', headers: {} })).toMatch(/percent-encoding/);
    expect(malformedRequestReason({ url: '/credentials', headers: { 'next-router-state-tree': '{{{' } })).toMatch(
      /Next-Router-State-Tree/,
    );
    expect(
      malformedRequestReason({ url: '/credentials', headers: { 'next-router-state-tree': '%5B%22x%22%5D' } }),
    ).toMatch(/Next-Router-State-Tree/);
  });
});

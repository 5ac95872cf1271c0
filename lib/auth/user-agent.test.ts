import { describe, expect, it } from 'vitest';
import { describeClient, describeUserAgent } from './user-agent';

const CHROME_LINUX =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';

describe('describeUserAgent', () => {
  it('names the browser and the system', () => {
    expect(describeUserAgent(CHROME_LINUX)).toBe('Chrome on Linux');
    expect(describeUserAgent(SAFARI_IPHONE)).toBe('Safari on iOS');
  });

  it('says "Unknown browser" for a missing or unrecognised string, never nothing', () => {
    expect(describeUserAgent(null)).toBe('Unknown browser');
    expect(describeUserAgent('')).toBe('Unknown browser');
    expect(describeUserAgent('curl/8.4.0')).toBe('Unknown browser');
  });
});

describe('describeClient', () => {
  it('names a browser the way the session list does', () => {
    expect(describeClient(CHROME_LINUX)).toBe('Chrome on Linux');
    expect(describeClient(SAFARI_IPHONE)).toBe('Safari on iOS');
  });

  it('names a program by the first word of its string, cut short', () => {
    expect(describeClient('curl/8.4.0')).toBe('curl/8.4.0');
    expect(describeClient('leaked-config-scanner/0.1')).toBe('leaked-config-scanner/0.1');
    expect(describeClient(`${'x'.repeat(60)}/1`)).toBe(`${'x'.repeat(39)}…`);
    expect(describeClient('   ')).toBe('Unknown browser');
  });
});

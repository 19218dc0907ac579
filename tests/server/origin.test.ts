import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseOrigin, normaliseRedirectUri } from '../../server/registry/origin';

describe('origins', () => {
  it.each([
    ['https://app.example.com', 'https://app.example.com'],
    ['HTTPS://App.Example.COM', 'https://app.example.com'],
    ['https://app.example.com:443', 'https://app.example.com'],
    ['http://localhost:80/', 'http://localhost'],
    ['http://127.0.0.1:5174', 'http://127.0.0.1:5174'],
    ['https://bücher.example', 'https://xn--bcher-kva.example'],
    ['  https://padded.example  ', 'https://padded.example'],
    ['http://[::1]:8080', 'http://[::1]:8080'],
  ])('normalises %s to %s', (input, expected) => {
    expect(normaliseOrigin(input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['ftp://x', /http or https/],
    ['http://a.com/path', /no path/],
    ['http://a.com?x=1', /no path, query/],
    ['http://a.com#frag', /no path, query or fragment/],
    ['*', /not a URL/],
    ['https://*.example.com', /not a URL|wildcards/],
    ['https://user:pw@a.com', /credentials/],
    ['javascript:alert(1)', /http or https/],
    ['null', /not a URL/],
    ['', /not a URL/],
    ['https://a.com\n.evil.com', /not a URL/],
    [`https://${'a'.repeat(3000)}.com`, /not a URL/],
  ])('rejects %s', (input, reason) => {
    const result = normaliseOrigin(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('is idempotent and only ever yields scheme://host[:port]', () => {
    fc.assert(
      fc.property(fc.oneof(fc.webUrl(), fc.string()), (input) => {
        const once = normaliseOrigin(input);
        if (!once.ok) return;
        expect(once.value).toMatch(/^https?:\/\/[^/?#\s]+$/);
        expect(normaliseOrigin(once.value)).toEqual(once);
      }),
    );
  });
});

describe('redirect URIs', () => {
  it('keeps the path and query, normalises the origin part', () => {
    expect(normaliseRedirectUri('HTTPS://App.Example.com:443/cb?x=1')).toEqual({ ok: true, value: 'https://app.example.com/cb?x=1' });
  });
  it.each(['https://a.com/cb#frag', 'ftp://a.com/cb', 'https://u:p@a.com/cb', 'not a url'])('rejects %s', (input) => {
    expect(normaliseRedirectUri(input).ok).toBe(false);
  });
});

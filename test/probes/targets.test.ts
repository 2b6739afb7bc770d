import { describe, expect, it } from 'vitest';
import { httpUrl, icmpHost, tcpAddress } from '../../src/probes/targets.js';

describe('icmpHost', () => {
  it.each([
    ['1.1.1.1', '1.1.1.1'],
    ['  one.one.one.one ', 'one.one.one.one'],
    ['1.1.1.1:53', '1.1.1.1'],
    ['example.com:443', 'example.com'],
    ['[2001:db8::1]', '2001:db8::1'],
    ['[2001:db8::1]:443', '2001:db8::1'],
    ['2001:db8::1', '2001:db8::1'],
  ])('takes %j as host %j', (target, host) => {
    expect(icmpHost(target)).toEqual({ ok: true, value: host });
  });

  it.each(['', '   ', '[2001:db8::1', 'exa mple.com', 'http://x/y', '[zz::q]'])('refuses %j', (target) => {
    expect(icmpHost(target).ok).toBe(false);
  });
});

describe('tcpAddress', () => {
  it.each([
    ['example.com:443', { host: 'example.com', port: 443 }],
    ['example.com', { host: 'example.com', port: 80 }],
    ['10.0.0.1:22', { host: '10.0.0.1', port: 22 }],
    ['[2001:db8::1]:443', { host: '2001:db8::1', port: 443 }],
    ['[2001:db8::1]', { host: '2001:db8::1', port: 80 }],
    ['2001:db8::1', { host: '2001:db8::1', port: 80 }],
  ])('takes %j as %j', (target, value) => {
    expect(tcpAddress(target)).toEqual({ ok: true, value });
  });

  it.each(['example.com:0', 'example.com:65536', 'example.com:http', ':80', '[2001:db8::1]443', ''])('refuses %j', (target) => {
    expect(tcpAddress(target).ok).toBe(false);
  });
});

describe('httpUrl', () => {
  it.each([
    ['example.com', 'http://example.com/'],
    ['example.com:8080/health', 'http://example.com:8080/health'],
    ['https://example.com/x?y=1', 'https://example.com/x?y=1'],
    ['HTTP://Example.com', 'http://example.com/'],
    ['[2001:db8::1]:8080/', 'http://[2001:db8::1]:8080/'],
  ])('takes %j as %j', (target, url) => {
    expect(httpUrl(target)).toEqual({ ok: true, value: url });
  });

  it.each(['', 'ftp://example.com/', 'http://', 'http://exa mple.com'])('refuses %j', (target) => {
    expect(httpUrl(target).ok).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { classifyTransport } from '../../src/routeros/classify.js';

describe('transport messages that point the right way', () => {
  it('https to a plain-HTTP port says the port does not speak TLS, not "trust the certificate"', () => {
    const err = Object.assign(new Error('write EPROTO 80D8:error:0A00010B:SSL routines:ssl3_get_record:wrong version number'), { code: 'EPROTO' });
    const c = classifyTransport(err);
    expect(c.reason).toMatch(/does not speak TLS/);
    expect(c.reason).not.toMatch(/tls\.ca/);
    expect(classifyTransport(Object.assign(new Error('x'), { code: 'ERR_SSL_WRONG_VERSION_NUMBER' })).reason).toMatch(/does not speak TLS/);
  });

  it('http to a TLS port hints at https://', () => {
    expect(classifyTransport(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' })).reason).toMatch(/use https:\/\//);
  });
});

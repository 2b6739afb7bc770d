import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/errors.js';
import { classifyReply, classifyTransport } from '../../src/routeros/classify.js';
import { fixtureText } from './fixture.js';

const JSON_CT = 'application/json';
const body = (status: number, message: string, detail?: string) =>
  JSON.stringify(detail === undefined ? { error: status, message } : { detail, error: status, message });

describe('classifyReply', () => {
  const table: [string, number, string | undefined, string, ErrorCode][] = [
    ['401', 401, JSON_CT, body(401, 'Unauthorized'), 'ROUTER_AUTH'],
    ['401 without body', 401, undefined, '', 'ROUTER_AUTH'],
    ['500 not allowed (9)', 500, JSON_CT, body(500, 'Internal Server Error', 'std failure: not allowed (9)'), 'ROUTER_POLICY'],
    ['500 not enough permissions (9)', 500, JSON_CT, body(500, 'Internal Server Error', 'not enough permissions (9)'), 'ROUTER_POLICY'],
    ['403 not enough permissions (9)', 403, JSON_CT, body(403, 'Forbidden', 'not enough permissions (9)'), 'ROUTER_POLICY'],
    ['404', 404, JSON_CT, fixtureText('error_404_delete_twice__mikrotik-docs.json'), 'ROUTER_UNSUPPORTED'],
    ['400 no such command or directory', 400, JSON_CT, fixtureText('error_400_no_such_command__manual-mikrotik-com.json'), 'ROUTER_UNSUPPORTED'],
    ['406 no such command (old docs)', 406, JSON_CT, fixtureText('error_406_remove_interface__mikrotik-docs-old.json'), 'ROUTER_UNSUPPORTED'],
    ['400 no such command prefix', 400, JSON_CT, body(400, 'Bad Request', 'no such command prefix'), 'ROUTER_UNSUPPORTED'],
    ['400 Session closed', 400, JSON_CT, fixtureText('error_400_session_closed_ping_without_count__mikrotik-docs.json'), 'ROUTER_TRANSIENT'],
    ['400 configured elsewhere', 400, JSON_CT, fixtureText('error_400_configured_elsewhere__7.19__terraform-issue-769.json'), 'ROUTER_BAD_REQUEST'],
    ['400 unknown parameter', 400, JSON_CT, body(400, 'Bad Request', 'unknown parameter count-only'), 'ROUTER_BAD_REQUEST'],
    ['403 HTML page', 403, 'text/html', '<html><body>Forbidden</body></html>', 'ROUTER_TRANSIENT'],
    ['403 HTML without content-type', 403, undefined, '  <!DOCTYPE html><html></html>', 'ROUTER_TRANSIENT'],
    ['403 JSON without policy detail', 403, JSON_CT, body(403, 'Forbidden'), 'ROUTER_AUTH'],
    ['415', 415, JSON_CT, body(415, 'Unsupported Media Type'), 'ROUTER_BAD_REQUEST'],
    ['500 other', 500, JSON_CT, body(500, 'Internal Server Error', 'std failure: timeout (13)'), 'ROUTER_TRANSIENT'],
    ['502 HTML from a proxy', 502, 'text/html', '<html>Bad Gateway</html>', 'ROUTER_TRANSIENT'],
    ['503 empty', 503, undefined, '', 'ROUTER_TRANSIENT'],
  ];
  it.each(table)('%s → %s', (_name, status, contentType, text, code) => {
    expect(classifyReply({ status, contentType, body: text }).code).toBe(code);
  });

  it('carries the RouterOS detail, and the message when there is no detail', () => {
    expect(classifyReply({ status: 400, contentType: JSON_CT, body: body(400, 'Bad Request', 'Session closed') }).detail).toBe(
      'Session closed',
    );
    expect(classifyReply({ status: 404, contentType: JSON_CT, body: body(404, 'Not Found') }).detail).toBe('Not Found');
  });

  it('says that REST may be disabled for the protocol on an HTML 403', () => {
    const c = classifyReply({ status: 403, contentType: 'text/html', body: '<html></html>' });
    expect(c.reason).toMatch(/REST may be disabled/);
    expect(c.reason).toMatch(/rest-plain/);
    expect(c.reason).toMatch(/rest-secure/);
  });
});

describe('classifyTransport', () => {
  const err = (code: string) => Object.assign(new Error('x'), { code });
  it.each([
    ['ECONNREFUSED', 'ROUTER_TRANSIENT'],
    ['ECONNRESET', 'ROUTER_TRANSIENT'],
    ['UND_ERR_SOCKET', 'ROUTER_TRANSIENT'],
    ['ENOTFOUND', 'ROUTER_TRANSIENT'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'ROUTER_TLS'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'ROUTER_TLS'],
    ['CERT_HAS_EXPIRED', 'ROUTER_TLS'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'ROUTER_TLS'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'ROUTER_TLS'],
    ['UND_ERR_RES_EXCEEDED_MAX_SIZE', 'ROUTER_MALFORMED'],
  ] as const)('%s → %s', (code, expected) => {
    expect(classifyTransport(err(code)).code).toBe(expected);
  });

  it('reads the code of the first inner error of an AggregateError', () => {
    expect(classifyTransport(new AggregateError([err('ECONNREFUSED')])).reason).toMatch(/refused/);
  });

  it('tells how to fix a host-name mismatch', () => {
    const c = classifyTransport(err('ERR_TLS_CERT_ALTNAME_INVALID'));
    expect(c.reason).toMatch(/fingerprint/);
    expect(c.reason).toMatch(/reissue/);
  });

  it('treats an error without a code as transient', () => {
    expect(classifyTransport(new Error('weird')).code).toBe('ROUTER_TRANSIENT');
  });
});

import { status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { verdictOf } from '../../../src/integrations/nezha/secret-probe.js';

const err = (code: number, details: string) => Object.assign(new Error(details), { code, details, metadata: undefined }) as unknown as ServiceError;

describe('verdictOf (how the half-closed IOStream ended)', () => {
  it('reads the secret as accepted when the stream ended after the auth check', () => {
    expect(verdictOf(undefined, 's')).toEqual({ kind: 'accepted' });
    expect(verdictOf(err(status.UNKNOWN, 'EOF'), 's')).toEqual({ kind: 'accepted' });
  });

  it('tells a refused secret, a WAF block and a node of another user apart', () => {
    expect(verdictOf(err(status.UNAUTHENTICATED, '客户端认证失败'), 's').kind).toBe('refused');
    expect(verdictOf(err(status.UNKNOWN, 'you were blocked by nezha WAF'), 's').kind).toBe('refused');
    expect(verdictOf(err(status.UNAUTHENTICATED, 'client UUID does not belong to the agent secret owner'), 's')).toEqual({ kind: 'node-refused' });
  });

  it('cannot tell on a build without IOStream or without a gRPC answer, and masks an echoed secret', () => {
    expect(verdictOf(err(status.UNIMPLEMENTED, 'IOStream has been removed'), 's').kind).toBe('unknown');
    const v = verdictOf(err(status.UNAVAILABLE, 'bad secret-XYZ\nmore'), 'secret-XYZ');
    expect(v).toEqual({ kind: 'unreachable', detail: 'UNAVAILABLE: bad ***' });
  });
});

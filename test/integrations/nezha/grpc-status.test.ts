import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { describeGrpcError, GRPC_STATUS } from '../../../src/integrations/nezha/grpc-errors.js';

describe('gRPC status codes kept without the gRPC package', () => {
  it('are the codes and names of @grpc/grpc-js, every one of them', () => {
    const theirs = Object.fromEntries(Object.entries(status).filter(([name]) => Number.isNaN(Number(name))));
    expect(GRPC_STATUS).toEqual(theirs);
  });

  it('name each code in an error description, and leave an unknown code out', () => {
    for (const [name, code] of Object.entries(GRPC_STATUS)) expect(describeGrpcError({ code, details: 'x' }, 's')).toBe(`${name}: x`);
    expect(describeGrpcError({ code: 99, details: 'x' }, 's')).toBe('x');
  });
});

import { describe, expect, test } from 'vitest';
import { configJsonSchema } from '../../src/config/schema.js';
import { knownKeys, schemaAt, typedScalarKinds } from '../../src/config/schema-walk.js';

const schema = configJsonSchema();

describe('schema-walk over the configuration JSON Schema', () => {
  test('finds the keys allowed at each level, through lists', () => {
    expect(knownKeys(schemaAt(schema, ['routers', 7, 'ping']))).toEqual(['via', 'count']);
    expect(knownKeys(schemaAt(schema, ['defaults', 'intervals']))).toEqual(['report', 'basicInfo', 'connections', 'pingTasks']);
    expect(knownKeys(schemaAt(schema, ['routers', 0, 'nope']))).toEqual([]);
  });

  test('reports number/boolean kinds only for fields that take no text', () => {
    expect(typedScalarKinds(schemaAt(schema, ['concurrency']))).toEqual(['number']);
    expect(typedScalarKinds(schemaAt(schema, ['routers', 0, 'tls', 'verify']))).toEqual(['boolean']);
    expect(typedScalarKinds(schemaAt(schema, ['defaults', 'traffic', 'resetDay']))).toEqual(['number']);
    // A duration takes a number or text, so a ${VAR} there stays text (and is parsed as a duration).
    expect(typedScalarKinds(schemaAt(schema, ['routers', 0, 'timeout']))).toEqual([]);
    expect(typedScalarKinds(schemaAt(schema, ['routers', 0, 'password']))).toEqual([]);
    expect(typedScalarKinds(schemaAt(schema, ['routers', 0, 'traffic', 'interfaces', 0]))).toEqual([]);
  });
});

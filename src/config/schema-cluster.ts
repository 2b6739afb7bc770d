/**
 * The `cluster:` block: several replicas share one fleet on PostgreSQL. Absent: one
 * process, state in files. Pure.
 */
import { z } from 'zod';
import { duration, S } from './schema-parts.js';

export const clusterSchema = z
  .strictObject({
    postgres: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection string (put the password in an environment variable)')
      .describe('connection string of the shared database; write its password as an environment variable reference'),
    memberId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1–64 of A-Z a-z 0-9 . _ -').optional().describe('default: $HOSTNAME (the pod name), else host-pid'),
    heartbeat: duration(200, 10 * S).prefault('1s').describe('how often this replica heartbeats and checks its database session (at most 2 s apart)'),
    deadAfter: duration(1 * S, 60 * S).prefault('5s').describe('a replica whose heartbeat is older is dead; its routers move'),
  })
  .refine((c) => c.heartbeat <= 2 * S && c.heartbeat * 2 < c.deadAfter, 'heartbeat must be at most 2s and less than half of deadAfter')
  .optional()
  .describe('cluster mode: replicas on one PostgreSQL share the routers; off when absent');

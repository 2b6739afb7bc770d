/** The PostgreSQL client, loaded when a cluster is configured (never for a single-process bridge). */
import type Pg from 'pg';
import { lazyModule } from '../lazy-module.js';

export const pgLib = lazyModule<typeof Pg>('pg');

/**
 * The cluster's tables and the statements on them. Every state write is conditional on the
 * bucket's epoch and owner, with the bucket row share-locked, so it either lands before a
 * takeover bumps the epoch or is refused after it.
 */
import { BUCKETS } from './buckets.js';

/** The advisory lock namespace (first key) of the bucket locks: "tikp". */
export const LOCK_NAMESPACE = 0x74696b70;

export const MIGRATIONS = [
  `CREATE TABLE IF NOT EXISTS tikprobe_members (
     id text PRIMARY KEY,
     pid integer NOT NULL,
     started_at timestamptz NOT NULL DEFAULT now(),
     heartbeat_at timestamptz NOT NULL DEFAULT now())`,
  `CREATE TABLE IF NOT EXISTS tikprobe_buckets (
     bucket integer PRIMARY KEY CHECK (bucket >= 0 AND bucket < ${BUCKETS}),
     owner text,
     epoch bigint NOT NULL DEFAULT 0,
     taken_at timestamptz)`,
  // When the owner last acted on the bucket (released it, or last beat before it was found
  // dead); null while it holds it. Added to databases created before it: checked first, because
  // ALTER TABLE takes an exclusive lock on the table even when the column exists.
  `DO $$ BEGIN
     IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'tikprobe_buckets'::regclass AND attname = 'released_at' AND NOT attisdropped) THEN
       ALTER TABLE tikprobe_buckets ADD COLUMN IF NOT EXISTS released_at timestamptz;
     END IF;
   END $$`,
  `INSERT INTO tikprobe_buckets (bucket) SELECT generate_series(0, ${BUCKETS - 1}) ON CONFLICT DO NOTHING`,
  `CREATE TABLE IF NOT EXISTS tikprobe_router_state (
     router text PRIMARY KEY,
     bucket integer NOT NULL,
     state jsonb NOT NULL,
     epoch bigint NOT NULL,
     updated_at timestamptz NOT NULL DEFAULT now())`,
];

/** Serialises migrations of replicas starting together. */
export const MIGRATION_LOCK = `SELECT pg_advisory_xact_lock(${LOCK_NAMESPACE}, -1)`;

/**
 * A new session of this member holds no bucket yet: buckets a previous session of the same id
 * still holds in the table (it died unreleased) are stamped with that session's last heartbeat
 * before the row is refreshed, or they would look acted on now to whoever takes them.
 */
export const JOIN = `WITH before AS (SELECT heartbeat_at FROM tikprobe_members WHERE id = $1),
  stamped AS (UPDATE tikprobe_buckets b SET released_at = (SELECT heartbeat_at FROM before)
    FROM (SELECT bucket FROM tikprobe_buckets WHERE owner = $1 AND released_at IS NULL AND EXISTS (SELECT 1 FROM before)
      ORDER BY bucket FOR UPDATE) h
    WHERE b.bucket = h.bucket)
  INSERT INTO tikprobe_members (id, pid) VALUES ($1, pg_backend_pid())
  ON CONFLICT (id) DO UPDATE SET pid = pg_backend_pid(), started_at = now(), heartbeat_at = now()`;

/** Zero rows: this member was declared dead and removed. */
export const HEARTBEAT = `UPDATE tikprobe_members SET heartbeat_at = now() WHERE id = $1 AND pid = pg_backend_pid()`;

export const MEMBERS = `SELECT id, pid, heartbeat_at > now() - make_interval(secs => $1::double precision / 1000) AS live
  FROM tikprobe_members ORDER BY id`;

/**
 * Ends the session (and so the advisory locks) of a member declared dead, then forgets it. The
 * buckets it still held are stamped released at its last heartbeat, its last sign of life (not
 * now: members found dead at a cold start died long ago).
 */
export const EVICT = `WITH gone AS (DELETE FROM tikprobe_members WHERE id = $1 AND pid = $2
    AND heartbeat_at <= now() - make_interval(secs => $3::double precision / 1000) RETURNING id, pid, heartbeat_at),
  stamped AS (UPDATE tikprobe_buckets b SET released_at = g.heartbeat_at
    FROM gone g, (SELECT bucket FROM tikprobe_buckets WHERE owner = $1 AND released_at IS NULL AND EXISTS (SELECT 1 FROM gone)
      ORDER BY bucket FOR UPDATE) h
    WHERE b.bucket = h.bucket AND b.owner = g.id)
  SELECT pg_terminate_backend(a.pid) FROM pg_stat_activity a JOIN gone g ON a.pid = g.pid
  WHERE a.application_name = $4`;

export const TRY_LOCKS = `SELECT b AS bucket FROM unnest($1::int[]) AS b WHERE pg_try_advisory_lock(${LOCK_NAMESPACE}, b)`;

/**
 * Bumps the epochs and marks the buckets held. `previous` is the owner before (null: the bucket
 * never had one); `taken_over`: another member acted on it within the last $3 ms, so its routers
 * were reported a moment ago. Its last act is when it released the bucket (or was found dead:
 * EVICT, JOIN), else, while it holds it, its last heartbeat. A bucket whose owner left with no
 * stamp (a release by a version before released_at) has no known last act: not taken over.
 * Rows are locked in bucket order, as by every statement here that locks several.
 */
export const TAKE = `UPDATE tikprobe_buckets b SET epoch = b.epoch + 1, owner = $2, taken_at = now(), released_at = NULL
  FROM (SELECT k.bucket, k.owner, coalesce(k.released_at, m.heartbeat_at) AS last_act
    FROM tikprobe_buckets k LEFT JOIN tikprobe_members m ON m.id = k.owner
    WHERE k.bucket = ANY($1::int[]) ORDER BY k.bucket FOR UPDATE OF k) p
  WHERE b.bucket = p.bucket RETURNING b.bucket, b.epoch, p.owner AS previous,
    coalesce(p.owner <> $2 AND p.last_act > now() - make_interval(secs => $3::double precision / 1000), false) AS taken_over`;

/** A planned release, before the unlock: these buckets were last acted on now. */
export const RELEASE = `UPDATE tikprobe_buckets b SET released_at = now()
  FROM (SELECT bucket FROM tikprobe_buckets WHERE bucket = ANY($1::int[]) AND owner = $2 ORDER BY bucket FOR UPDATE) h
  WHERE b.bucket = h.bucket`;

export const UNLOCK = `SELECT pg_advisory_unlock(${LOCK_NAMESPACE}, b) FROM unnest($1::int[]) AS b`;

/** Zero rows: the bucket was taken over (epoch or owner changed); the write is refused. */
export const SAVE_STATE = `INSERT INTO tikprobe_router_state (router, bucket, state, epoch)
  SELECT $1, b.bucket, $3::jsonb, b.epoch FROM tikprobe_buckets b
  WHERE b.bucket = $2 AND b.epoch = $4 AND b.owner = $5 FOR SHARE
  ON CONFLICT (router) DO UPDATE SET state = EXCLUDED.state, bucket = EXCLUDED.bucket, epoch = EXCLUDED.epoch, updated_at = now()`;

export const LOAD_STATE = `SELECT state FROM tikprobe_router_state WHERE router = $1`;

/** For `state import`: never replaces a router the cluster already has. */
export const IMPORT_STATE = `INSERT INTO tikprobe_router_state (router, bucket, state, epoch) VALUES ($1, $2, $3::jsonb, 0)
  ON CONFLICT (router) DO NOTHING`;

/**
 * Sorting gRPC failures from a Nezha dashboard. Pure.
 *
 * An auth failure is `UNAUTHENTICATED` (wrong secret, a UUID owned by another user) or the
 * WAF's "you were blocked by nezha WAF" (sent with whatever status the dashboard version
 * uses). Everything else — unreachable, reset, deadline, a stream the dashboard ended — is
 * transient and retried with backoff.
 */
/** The gRPC status codes (grpc/grpc `doc/statuscodes.md`), by name: kept here so this pure module needs no gRPC package. */
export const GRPC_STATUS = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

const STATUS_NAMES: readonly string[] = Object.keys(GRPC_STATUS);

interface GrpcLikeError {
  code?: unknown;
  details?: unknown;
  message?: unknown;
}

function grpcCode(err: unknown): number | undefined {
  const code = (err as GrpcLikeError | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

export function isAuthFailure(err: unknown): boolean {
  if (grpcCode(err) === GRPC_STATUS.UNAUTHENTICATED) return true;
  return /blocked by nezha WAF/i.test(grpcText(err));
}

/**
 * The dashboard accepted the agent secret but refuses this node: its UUID belongs to a server
 * of another user (nezhahq/nezha `service/rpc/auth.go`: "client UUID does not belong to the
 * agent secret owner", sent as UNAUTHENTICATED; some builds use PERMISSION_DENIED). It
 * concerns this router alone; it is not a refused secret and the IP is not banned for it.
 */
export function isNodeRefusal(err: unknown): boolean {
  const code = grpcCode(err);
  if (code !== GRPC_STATUS.UNAUTHENTICATED && code !== GRPC_STATUS.PERMISSION_DENIED) return false;
  return /UUID does not belong to the agent secret owner/i.test(grpcText(err));
}

export function isUnimplemented(err: unknown): boolean {
  return grpcCode(err) === GRPC_STATUS.UNIMPLEMENTED;
}

/** The server's own text (`details`), else the message; never includes metadata. */
function grpcText(err: unknown): string {
  const e = err as GrpcLikeError | null;
  if (typeof e?.details === 'string' && e.details !== '') return e.details;
  if (typeof e?.message === 'string') return e.message;
  return String(err);
}

/** `UNAVAILABLE: connect ECONNREFUSED …`, with the secret masked should the server ever echo it. */
export function describeGrpcError(err: unknown, secret: string): string {
  const code = grpcCode(err);
  const name = code === undefined ? undefined : STATUS_NAMES[code];
  const text = grpcText(err);
  const masked = secret === '' ? text : text.split(secret).join('***');
  return name === undefined ? masked : `${name}: ${masked}`;
}


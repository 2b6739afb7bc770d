/**
 * The Nezha v0 read API on tikprobe's status server, so scripts and apps written for the
 * v0 dashboard read the fleet: `GET /api/v1/server/list?tag=`, `GET /api/v1/server/details
 * ?id=&tag=` and `GET /api/v1/monitor/{id}`, in the v0 `{code, message, result}` envelope.
 *
 * Auth as in v0: `Authorization: <token>` (the raw token; `Bearer <token>` is accepted too).
 * A missing or wrong token on list/details answers HTTP 200 with code 403, as v0 does; on
 * monitor it answers HTTP 403. Without a configured token the API is open (like the rest of
 * the status server). The handler returns false for any path it does not serve.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouterView } from '../../router-view.js';
import type { PingHistory } from './history.js';
import { routerIds, toV0Details, toV0Monitors, toV0ServerInfo, type V0Router } from './v0-payload.js';

export interface NezhaV0ApiDeps {
  /** `status.token`; undefined: no auth. */
  token: string | undefined;
  view: () => RouterView[];
  /** Each router's `tag:` from the config. */
  tagOf: (router: string) => string | undefined;
  history: PingHistory | undefined;
  /** tikprobe's version, shown as the host's agent version. */
  version: string;
  /** Epoch ms. */
  now: () => number;
}

export type NezhaV0Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean;

const NEED_AUTH = '访问此接口需要认证';

export function createNezhaV0Api(deps: NezhaV0ApiDeps): NezhaV0Handler {
  const matches = tokenCheck(deps.token);
  const authorised = (req: IncomingMessage) => matches(req.headers.authorization);

  const fleet = (): { routers: V0Router[]; ids: Map<string, number> } => {
    const views = deps.view();
    const ids = routerIds(views.map((v) => v.name));
    return { routers: views.map((view) => ({ view, tag: deps.tagOf(view.name) })), ids };
  };

  return (req, res, url) => {
    const path = url.pathname;
    const isList = path === '/api/v1/server/list';
    const isDetails = path === '/api/v1/server/details';
    const monitorMatch = /^\/api\/v1\/monitor\/([^/]*)$/.exec(path);
    if (!isList && !isDetails && !monitorMatch) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, { code: 405, message: 'method not allowed' });
      return true;
    }

    if (monitorMatch) {
      if (!authorised(req)) return sendTrue(res, 403, { code: 403, message: '需要认证' });
      const raw = monitorMatch[1] ?? '';
      if (!/^\d{1,15}$/.test(raw)) return sendTrue(res, 400, { code: 400, message: 'id参数错误' });
      const id = Number(raw);
      const { routers, ids } = fleet();
      const router = routers.find((r) => ids.get(r.view.name) === id);
      if (!router) return sendTrue(res, 404, { code: 404, message: 'id不存在' });
      const series = deps.history?.query(router.view.name, deps.now()) ?? [];
      return sendTrue(res, 200, { code: 0, message: 'success', result: toV0Monitors(series, id, router.view.name) });
    }

    if (!authorised(req)) return sendTrue(res, 200, { code: 403, message: NEED_AUTH });
    const { routers, ids } = fleet();
    const idOf = (r: V0Router) => ids.get(r.view.name) ?? 0;
    const tag = url.searchParams.get('tag') ?? '';
    let selected = routers;
    if (tag !== '') {
      // As in v0: `tag` wins over `id` when both are given.
      selected = routers.filter((r) => (r.tag ?? '') === tag);
    } else if (isDetails && (url.searchParams.get('id') ?? '') !== '') {
      const wanted = new Set(
        (url.searchParams.get('id') ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter((s) => /^\d{1,15}$/.test(s))
          .map(Number),
      );
      selected = routers.filter((r) => wanted.has(idOf(r)));
    }
    const result = isList ? selected.map((r) => toV0ServerInfo(r, idOf(r))) : selected.map((r) => toV0Details(r, idOf(r), deps.version));
    return sendTrue(res, 200, { code: 0, message: 'success', result });
  };
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * The v0 `Authorization` check (the raw token, or `Bearer <token>`). Both sides are hashed to
 * 32 bytes first and compared in constant time, so neither the content nor the length of the
 * token leaks through timing; a missing header is hashed too. No token: every request passes.
 */
export function tokenCheck(token: string | undefined): (authorization: string | undefined) => boolean {
  if (token === undefined) return () => true;
  const expected = digest(token);
  return (header) => {
    const given = header === undefined ? '' : header.startsWith('Bearer ') ? header.slice(7) : header;
    return timingSafeEqual(digest(given), expected) && header !== undefined;
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

function sendTrue(res: ServerResponse, status: number, body: unknown): true {
  send(res, status, body);
  return true;
}

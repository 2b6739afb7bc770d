/**
 * The fleet's Komari client as one router's sink sees it: every data request reports its
 * outcome (HTTP status, or 'error' without an answer) to the observer, for the status server's
 * "Komari acceptance" and sink metrics. The shared client and its connections are untouched.
 */
import { KomariError } from '../../errors.js';
import type { KomariClient } from './client.js';
import type { Telemetry } from '../../telemetry.js';

export function observedKomariClient(client: KomariClient, router: string, observer: Telemetry): KomariClient {
  const watch = async <T>(endpoint: string, call: Promise<T>): Promise<T> => {
    try {
      const result = await call;
      observer.sinkResult(router, 'komari', endpoint, 200);
      return result;
    } catch (err) {
      observer.sinkResult(router, 'komari', endpoint, err instanceof KomariError && err.status !== undefined ? err.status : 'error');
      throw err;
    }
  };
  return {
    ...client,
    uploadBasicInfo: (token, body, signal) => watch('uploadBasicInfo', client.uploadBasicInfo(token, body, signal)),
    report: (token, body, signal) => watch('report', client.report(token, body, signal)),
    postPingResult: (token, result, signal) => watch('ping/result', client.postPingResult(token, result, signal)),
    // The fleet owns the client: a router unit must never close it.
    close: async () => undefined,
  };
}

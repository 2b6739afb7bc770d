/**
 * One HTTP request whose reply is read whole as text, on undici's `dispatch` with a handler of
 * our own: the reply's chunks are gathered straight from the connection, with none of the
 * per-request machinery of `request()` (its handler, a Readable body stream, the stream's
 * ticks and its consumer). Both the RouterOS client and the Komari transport read every reply
 * whole, and each router costs several every cycle: this is the hot path of a large fleet
 * (bench/README.md, "Replies read without a stream").
 *
 * The same reply as `request()` then `body.text()`: the final head's status and headers, the
 * body decoded as UTF-8 with a leading byte-order mark dropped, and an error of the connection
 * or of the dispatcher (a reply over `maxResponseSize`, a reset, a timeout of the dispatcher's)
 * rejects with undici's own error object.
 */
import type { Dispatcher } from 'undici';
import { abortReason, type CancelSignal } from '../time/cancel.js';

export interface TextRequest {
  /** Path and query, the dispatcher's origin before it. */
  path: string;
  method: 'GET' | 'POST';
  headers: Readonly<Record<string, string>>;
  /** A string is encoded by undici; a Buffer is sent as it is. */
  body?: string | Buffer;
  /** Ends the request: before it is sent, or while its reply arrives. */
  cancel: CancelSignal;
}

export interface TextReply {
  status: number;
  /** The reply's headers as undici parses them (names lower-case). */
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Body bytes as received. */
  bytes: number;
}

/** Sends `request` on `dispatcher`; resolves with the whole reply, rejects with the transport's error or the cancel's reason. */
export function exchangeText(dispatcher: Dispatcher, request: TextRequest): Promise<TextReply> {
  return new Promise<TextReply>((resolve, reject) => {
    const handler = new TextHandler(request.cancel, resolve, reject);
    // undici reads the options it knows (path, method, headers, body) and ignores `cancel`.
    dispatcher.dispatch(request, handler);
  });
}

type Controller = Dispatcher.DispatchController;

/** The UTF-8 byte-order mark, dropped at the start of a body as `body.text()` does. */
const BOM = [0xef, 0xbb, 0xbf] as const;

/** Gathers one reply; every callback after the first settlement is ignored. */
class TextHandler implements Dispatcher.DispatchHandler {
  private controller: Controller | undefined;
  private settled = false;
  private status = 0;
  private headers: Record<string, string | string[] | undefined> = {};
  private chunks: Buffer[] = [];
  private bytes = 0;

  constructor(
    private readonly cancel: CancelSignal,
    private readonly resolve: (reply: TextReply) => void,
    private readonly reject: (err: Error) => void,
  ) {
    cancel.addEventListener('abort', () => {
      if (!this.settled) this.controller?.abort(abortReason(cancel));
    });
  }

  onRequestStart(controller: Controller): void {
    this.controller = controller;
    // Cancelled while waiting for the connection: undici ends it now and reports the reason to onResponseError.
    if (this.cancel.aborted) controller.abort(abortReason(this.cancel));
  }

  /** Also called for an informational (1xx) head: the final head that follows replaces it. */
  onResponseStart(_controller: Controller, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    this.status = statusCode;
    this.headers = headers;
  }

  onResponseData(_controller: Controller, chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
  }

  onResponseEnd(): void {
    if (this.settled) return;
    this.settled = true;
    this.resolve({ status: this.status, headers: this.headers, text: decode(this.chunks, this.bytes), bytes: this.bytes });
  }

  onResponseError(_controller: Controller | undefined, error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(error);
  }
}

function decode(chunks: readonly Buffer[], bytes: number): string {
  if (chunks.length === 0) return '';
  const whole = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, bytes);
  const start = whole.length >= 3 && whole[0] === BOM[0] && whole[1] === BOM[1] && whole[2] === BOM[2] ? 3 : 0;
  return whole.toString('utf8', start);
}

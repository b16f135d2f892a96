/**
 * A webhook receiver on 127.0.0.1 for the alert tests: records every request (method, path,
 * headers, body) and answers as told: `ok` (200 "ok", as Slack does), `error` (500), `gone`
 * (410, a revoked Slack URL), `hang` (never answers until closed), or a sequence of these.
 *
 * @module
 */

/** How the receiver answers one request. */
export type ReceiverMode = "ok" | "error" | "gone" | "hang";

/** One request the receiver got. */
export interface ReceivedRequest {
  method: string;
  /** Path and query. */
  path: string;
  headers: Record<string, string>;
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

/** A running receiver. */
export interface WebhookReceiver {
  /** The base URL, `http://127.0.0.1:PORT`. */
  url: string;
  /** Every request so far, in order. */
  requests: ReceivedRequest[];
  /** Answers every later request with `mode` (or each next one from the list, the last repeating). */
  setMode(mode: ReceiverMode | ReceiverMode[]): void;
  /** Stops the receiver, releasing hanging requests. */
  close(): Promise<void>;
}

/** Starts a receiver on a free port of 127.0.0.1. */
export function startWebhookReceiver(mode: ReceiverMode | ReceiverMode[] = "ok"): WebhookReceiver {
  let modes = Array.isArray(mode) ? [...mode] : [mode];
  const requests: ReceivedRequest[] = [];
  const hanging = new AbortController();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    const body = await req.text();
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
    requests.push({
      method: req.method,
      path: url.pathname + url.search,
      headers: Object.fromEntries(req.headers),
      body,
      json,
    });
    const now = modes.length > 1 ? modes.shift()! : modes[0]!;
    if (now === "hang") {
      await new Promise((resolve) => hanging.signal.addEventListener("abort", resolve));
      return new Response("closed", { status: 503 });
    }
    if (now === "error") return new Response("internal error", { status: 500 });
    if (now === "gone") return new Response("channel_is_archived", { status: 410 });
    return new Response("ok", { status: 200, headers: { "content-type": "text/plain" } });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    setMode(next) {
      modes = Array.isArray(next) ? [...next] : [next];
    },
    async close() {
      hanging.abort();
      await server.shutdown();
    },
  };
}

/**
 * What the remote-use tests need: this checkout served over HTTP on 127.0.0.1 the way a raw file
 * host serves it (`.ts` as `application/typescript`), and a private `DENO_DIR` so that Deno's
 * cache of remote modules starts empty in every test.
 *
 * The private `DENO_DIR` is seeded with a copy of the machine's npm package cache (the pinned
 * packages `deno.lock` locks, ~4 MB), and the children run behind a dead proxy for everything but
 * 127.0.0.1: a test that passes made no request outside this machine.
 *
 * @module
 */
import { cp } from "node:fs/promises";
import { join, normalize, sep } from "node:path";

/** The checkout's root directory (with a trailing separator). */
export const CHECKOUT: string = normalize(new URL("../../", import.meta.url).pathname);

/** A running file server over the checkout. */
export interface CheckoutServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Paths requested so far. */
  requests: string[];
  /** Stops the server. */
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  ".ts": "application/typescript; charset=utf-8",
  ".js": "application/javascript; charset=utf-8",
  ".json": "application/json",
  ".md": "text/markdown; charset=utf-8",
};

/** Serves the checkout's files read-only on a free port of 127.0.0.1 (404 outside it). */
export function serveCheckout(): CheckoutServer {
  const requests: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname);
    requests.push(path);
    const file = normalize(join(CHECKOUT, path));
    if (!file.startsWith(CHECKOUT) || file.split(sep).includes("node_modules")) {
      return new Response("not found", { status: 404 });
    }
    try {
      const body = await Deno.readFile(file);
      const ext = /\.[^./]+$/.exec(file)?.[0] ?? "";
      return new Response(body, {
        headers: { "content-type": CONTENT_TYPES[ext] ?? "application/octet-stream" },
      });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    close: () => server.shutdown(),
  };
}

const decoder = new TextDecoder();

/**
 * A fresh `DENO_DIR` under `dir` holding a copy of this machine's npm cache (made complete first
 * by `deno cache main.ts mod.ts` in the checkout, a no-op when it is), and the environment
 * variables that make a child Deno use it and reach nothing but 127.0.0.1.
 */
export async function hermeticDenoEnv(dir: string): Promise<Record<string, string>> {
  const cache = await new Deno.Command(Deno.execPath(), {
    args: ["cache", "--quiet", "main.ts", "mod.ts"],
    cwd: CHECKOUT,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!cache.success) throw new Error(`deno cache failed: ${decoder.decode(cache.stderr)}`);
  const info = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json"],
    stdout: "piped",
    stderr: "null",
  }).output();
  const { npmCache } = JSON.parse(decoder.decode(info.stdout)) as { npmCache: string };
  const denoDir = join(dir, "deno_dir");
  await cp(npmCache, join(denoDir, "npm"), { recursive: true });
  const deadProxy = "http://127.0.0.1:9";
  return {
    DENO_DIR: denoDir,
    DENO_NO_UPDATE_CHECK: "1",
    NO_COLOR: "1",
    HTTP_PROXY: deadProxy,
    HTTPS_PROXY: deadProxy,
    http_proxy: deadProxy,
    https_proxy: deadProxy,
    NO_PROXY: "127.0.0.1,localhost",
    no_proxy: "127.0.0.1,localhost",
  };
}

/**
 * `gestvenv dashboard serve` spawned for a test (the HTTP tests in tests/cli/dashboard_test.ts and
 * the browser tests in tests/browser/): the real CLI in a {@linkcode TestContext}, its JSON line
 * read, stopped with SIGINT as Ctrl-C.
 *
 * @module
 */
import { PERMISSION_FLAGS } from "../../commands/_self.ts";
import type { TestContext } from "./test_context.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** A running `dashboard serve`: its JSON line, its base URL and how to stop it. */
export interface Dashboard extends AsyncDisposable {
  /** The URL it printed, with `?token=`. */
  url: string;
  /** `http://127.0.0.1:PORT` (the page's own origin). */
  base: string;
  /** The same as {@linkcode base}. */
  origin: string;
  port: number;
  token: string;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  /** Sends SIGINT and waits for the exit code. */
  stop(): Promise<number>;
  /** Sends `signal` (and does not wait). */
  kill(signal: Deno.Signal): void;
  /** The exit status once the process has ended. */
  status: Promise<Deno.CommandStatus>;
}

/**
 * Starts `gestvenv dashboard serve --port 0 --format json ARGS` in `ctx` (the real CLI with the
 * release permissions; `env` added to the context's) and reads its JSON line.
 */
export async function serveDashboard(
  ctx: TestContext,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<Dashboard> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      ...PERMISSION_FLAGS,
      MAIN,
      "dashboard",
      "serve",
      "--port",
      "0",
      "--format",
      "json",
      ...args,
    ],
    env: { ...ctx.env, ...env },
    clearEnv: true,
    cwd: ctx.work,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let err = "";
  const errDone = (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) err += chunk;
  })();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!out.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) {
      await errDone;
      throw new Error(`dashboard serve exited before printing its URL:\n${out}\n${err}`);
    }
    out += value;
  }
  const line = JSON.parse(out.slice(0, out.indexOf("\n"))) as {
    url: string;
    host: string;
    port: number;
    token: string;
    read_only: boolean;
  };
  let code: number | undefined;
  const stop = async () => {
    if (code !== undefined) return code;
    try {
      child.kill("SIGINT");
    } catch { /* already gone */ }
    code = (await child.status).code;
    reader.releaseLock();
    await child.stdout.cancel().catch(() => {});
    await errDone;
    return code;
  };
  return {
    url: line.url,
    base: `http://127.0.0.1:${line.port}`,
    origin: `http://127.0.0.1:${line.port}`,
    port: line.port,
    token: line.token,
    stderr: () => err,
    stop,
    kill: (signal) => child.kill(signal),
    status: child.status,
    [Symbol.asyncDispose]: async () => void await stop(),
  };
}

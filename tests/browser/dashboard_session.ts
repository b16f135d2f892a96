/**
 * What the dashboard's browser tests share: `gestvenv dashboard serve --port 0 --format json`
 * spawned in a {@linkcode TestContext} (the real CLI, with the release permissions), headless
 * Chromium from Debian's `chromium` package driven by `puppeteer-core` (no browser download), and
 * screenshots saved to `$GESTVENV_TEST_ARTIFACTS` (default `tests/browser/artifacts/`).
 *
 * @module
 */
import { join } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { PERMISSION_FLAGS } from "../../commands/_self.ts";
import type { TestContext } from "../helpers/test_context.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** The Chromium the tests drive (`GESTVENV_TEST_CHROMIUM`, else Debian's launcher). */
export const CHROMIUM = Deno.env.get("GESTVENV_TEST_CHROMIUM") ?? "/usr/bin/chromium";

/** Whether {@linkcode CHROMIUM} is there (CI installs it; the tests are ignored without it). */
export function hasChromium(): boolean {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
}

/** A running `gestvenv dashboard serve`. */
export interface DashboardServer {
  /** The URL it printed, with `?token=`. */
  url: string;
  /** `http://127.0.0.1:PORT`. */
  origin: string;
  /** The session token. */
  token: string;
  /** Everything it wrote on stderr so far. */
  stderr(): string;
  /** Stops it (SIGINT, as Ctrl-C) and waits for it to exit. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts `gestvenv dashboard serve --port 0 --format json ARGS` in `ctx`. */
export async function serveDashboard(
  ctx: TestContext,
  args: string[] = [],
): Promise<DashboardServer> {
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
    env: ctx.env,
    clearEnv: true,
    cwd: ctx.work,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let err = "";
  const errDone = child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({
      write(chunk) {
        err += chunk;
      },
    }),
  ).catch(() => {});
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  const deadline = Date.now() + 30_000;
  let info: { url: string; port: number; token: string } | undefined;
  while (info === undefined) {
    if (Date.now() > deadline) break;
    const { value, done } = await lines.read();
    if (done) break;
    out += value;
    const line = out.split("\n").find((l) => l.trim().startsWith("{"));
    if (line !== undefined && out.includes("\n")) info = JSON.parse(line);
  }
  // Keep draining stdout so the server never blocks on a full pipe.
  const outDone = (async () => {
    try {
      while (!(await lines.read()).done) { /* drain */ }
    } catch { /* closed */ }
  })();
  const stop = async () => {
    try {
      child.kill("SIGINT");
    } catch { /* already gone */ }
    const timer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
    }, 10_000);
    await child.status;
    clearTimeout(timer);
    await Promise.all([errDone, outDone]);
  };
  if (info === undefined) {
    await stop();
    throw new Error(`dashboard serve printed no URL\n--- stdout\n${out}\n--- stderr\n${err}`);
  }
  return {
    url: info.url,
    origin: new URL(info.url).origin,
    token: info.token,
    stderr: () => err,
    [Symbol.asyncDispose]: stop,
  };
}

/** Launches headless {@linkcode CHROMIUM} (`--no-sandbox`: the tests may run as root). */
export async function launchBrowser(): Promise<Browser & AsyncDisposable> {
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    defaultViewport: { width: 1280, height: 900 },
  });
  return Object.assign(browser, {
    async [Symbol.asyncDispose]() {
      await browser.close().catch(() => {});
    },
  });
}

/** Where screenshots go: `$GESTVENV_TEST_ARTIFACTS` or `tests/browser/artifacts/`. */
export function artifactsDir(): string {
  return Deno.env.get("GESTVENV_TEST_ARTIFACTS") ??
    new URL("./artifacts/", import.meta.url).pathname;
}

/** Saves a full-page PNG of `page` as `<artifacts>/<name>.png`; @returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = artifactsDir();
  await Deno.mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path: path as `${string}.png`, fullPage: true });
  return path;
}

/**
 * Goes to hash route `hash` and waits until the page has drawn it and every section has loaded
 * (no "Loading…" left).
 */
export async function openRoute(page: Page, hash: string): Promise<void> {
  const h = JSON.stringify(hash);
  await page.evaluate(`location.hash = ${h}`);
  // Browser-side code is given as text: these tests are type-checked without the DOM library.
  await page.waitForFunction(
    `(location.hash === ${h} || (${h} === "#/environments" && location.hash === "")) &&
      document.body.dataset.ready !== undefined &&
      document.querySelectorAll("main .loading").length === 0`,
    { timeout: 60_000 },
  );
}

/** Evaluates the JavaScript expression `expression` in `page`. */
export function inPage<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate(expression) as Promise<T>;
}

/** The text of every element matching `selector`, trimmed. */
export function texts(page: Page, selector: string): Promise<string[]> {
  return page.$$eval(selector, (els) => els.map((e) => (e.textContent ?? "").trim()));
}

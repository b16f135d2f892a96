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

/** A running `gestvenv dashboard serve` (the HTTP tests' helper). */
export type { Dashboard as DashboardServer } from "../helpers/dashboard_server.ts";
export { serveDashboard } from "../helpers/dashboard_server.ts";

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

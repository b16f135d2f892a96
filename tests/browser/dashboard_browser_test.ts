/**
 * The dashboard in a real browser (issue 13 §4): headless Chromium (Debian's `chromium`, driven
 * by puppeteer-core) against `gestvenv dashboard serve --port 0 --format json`, spawned with a
 * sealed home and the local index. What the CLI created shows on the page; what the page creates
 * and installs is in the CLI's `list` and imports in the environment's Python; requests without
 * the token or from another origin are refused (403) and change nothing on disk; text from
 * distributions and vulnerability records is shown as text, never run as HTML. Every page is
 * saved as a PNG under `$GESTVENV_TEST_ARTIFACTS` (default `tests/browser/artifacts/`).
 *
 * Ignored (with a message) where `/usr/bin/chromium` is missing; `.ci/run` installs it.
 *
 * @module
 */
import type { HTTPRequest, Page } from "puppeteer-core";
import { assert, assertEquals } from "../helpers/assert.ts";
import { buildWheel } from "../helpers/build_wheel.ts";
import { serveOsv } from "../helpers/osv_server.ts";
import { treeDigest } from "../helpers/tree_digest.ts";
import {
  assertOk,
  createTestContext,
  standardWheels,
  type TestContext,
} from "../helpers/test_context.ts";
import {
  artifactsDir,
  CHROMIUM,
  hasChromium,
  inPage,
  launchBrowser,
  openRoute,
  screenshot,
  serveDashboard,
  texts,
} from "./dashboard_session.ts";

const chromium = hasChromium();
if (!chromium) {
  Deno.stderr.writeSync(
    new TextEncoder().encode(
      `dashboard browser tests ignored: no Chromium at ${CHROMIUM} ` +
        "(apt-get install chromium, as .ci/run does, or set GESTVENV_TEST_CHROMIUM)\n",
    ),
  );
}

/** Markup that would run if the page ever parsed a text as HTML. */
const IMG = "<img/src=x/onerror=window.__pwned=1>";
const DESCRIPTION = '<img src=x onerror="window.__pwned=2"><b>bold</b>';

function wheels() {
  return [
    ...standardWheels(),
    // A distribution whose metadata carries markup: an arbitrary-equality (`===`) dependency the
    // resolver cannot satisfy, so the markup reaches the page in the conflict explanation (the
    // page shows no distribution's Summary, so that field is not where markup could come in).
    buildWheel({
      name: "evil-pkg",
      version: "1.0.0",
      dependencies: [`other-pkg ===${IMG}`],
    }),
  ];
}

/** An OSV record whose summary is markup (a vulnerability database is not ours either). */
function osvRecords(): Array<Record<string, unknown>> {
  return [{
    id: "GHSA-html-0001",
    modified: "2024-03-01T00:00:00Z",
    summary: `demo-dep ${IMG} leaks`,
    database_specific: { severity: "MODERATE" },
    affected: [{
      package: { ecosystem: "PyPI", name: "demo-dep" },
      ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }] }],
    }],
  }];
}

async function listed(ctx: TestContext): Promise<Map<string, string[]>> {
  const result = await ctx.run(["list", "--format", "json"]);
  assertOk(result);
  const envs = JSON.parse(result.stdout).data.environments as Array<
    { name: string; packages: Array<{ name: string }> }
  >;
  return new Map(envs.map((e) => [e.name, e.packages.map((p) => p.name)]));
}

/** Waits for the newest job card to end; @returns its state text and whole text. */
async function jobEnd(page: Page): Promise<{ state: string; text: string; ok: boolean }> {
  await page.waitForFunction(
    `(() => { const c = document.querySelector("#jobs .job"); return c !== null &&
      (c.classList.contains("succeeded") || c.classList.contains("failed")); })()`,
    { timeout: 120_000 },
  );
  return await inPage(
    page,
    `(() => { const c = document.querySelector("#jobs .job"); return {
      state: c.querySelector(".state").textContent, text: c.textContent,
      ok: c.classList.contains("succeeded") }; })()`,
  );
}

/** Waits until `expression` (JavaScript, evaluated in the page) is true. */
async function until(page: Page, expression: string): Promise<void> {
  await page.waitForFunction(expression, { timeout: 60_000 });
}

async function dismissJobs(page: Page): Promise<void> {
  await inPage(page, `document.querySelectorAll("#jobs .job").forEach((c) => c.remove())`);
}

async function assertNoMarkupRan(page: Page): Promise<void> {
  assertEquals(await inPage(page, "window.__pwned ?? null"), null, "page ran injected markup");
  assertEquals(
    await inPage(page, `document.querySelectorAll("main img, #jobs img, main b").length`),
    0,
  );
}

Deno.test({
  name: "dashboard in Chromium: CLI environments listed, create and install from the page, " +
    "403 without token or from another origin, hostile text shown as text, screenshots",
  ignore: !chromium,
  sanitizeOps: false,
  sanitizeResources: false,
}, async (t) => {
  await using ctx = await createTestContext(wheels());
  const osv = serveOsv(osvRecords());
  try {
    assertOk(await ctx.run(["config", "set", "audit.osv_url", osv.url]));
    assertOk(await ctx.run(["config", "set", "performance.max_retries", "0"]));
    assertOk(await ctx.run(["create", "alpha", "--packages", "demo-pkg"]));
    assertOk(await ctx.run(["create", "beta", "--description", DESCRIPTION]));
    await using server = await serveDashboard(ctx);
    await using browser = await launchBrowser();
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(String(error)));
    page.on("dialog", (dialog) => void dialog.accept());
    // The token URL sets the cookie and redirects to the same URL without the token.
    const first = await page.goto(server.url, { waitUntil: "load" });
    assert(first !== null);
    assertEquals(new URL(page.url()).searchParams.get("token"), null, "token left in the URL");
    const cookies = await browser.cookies();
    assert(cookies.some((c) => c.httpOnly && c.value === server.token), "no HttpOnly cookie");

    await t.step("(a) the environments the CLI created are on the Environments page", async () => {
      await openRoute(page, "#/environments");
      await page.waitForFunction(`document.querySelectorAll("table.data tbody tr").length >= 2`);
      const rows = await texts(page, "table.data tbody tr td:first-child");
      assertEquals(rows.sort(), ["alpha", "beta"]);
      const alpha = await texts(page, 'tr[data-key="alpha"] td');
      assertEquals(alpha[3], "2", `alpha's packages: ${alpha}`);
      await screenshot(page, "01-environments");
      // Sorting is a real button: keyboard-focusable, and the order and aria-sort follow.
      await page.focus("th button.sort");
      await page.keyboard.press("Enter");
      assertEquals(await texts(page, "table.data tbody tr td:first-child"), ["beta", "alpha"]);
      assertEquals(
        await inPage(page, `document.querySelector("th[aria-sort]").getAttribute("aria-sort")`),
        "descending",
      );
      // The filter box.
      await page.type("#env-filter", "demo");
      assertEquals(await texts(page, "table.data tbody tr td:first-child"), ["alpha"]);
    });

    await t.step("one environment: packages, tree, lock, doctor, audit, operations", async () => {
      await openRoute(page, "#/env/alpha");
      const packages = await texts(page, "#packages tbody tr td:first-child");
      assertEquals(packages.sort(), ["demo-dep", "demo-pkg"]);
      const tree = await texts(page, "#tree ul.tree > li .pkg");
      assert(tree.includes("demo-pkg") && tree.includes("demo-dep"), `tree: ${tree}`);
      const lock = await texts(page, "#lock tbody tr td:first-child");
      assertEquals(lock.sort(), ["demo-dep", "demo-pkg"]);
      const doctor = await texts(page, "#doctor");
      assert(doctor[0]?.includes("No problem in 7 checks"), `doctor: ${doctor}`);
      // The OSV record's summary is markup: shown as text in the audit's table.
      const audit = await texts(page, "#audit tbody tr");
      assert(audit.some((row) => row.includes(IMG)), `audit: ${audit}`);
      const ops = await texts(page, "#operations tbody tr");
      assert(ops.some((row) => row.includes("gestvenv create alpha")), `operations: ${ops}`);
      await assertNoMarkupRan(page);
      await screenshot(page, "02-environment");
      // A narrow window: the cards stack, wide tables scroll inside their card.
      await page.setViewport({ width: 420, height: 900 });
      await screenshot(page, "02b-environment-narrow");
      await page.setViewport({ width: 1280, height: 900 });
    });

    await t.step("leaving a page while it loads: nothing of it reaches the next page", async () => {
      await openRoute(page, "#/environments");
      // alpha's facts are held back until the user is on the System page: alpha's page must
      // not draw its actions (a delete form) or sections into the System page when they come.
      let release = () => {};
      const held = new Promise<void>((resolve) => release = resolve);
      let seen = false;
      const onRequest = (request: HTTPRequest) => {
        if (new URL(request.url()).pathname === "/api/v1/environments/alpha") {
          seen = true;
          void held.then(() => request.continue());
        } else void request.continue();
      };
      await page.setRequestInterception(true);
      page.on("request", onRequest);
      try {
        const answered = page.waitForResponse((r) =>
          new URL(r.url()).pathname === "/api/v1/environments/alpha"
        );
        await page.evaluate(`location.hash = "#/env/alpha"`);
        for (let i = 0; !seen; i++) {
          assert(i < 600, "the page never asked for alpha's facts");
          await new Promise((r) => setTimeout(r, 50));
        }
        await openRoute(page, "#/system");
        release();
        await answered;
        await page.waitForNetworkIdle({ idleTime: 300, timeout: 30_000 });
        assertEquals(await texts(page, "main h1"), ["System"]);
        assertEquals(
          await inPage(
            page,
            `document.querySelectorAll("main .actions, main form, main #packages").length`,
          ),
          0,
          "alpha's page leaked into the System page",
        );
        assertEquals(await inPage(page, "location.hash"), "#/system");
        await screenshot(page, "02c-left-while-loading");
      } finally {
        release();
        page.off("request", onRequest);
        await page.setRequestInterception(false);
      }
    });

    await t.step("(b) an environment created from the page is in `gestvenv list`", async () => {
      await openRoute(page, "#/create");
      await page.waitForFunction(`document.querySelectorAll("#create-python option").length > 1`);
      await page.type("#create-name", "gamma");
      await page.type("#create-packages", "other-pkg");
      await screenshot(page, "03-create");
      await page.click("#create-form button[type=submit]");
      const end = await jobEnd(page);
      assert(end.ok, `create failed: ${end.text}`);
      await page.waitForFunction(`location.hash === "#/env/gamma"`);
      await openRoute(page, "#/env/gamma");
      const envs = await listed(ctx);
      assertEquals(envs.get("gamma"), ["other-pkg"]);
      await screenshot(page, "04-created");
      await dismissJobs(page);
    });

    await t.step("(c) a package installed from the page imports in the environment", async () => {
      await openRoute(page, "#/env/gamma");
      await page.type("#install-packages", "demo-pkg");
      await page.click("#install-form button[type=submit]");
      const end = await jobEnd(page);
      assert(end.ok, `install failed: ${end.text}`);
      assert(end.text.includes("installed demo-pkg 1.1.0"), end.text);
      await openRoute(page, "#/env/gamma");
      assertEquals((await texts(page, "#packages tbody tr td:first-child")).sort(), [
        "demo-dep",
        "demo-pkg",
        "other-pkg",
      ]);
      await screenshot(page, "05-installed");
      const python = `${ctx.envPath("gamma")}/bin/python`;
      const run = await ctx.exec(python, [
        "-c",
        "import demo_pkg, demo_dep; print(demo_pkg.VERSION)",
      ]);
      assertOk(run);
      assertEquals(run.stdout.trim(), "1.1.0");
      await dismissJobs(page);
    });

    await t.step(
      "(e) markup from a distribution's metadata and a description is text",
      async () => {
        await openRoute(page, "#/env/gamma");
        await page.type("#install-packages", "evil-pkg");
        await page.click("#install-form button[type=submit]");
        const end = await jobEnd(page);
        assert(!end.ok, "installing evil-pkg should fail (no other-pkg matches its ===)");
        const output = await texts(page, "#jobs .job pre.output");
        assert(output[0]?.includes(`other-pkg===${IMG}`), `output: ${output}`);
        // The page redraws after a failed action too: the failed install is a recent operation.
        await until(
          page,
          `[...document.querySelectorAll("#operations tbody tr")].some((r) =>
            r.textContent.includes("evil-pkg") && r.textContent.includes("failed"))`,
        );
        await assertNoMarkupRan(page);
        await screenshot(page, "06-hostile-install");
        await dismissJobs(page);
        await openRoute(page, "#/env/beta");
        const facts = await texts(page, "dl.facts dd");
        assert(facts.includes(DESCRIPTION), `facts: ${facts}`);
        await assertNoMarkupRan(page);
        await screenshot(page, "07-hostile-description");
      },
    );

    await t.step("the Cache, Operations and System pages", async () => {
      await openRoute(page, "#/cache");
      const kinds = await texts(page, "#cache-info tbody tr td:first-child");
      assert(kinds.includes("wheels"), `kinds: ${kinds}`);
      assertEquals(
        await inPage(page, `document.querySelectorAll("svg.chart rect.bar").length > 0`),
        true,
      );
      const entries = (await texts(page, "#cache-entries p"))[0] ?? "";
      assert(
        /^\d+ of \d+ cached versions .* named by no environment's lock/.test(entries),
        entries,
      );
      await screenshot(page, "08-cache");
      await openRoute(page, "#/operations");
      const commands = await texts(page, "main tbody tr td:nth-child(2)");
      assert(commands.some((c) => c.startsWith("gestvenv install")), `operations: ${commands}`);
      await page.select("#ops-status", "error");
      const failed = await texts(page, "main tbody tr td:nth-child(4)");
      assert(failed.length > 0 && failed.every((s) => s.startsWith("failed")), `failed: ${failed}`);
      await screenshot(page, "09-operations");
      await openRoute(page, "#/system");
      const terms = await texts(page, "dl.facts dt");
      assert(terms.includes("gestvenv") && terms.includes("CPUs"), `system: ${terms}`);
      // The interpreters' versions sort by their numbers (3.9 before 3.10), not as text.
      const versions = (await texts(page, "#system tbody tr td:first-child")).map((v) =>
        v.split(".").map(Number)
      );
      for (let i = 1; i < versions.length; i++) {
        const [a = [], b = []] = [versions[i - 1], versions[i]];
        const order = a.map((n, k) => n - (b[k] ?? 0)).find((d) => d !== 0) ?? 0;
        assert(order <= 0, `versions out of order: ${versions.map((v) => v.join("."))}`);
      }
      await screenshot(page, "10-system");
    });

    await t.step("(d) no token, or another origin: 403, and the home is unchanged", async () => {
      const before = await treeDigest(ctx.home);
      // No cookie, no Authorization: refused.
      const bare = await fetch(`${server.origin}/api/v1/environments`);
      await bare.body?.cancel();
      assertEquals(bare.status, 403);
      const noCookiePage = await (await browser.createBrowserContext()).newPage();
      const refused = await noCookiePage.goto(`${server.origin}/api/v1/environments`);
      assertEquals(refused?.status(), 403);
      // A page on another 127.0.0.1 port (same site, so the cookie travels) posts a delete.
      const job = JSON.stringify({
        action: "delete",
        env: "alpha",
        confirm: true,
        confirm_name: "alpha",
      });
      const evilScript = `
        const target = ${JSON.stringify(`${server.origin}/api/v1/jobs`)};
        const body = ${JSON.stringify(job)};
        window.results = Promise.allSettled([
          fetch(target, { method: "POST", mode: "no-cors", credentials: "include",
            headers: { "content-type": "text/plain" }, body }),
          fetch(target, { method: "POST", credentials: "include",
            headers: { "content-type": "application/json" }, body }),
        ]).then(() => "done");`;
      await using evil = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
        const path = new URL(req.url).pathname;
        if (path === "/evil.js") {
          return new Response(evilScript, { headers: { "content-type": "text/javascript" } });
        }
        return new Response(
          `<!doctype html><title>evil</title><script src="/evil.js"></script>` +
            `<form id="f" method="POST" enctype="text/plain" action="${server.origin}/api/v1/jobs">` +
            `<input name='${job.slice(0, -1)}, "x": "' value='"}'></form>`,
          { headers: { "content-type": "text/html" } },
        );
      });
      const statuses: number[] = [];
      page.on("response", (response) => {
        if (response.url().startsWith(`${server.origin}/api/v1/jobs`)) {
          statuses.push(response.status());
        }
      });
      await page.goto(`http://127.0.0.1:${evil.addr.port}/`, { waitUntil: "load" });
      assertEquals(await inPage(page, "window.results"), "done");
      // A form post is a top-level navigation: its answer is the server's refusal.
      const [navigation] = await Promise.all([
        page.waitForNavigation(),
        page.evaluate(`document.getElementById("f").submit()`),
      ]);
      assertEquals(navigation?.status(), 403);
      // The no-cors POST and the form post reached the server and were refused (the JSON one
      // stops at its preflight).
      assert(statuses.length >= 2 && statuses.every((s) => s === 403), `statuses: ${statuses}`);
      // Straight to the server with the cookie but a foreign Origin: refused too.
      const forged = await fetch(`${server.origin}/api/v1/jobs`, {
        method: "POST",
        headers: {
          cookie: `gestvenv_dashboard_token_${new URL(server.origin).port}=${server.token}`,
          origin: `http://127.0.0.1:${evil.addr.port}`,
          "content-type": "application/json",
        },
        body: job,
      });
      assertEquals(forged.status, 403);
      // Refused for its Origin (the cookie is valid), not for a missing token.
      assertEquals((await forged.json()).errors[0].code, "cross_origin");
      // The page's own Origin but neither cookie nor Authorization (a script that lost the
      // token): a POST that would delete alpha is refused as well.
      const tokenless = await fetch(`${server.origin}/api/v1/jobs`, {
        method: "POST",
        headers: { origin: server.origin, "content-type": "application/json" },
        body: job,
      });
      await tokenless.body?.cancel();
      assertEquals(tokenless.status, 403);
      assertEquals(await treeDigest(ctx.home), before, "a refused request changed the home");
      assert((await listed(ctx)).has("alpha"));
    });

    await t.step("cache clean and delete (typed name) from the page", async () => {
      // Back from the other origin's page: the cookie is still there, no token needed.
      await page.goto(`${server.origin}/`, { waitUntil: "load" });
      await openRoute(page, "#/cache");
      // A day count of 0 or none: the page refuses it and posts nothing.
      await page.select("#clean-mode", "older");
      const days = `document.getElementById("clean-days")`;
      for (const value of ["0", ""]) {
        await inPage(page, `${days}.value = ${JSON.stringify(value)}`);
        await page.click("#clean-form button[type=submit]");
        assertEquals(await inPage(page, `${days}.validity.valid`), false, `days ${value}`);
        assertEquals(await inPage(page, `document.querySelectorAll("#jobs .job").length`), 0);
      }
      await inPage(page, `${days}.value = "30"`);
      await page.select("#clean-mode", "unpacked");
      await page.click("#clean-form button[type=submit]");
      const clean = await jobEnd(page);
      assert(clean.ok, `clean failed: ${clean.text}`);
      // What it did, from the command's document: files, bytes, the size before and after.
      assert(/(Removed \d+ files?|Nothing to remove)/.test(clean.text), clean.text);
      assert(/The cache went from .+ to .+\./.test(clean.text), clean.text);
      await dismissJobs(page);
      await openRoute(page, "#/env/gamma");
      const disabled = `document.querySelector("#delete-form button").disabled`;
      await page.type("#delete-confirm", "gamm");
      assertEquals(await inPage(page, disabled), true, "delete allowed with a wrong name");
      await page.type("#delete-confirm", "a");
      assertEquals(await inPage(page, disabled), false);
      await screenshot(page, "12-delete");
      await page.click("#delete-form button");
      const end = await jobEnd(page);
      assert(end.ok, `delete failed: ${end.text}`);
      assert(end.text.includes("Deleted gamma"), end.text);
      await page.waitForFunction(`location.hash === "#/environments"`);
      assertEquals([...(await listed(ctx)).keys()].sort(), ["alpha", "beta"]);
      await dismissJobs(page);
    });

    await t.step("audit with no vulnerability source: the command's error and hint", async () => {
      osv.setMode("error");
      await openRoute(page, "#/env/alpha");
      const shown = (await texts(page, "#audit .error-box"))[0] ?? "";
      assert(shown.includes("OSV could not be reached"), `audit: ${shown}`);
      assert(shown.includes("Hint: Run `gestvenv audit db update`"), `audit: ${shown}`);
      await screenshot(page, "13-audit-unreachable");
    });

    assertEquals(pageErrors, [], "the page threw");

    await t.step("--read-only: the page hides every action", async () => {
      await using ro = await serveDashboard(ctx, ["--read-only"]);
      const roPage = await (await browser.createBrowserContext()).newPage();
      await roPage.goto(ro.url, { waitUntil: "load" });
      await openRoute(roPage, "#/env/alpha");
      assertEquals(
        await inPage(roPage, `document.querySelectorAll("main .action, main form").length`),
        0,
      );
      assertEquals(await inPage(roPage, `document.querySelector('nav a[href="#/create"]')`), null);
      assert((await texts(roPage, ".session .badge")).includes("read-only"));
      await screenshot(roPage, "11-read-only");
      // The server stops: the sections say so, and what to do next.
      await ro[Symbol.asyncDispose]();
      await openRoute(roPage, "#/system");
      const shown = (await texts(roPage, "#system .error-box"))[0] ?? "";
      assert(shown.includes("The dashboard server is not answering"), `system: ${shown}`);
      assert(shown.includes("Hint: Start `gestvenv dashboard serve` again"), `system: ${shown}`);
      await screenshot(roPage, "14-server-stopped");
    });
    Deno.stderr.writeSync(new TextEncoder().encode(`screenshots in ${artifactsDir()}\n`));
  } finally {
    await osv.close();
  }
});

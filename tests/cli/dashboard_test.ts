/**
 * `gestvenv dashboard serve` at the HTTP level (issue 13 §1): the real CLI serves on 127.0.0.1
 * with a temp home and the local index; every API route equals the CLI's `--format json` for the
 * same home; the token, Host, Origin and read-only checks refuse and change nothing; jobs create,
 * install, stream their events, are cancelled (rolled back) and refuse argument injection.
 *
 * @module
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "./../helpers/assert.ts";
import { join } from "node:path";
import { assertOk, createTestContext, standardWheels } from "../helpers/test_context.ts";
import { serveOsv } from "../helpers/osv_server.ts";
import { type Dashboard, serveDashboard } from "../helpers/dashboard_server.ts";
import { treeDigest } from "../helpers/tree_digest.ts";
import { assertConsistent } from "../helpers/consistency.ts";
import { assertSnapshot, filterText } from "../helpers/snapshot.ts";

/** Fetches `path` with the token in the `Authorization` header. */
function api(d: Dashboard, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has("authorization")) headers.set("authorization", `token ${d.token}`);
  return fetch(`${d.base}${path}`, { ...init, headers, redirect: "manual" });
}

/** POSTs a job as the page does (own Origin, JSON, token). */
function postJob(d: Dashboard, body: unknown, headers: Record<string, string> = {}) {
  return api(d, "/api/v1/jobs", {
    method: "POST",
    headers: { "content-type": "application/json", origin: d.base, ...headers },
    body: JSON.stringify(body),
  });
}

/** A raw HTTP/1.1 GET with any Host header (fetch may not let a test set it). */
async function rawGet(
  port: number,
  path: string,
  host: string,
  token: string,
  address = "127.0.0.1",
) {
  const conn = await Deno.connect({ hostname: address, port });
  await conn.write(
    new TextEncoder().encode(
      `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nAuthorization: token ${token}\r\n` +
        "Connection: close\r\n\r\n",
    ),
  );
  let text = "";
  for await (const chunk of conn.readable.pipeThrough(new TextDecoderStream())) text += chunk;
  return { status: Number(text.split(" ")[1]), text };
}

/** Waits for a job to end and returns its view. */
async function waitJob(d: Dashboard, id: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 1200; i++) {
    const job = await (await api(d, `/api/v1/jobs/${id}`)).json();
    if (!["queued", "running"].includes(job.state)) return job;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${id} did not end`);
}

/** Reads a job's server-sent events until `end`. */
async function readEvents(d: Dashboard, id: string) {
  const response = await api(d, `/api/v1/jobs/${id}/events`);
  assertEquals(response.headers.get("content-type"), "text/event-stream; charset=utf-8");
  const text = await response.text();
  return text.split("\n\n").filter((b) => b.trim() !== "").map((block) => {
    const event = /^event: (.*)$/m.exec(block)?.[1];
    const data = /^data: (.*)$/m.exec(block)?.[1];
    return { event, data: data === undefined ? undefined : JSON.parse(data) };
  });
}

/** Drops the figures that change between two runs (free disk space) from system-info. */
function withoutFreeSpace(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutFreeSpace);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).filter(([k]) => !/free_bytes|available_bytes/.test(k))
      .map(([k, v]) => [k, withoutFreeSpace(v)]),
  );
}

Deno.test("dashboard: every read route is the CLI's --format json document for the same home", async () => {
  await using ctx = await createTestContext();
  const osv = serveOsv([{
    id: "GHSA-dash-0001",
    modified: "2024-03-01T00:00:00Z",
    summary: "demo-dep leaks",
    affected: [{ package: { ecosystem: "PyPI", name: "demo-dep" }, versions: ["1.0.0"] }],
  }]);
  try {
    assertOk(await ctx.run(["config", "set", "audit.osv_url", osv.url]));
    assertOk(await ctx.run(["create", "web", "--packages", "demo-pkg demo-dep==1.0.0"]));
    assertOk(await ctx.run(["create", "empty"]));
    assertOk(await ctx.run(["create", "tmp", "--packages", "other-pkg"]));
    assertOk(await ctx.run(["delete", "tmp", "--yes"]));
    await using d = await serveDashboard(ctx);
    const routes: Array<[string, string[]]> = [
      ["/api/v1/environments", ["list", "--detailed"]],
      ["/api/v1/environments/web", ["info", "web"]],
      ["/api/v1/environments/web/packages", ["packages", "--env", "web"]],
      ["/api/v1/environments/web/tree", ["tree", "web"]],
      ["/api/v1/environments/web/lock", ["packages", "--env", "web", "--lock"]],
      ["/api/v1/environments/web/doctor", ["doctor", "web"]],
      ["/api/v1/environments/web/audit", ["audit", "web"]],
      ["/api/v1/environments/web/operations?last=1", ["logs", "--env", "web", "--last", "1"]],
      ["/api/v1/cache", ["cache", "info"]],
      ["/api/v1/cache/stats", ["cache", "stats"]],
      ["/api/v1/cache/entries", ["cache", "list"]],
      ["/api/v1/operations?level=all&since=2026-01-01", ["logs", "--since", "2026-01-01"]],
      ["/api/v1/stats?period=2026-01-01&trend=1", ["stats", "--period", "2026-01-01", "--trend"]],
      ["/api/v1/pythons", ["pyversions"]],
      // Slow probes get 30 s: a loaded machine must not turn one run's answer into "timed out".
      ["/api/v1/system?timeout=30", ["system-info", "--timeout", "30"]],
    ];
    for (const [path, args] of routes) {
      const response = await api(d, path);
      const body = await response.json();
      const cli = await ctx.run([...args, "--format", "json"]);
      const expected = JSON.parse(cli.stdout);
      if (path.startsWith("/api/v1/system")) {
        // Free disk space moves between two runs; everything else is the same document.
        assertEquals(withoutFreeSpace(body), withoutFreeSpace(expected), path);
      } else assertEquals(body, expected, path);
      // audit exits 1 when it finds a vulnerability (HTTP 500), the rest 0.
      assertEquals(response.status, cli.code === 0 ? 200 : 500, `${path}: ${cli.code}`);
      assertEquals(response.headers.get("content-type"), "application/json; charset=utf-8");
      assertEquals(response.headers.get("cache-control"), "no-store");
    }
    // The audit found demo-dep's advisory: the route carried real data, not an empty page.
    const audit = await (await api(d, "/api/v1/environments/web/audit")).text();
    assertStringIncludes(audit, "GHSA-dash-0001");
    // list --detailed carries size and health for the environments page.
    const list = await (await api(d, "/api/v1/environments")).json();
    const web = list.data.environments.find((e: { name: string }) => e.name === "web");
    assert(web.size_bytes > 0);
    assertEquals(web.health, "ok");
    // The cache page: what no environment's lock names (other-pkg, left by the deleted `tmp`).
    const entries = await (await api(d, "/api/v1/cache/entries")).json();
    assertEquals(
      entries.data.map((p: { project: string; referenced: boolean }) => [p.project, p.referenced]),
      [["demo-dep", true], ["demo-pkg", true], ["other-pkg", false]],
    );
    // ... and the hit rate day by day.
    const trend = (await (await api(d, "/api/v1/stats?period=2026-01-01&trend=1")).json()).data
      .trend;
    assert(trend.length > 0 && "cache_hit_rate" in trend[0]);
    // An error is the command's envelope too, with its exit code mapped (3 → 404).
    const missing = await api(d, "/api/v1/environments/nope");
    assertEquals(missing.status, 404);
    const nope = await missing.json();
    assertEquals(nope, JSON.parse((await ctx.run(["info", "nope", "--format", "json"])).stdout));
    // The session tells the page what it may show.
    const session = await (await api(d, "/api/v1/session")).json();
    assertEquals(session, { read_only: false, version: session.version, home: ctx.home });
    // /metrics is `monitor export prometheus`'s exposition, behind the token.
    const metrics = await api(d, "/metrics");
    assertEquals(metrics.status, 200);
    assertStringIncludes(metrics.headers.get("content-type") ?? "", "version=0.0.4");
    const exposition = await metrics.text();
    const cli = await ctx.run(["monitor", "export", "prometheus"]);
    assertEquals(cli.code, 0, cli.stderr);
    const families = (text: string) => text.split("\n").filter((l) => l.startsWith("# TYPE"));
    assertEquals(families(exposition), families(cli.stdout));
    assertStringIncludes(exposition, "gestvenv_environments{");
    assertEquals((await fetch(`${d.base}/metrics`)).status, 403);
    // Bad URL parts never become arguments.
    for (
      const path of [
        "/api/v1/environments/-x",
        "/api/v1/environments/..%2Fx/packages",
        "/api/v1/operations?last=--help",
        "/api/v1/operations?index-url=x",
      ]
    ) {
      const response = await api(d, path);
      assertEquals(response.status, 400, path);
      assertEquals((await response.json()).status, "error");
    }
    assertEquals(await d.stop(), 0);
    assertStringIncludes(d.stderr(), "Dashboard stopped");
  } finally {
    await osv.close();
  }
});

Deno.test("dashboard: no token, a wrong token, a foreign Host or Origin, read-only: 403 and nothing changes", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "web"]));
  await using d = await serveDashboard(ctx);
  const before = await treeDigest(ctx.home);
  const create = { action: "create", env: "new-env" };

  // No token at all.
  const none = await fetch(`${d.base}/api/v1/environments`);
  assertEquals(none.status, 403);
  const refusal = await none.json();
  assertEquals(refusal.errors[0].code, "no_token");
  assert(!JSON.stringify(refusal).includes(d.token), "a refusal never shows the token");
  const noTokenPost = await fetch(`${d.base}/api/v1/jobs`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: d.base },
    body: JSON.stringify(create),
  });
  assertEquals(noTokenPost.status, 403);
  await noTokenPost.body?.cancel();

  // A wrong token, in the header, in a cookie and in the URL.
  const wrong = "0".repeat(64);
  for (
    const headers of [{ authorization: `token ${wrong}` }, {
      cookie: `gestvenv_dashboard_token_${d.port}=${wrong}`,
    }]
  ) {
    const response = await fetch(`${d.base}/api/v1/environments`, { headers });
    assertEquals(response.status, 403);
    assertEquals((await response.json()).errors[0].code, "bad_token");
  }
  const wrongUrl = await fetch(`${d.base}/?token=${wrong}`, { redirect: "manual" });
  assertEquals(wrongUrl.status, 403);
  assertEquals(wrongUrl.headers.get("set-cookie"), null);
  await wrongUrl.body?.cancel();

  // The printed URL: a cookie and a redirect to the same page without the token; then the cookie
  // alone opens the API.
  const first = await fetch(d.url, { redirect: "manual" });
  assertEquals(first.status, 303);
  assertEquals(first.headers.get("location"), "/");
  const cookie = first.headers.get("set-cookie")!;
  assertEquals(
    cookie,
    `gestvenv_dashboard_token_${d.port}=${d.token}; HttpOnly; SameSite=Strict; Path=/`,
    "the cookie is named after the port: another dashboard on this host keeps its own",
  );
  await first.body?.cancel();
  const withCookie = await fetch(`${d.base}/api/v1/environments`, {
    headers: { cookie: cookie.split(";")[0]! },
  });
  assertEquals(withCookie.status, 200);
  assertEquals((await withCookie.json()).data.environments[0].name, "web");

  // DNS rebinding: a name that resolves to 127.0.0.1 but is not this server's.
  const rebound = await rawGet(d.port, "/api/v1/environments", `evil.example:${d.port}`, d.token);
  assertEquals(rebound.status, 403);
  assertStringIncludes(rebound.text, "bad_host");
  const page = await rawGet(d.port, "/", `evil.example:${d.port}`, d.token);
  assertEquals(page.status, 403);
  // localhost:PORT is this server.
  assertEquals(
    (await rawGet(d.port, "/api/v1/session", `localhost:${d.port}`, d.token)).status,
    200,
  );

  // A cross-site POST, even with the cookie the browser would attach.
  for (const origin of ["http://evil.example", `http://127.0.0.1:${d.port + 1}`, "null"]) {
    const response = await fetch(`${d.base}/api/v1/jobs`, {
      method: "POST",
      headers: { "content-type": "application/json", origin, cookie: cookie.split(";")[0]! },
      body: JSON.stringify(create),
    });
    assertEquals(response.status, 403, origin);
    assertEquals((await response.json()).errors[0].code, "cross_origin");
  }
  // No Origin and no Authorization header (a form post from an old browser): refused too.
  const bare = await fetch(`${d.base}/api/v1/jobs`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie: cookie.split(";")[0]! },
    body: JSON.stringify(create),
  });
  assertEquals(bare.status, 403);
  await bare.body?.cancel();
  // A text/plain POST (no preflight in browsers) is not a job either.
  const plain = await api(d, "/api/v1/jobs", {
    method: "POST",
    headers: { "content-type": "text/plain", origin: d.base },
    body: JSON.stringify(create),
  });
  assertEquals(plain.status, 415);
  await plain.body?.cancel();

  assertEquals((await (await api(d, "/api/v1/jobs")).json()).jobs, []);
  assertEquals(await treeDigest(ctx.home), before, "the home is byte-identical");
  assertEquals(await d.stop(), 0);

  // --read-only: views work, every POST is refused, the session says so.
  await using ro = await serveDashboard(ctx, ["--read-only"]);
  assertEquals((await api(ro, "/api/v1/environments")).status, 200);
  const session = await (await api(ro, "/api/v1/session")).json();
  assertEquals(session.read_only, true);
  const post = await postJob(ro, create);
  assertEquals(post.status, 403);
  assertEquals((await post.json()).errors[0].code, "read_only");
  assertEquals(await treeDigest(ctx.home), before, "the home is byte-identical");
  // Security headers on the page.
  const html = await fetch(`${ro.base}/`);
  assertEquals(html.status, 200);
  assertMatch(html.headers.get("content-security-policy")!, /^default-src 'self'/);
  assertEquals(html.headers.get("x-content-type-options"), "nosniff");
  assertEquals(html.headers.get("x-frame-options"), "DENY");
  assertEquals(html.headers.get("referrer-policy"), "no-referrer");
  await html.body?.cancel();
});

Deno.test("dashboard: create and install jobs change the home as the CLI does; the SSE stream carries their events", async () => {
  await using ctx = await createTestContext();
  await using d = await serveDashboard(ctx);
  const created = await postJob(d, { action: "create", env: "web", packages: ["demo-dep==1.0.0"] });
  assertEquals(created.status, 202);
  const { job: createId } = await created.json();
  const createJob = await waitJob(d, createId);
  assertEquals([createJob.state, createJob.exit_code], ["done", 0]);
  const list = JSON.parse((await ctx.run(["list", "--format", "json"])).stdout);
  assertEquals(list.data.environments.map((e: { name: string }) => e.name), ["web"]);
  // The requirements went through a private temp file, removed afterwards.
  const file = /--requirement=(\S+)/.exec(
    JSON.parse((await ctx.run(["logs", "--format", "json"])).stdout).data.operations[0]
      .command_line,
  )?.[1];
  assert(file !== undefined);
  assertEquals(await Deno.stat(file).then(() => true, () => false), false);

  const installed = await postJob(d, {
    action: "install",
    env: "web",
    packages: ["demo-pkg>=1.1"],
  });
  const { job: installId } = await installed.json();
  const events = await readEvents(d, installId);
  assert(events.some((e) => e.event === "step"), JSON.stringify(events));
  const end = events.at(-1)!;
  assertEquals(end.event, "end");
  assertEquals(end.data.exit_code, 0);
  assertEquals(end.data.result.command, "install");
  assertEquals(end.data.result.status, "success");
  const job = await waitJob(d, installId);
  assertEquals(job.result, end.data.result);
  // A late subscriber gets the whole log replayed, `end` last.
  assertEquals((await readEvents(d, installId)).at(-1)!.event, "end");
  // The package imports in the environment.
  const python = join(ctx.envPath("web"), "bin", "python");
  const imported = await ctx.exec(python, ["-c", "import demo_pkg, demo_dep; print('ok')"]);
  assertEquals(imported.stdout.trim(), "ok");
  // The operation log has the job's own command line, not the server's.
  const ops = JSON.parse((await ctx.run(["logs", "--format", "json"])).stdout).data.operations;
  assertEquals(
    ops.at(-1).command_line,
    "gestvenv install --format json --env=web -- demo-pkg>=1.1",
  );

  // A failing job: its envelope and exit code, state failed.
  const failing = await (await postJob(d, { action: "install", env: "nope", packages: ["x"] }))
    .json();
  const failed = await waitJob(d, failing.job);
  assertEquals([failed.state, failed.exit_code], ["failed", 3]);
  assertEquals((failed.result as { status: string }).status, "error");
});

Deno.test("dashboard: argument injection and unconfirmed deletes are refused (400) and nothing runs", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "web"]));
  await using d = await serveDashboard(ctx);
  const before = await treeDigest(ctx.home);
  const bad: unknown[] = [
    { action: "install", env: "web", packages: ["--index-url=http://evil"] },
    { action: "install", env: "web", packages: ["-r/etc/passwd"] },
    { action: "install", env: "web", requirements: "--index-url http://evil\nflask\n" },
    { action: "install", env: "-x", packages: ["demo-pkg"] },
    { action: "install", env: "../x", packages: ["demo-pkg"] },
    { action: "create", env: "new", python: "--help" },
    // An interpreter by path must be one gestvenv discovered (not any program on the machine).
    { action: "create", env: "new", python: "/bin/sh" },
    { action: "create", env: "new", python: "bin/python3" },
    { action: "cache-clean", older_than_days: 0 },
    { action: "cache-clean", max_size: "0" },
    { action: "uninstall", env: "web", packages: ["flask>=1"] },
    { action: "install", env: "web", packages: "demo-pkg" },
    { action: "shell", env: "web" },
    { action: "delete", env: "web" },
    { action: "delete", env: "web", confirm: true },
    { action: "delete", env: "web", confirm: true, confirm_name: "other" },
    { action: "cache-clean" },
    { action: "cache-clean", max_size: "--all" },
    [],
  ];
  for (const body of bad) {
    const response = await postJob(d, body);
    assertEquals(response.status, 400, JSON.stringify(body));
    const envelope = await response.json();
    assertEquals(envelope.status, "error");
    assertEquals(envelope.errors[0].code, "bad_request");
  }
  assertEquals((await (await api(d, "/api/v1/jobs")).json()).jobs, [], "no job was queued");
  assertEquals(await treeDigest(ctx.home), before, "the home is byte-identical");

  // Confirmed with the name: deleted, as `delete --yes` does.
  const { job } = await (await postJob(d, {
    action: "delete",
    env: "web",
    confirm: true,
    confirm_name: "web",
  })).json();
  assertEquals((await waitJob(d, job)).state, "done");
  assertEquals((await ctx.registry()).environments, {});

  // A discovered interpreter's path is accepted (the create form offers GET /api/v1/pythons).
  const which = await ctx.exec("python3", ["-c", "import sys; print(sys.executable)"]);
  const python = which.stdout.trim();
  const made = await postJob(d, { action: "create", env: "bypath", python });
  const body = await made.json();
  assertEquals(made.status, 202, JSON.stringify(body));
  assertEquals((await waitJob(d, body.job)).state, "done");
  assertEquals(Object.keys((await ctx.registry()).environments), ["bypath"]);
});

/** Waits until an install has written its record somewhere under `root` (the failpoint after it sleeps). */
async function waitForInstallRecord(root: string): Promise<void> {
  const find = async (dir: string): Promise<boolean> => {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.name === ".gestvenv-install.json") return true;
      if (entry.isDirectory && !entry.isSymlink && entry.name !== "cache") {
        if (await find(join(dir, entry.name)).catch(() => false)) return true;
      }
    }
    return false;
  };
  for (let i = 0; i < 600; i++) {
    if (await find(root).catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("the install never reached installer.after_record");
}

function cancelJob(d: Dashboard, id: string) {
  return api(d, `/api/v1/jobs/${id}/cancel`, { method: "POST", headers: { origin: d.base } });
}

Deno.test("dashboard: cancelling a running job rolls it back as Ctrl-C does; stopping the server cancels its jobs", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "web", "--packages", "demo-dep==1.0.0"]));
  const packages = async () =>
    JSON.parse((await ctx.run(["packages", "web", "--format", "json"])).stdout);
  const before = await packages();
  const registry = await ctx.registry();
  await using d = await serveDashboard(ctx, [], {
    GESTVENV_FAILPOINT: "installer.after_record:sleep:4000",
  });

  // A create cancelled while it installs: no environment, the registry as it was.
  const { job } =
    await (await postJob(d, { action: "create", env: "made", packages: ["demo-pkg"] }))
      .json();
  // Queued behind it: cancelled before it runs.
  const { job: queued } = await (await postJob(d, {
    action: "install",
    env: "web",
    packages: ["other-pkg"],
  })).json();
  await waitForInstallRecord(ctx.home);
  const cancel = await cancelJob(d, job);
  assertEquals(cancel.status, 202);
  await cancel.body?.cancel();
  const cancelQueued = await cancelJob(d, queued);
  assertEquals(cancelQueued.status, 202);
  await cancelQueued.body?.cancel();
  const ended = await waitJob(d, job);
  assertEquals([ended.state, ended.exit_code], ["cancelled", 130]);
  const never = await waitJob(d, queued);
  assertEquals([never.state, never.exit_code], ["cancelled", null], "the queued job never ran");
  assertEquals(await ctx.registry(), registry);
  assert(!(await Deno.lstat(ctx.envPath("made")).then(() => true, () => false)));
  await assertConsistent(ctx);
  const again = await cancelJob(d, job);
  assertEquals(again.status, 409);
  const ended409 = (await again.json()).errors[0];
  assertEquals(ended409.code, "job_ended");
  assertStringIncludes(ended409.hint, `GET /api/v1/jobs/${job}`);
  // Unknown jobs: 404 with a hint on each job route.
  for (
    const response of [
      await api(d, "/api/v1/jobs/nope"),
      await api(d, "/api/v1/jobs/nope/events"),
      await cancelJob(d, "nope"),
    ]
  ) {
    assertEquals(response.status, 404);
    const refusal = (await response.json()).errors[0];
    assertEquals(refusal.code, "no_job");
    assertStringIncludes(refusal.hint, "GET /api/v1/jobs lists");
  }

  // An install cancelled after its record: what the CLI's Ctrl-C leaves (nothing linked, the
  // environment consistent, the next install completes).
  const { job: install } = await (await postJob(d, {
    action: "install",
    env: "web",
    packages: ["demo-pkg"],
  })).json();
  await waitForInstallRecord(ctx.envPath("web"));
  (await cancelJob(d, install)).body?.cancel();
  assertEquals((await waitJob(d, install)).state, "cancelled");
  assertEquals(await packages(), before);
  await assertConsistent(ctx);

  // Ctrl-C on the server while a create runs: the job rolls back, the server exits 0.
  await postJob(d, { action: "create", env: "late", packages: ["demo-pkg"] });
  await waitForInstallRecord(ctx.home);
  assertEquals(await d.stop(), 0);
  assertStringIncludes(d.stderr(), "cancelling running jobs");
  assert(!(await Deno.lstat(ctx.envPath("late")).then(() => true, () => false)));
  assertEquals(Object.keys((await ctx.registry()).environments), ["web"]);
  await assertConsistent(ctx);
});

Deno.test("dashboard: a non-loopback --host warns who can control the environments", async (t) => {
  await using ctx = await createTestContext(standardWheels().slice(0, 1));
  await using d = await serveDashboard(ctx, ["--host", "0.0.0.0"]);
  assertEquals((await api(d, "/api/v1/session")).status, 200);
  // Bound to every interface, it answers other machines: through this machine's own non-loopback
  // address (Host: that address) and with its host name; a foreign name is still refused, and
  // the refusal names the real port.
  const outside = Deno.networkInterfaces().find((i) =>
    i.family === "IPv4" && !i.address.startsWith("127.")
  );
  assert(outside !== undefined, "this machine has a non-loopback IPv4 address");
  const viaOutside = await rawGet(
    d.port,
    "/api/v1/session",
    `${outside.address}:${d.port}`,
    d.token,
    outside.address,
  );
  assertEquals(viaOutside.status, 200, viaOutside.text);
  const viaName = await rawGet(d.port, "/api/v1/session", `${Deno.hostname()}:${d.port}`, d.token);
  assertEquals(viaName.status, 200, viaName.text);
  const foreign = await rawGet(d.port, "/", `evil.example:${d.port}`, d.token, outside.address);
  assertEquals(foreign.status, 403);
  assertStringIncludes(foreign.text, `http://0.0.0.0:${d.port}/`);
  assert(!foreign.text.includes(":PORT"), foreign.text);
  assertEquals(await d.stop(), 0);
  const text = filterText(d.stderr(), [[d.token, "TOKEN"], [String(d.port), "PORT"]]);
  assertStringIncludes(text, "Dashboard: http://0.0.0.0:PORT/?token=TOKEN");
  await assertSnapshot(t, text.split("\n").filter((l) => l.startsWith("warning:")).join("\n"));
});

Deno.test("dashboard: a second Ctrl-C stops the server at once while a job rolls back; a job posted while it stops is refused", async () => {
  await using ctx = await createTestContext(standardWheels().slice(0, 1));
  await using d = await serveDashboard(ctx, [], {
    GESTVENV_FAILPOINT: "create.after-staging:sleep:15000",
  });
  const { job } = await (await postJob(d, { action: "create", env: "slow" })).json();
  for (let i = 0; i < 200; i++) {
    const view = await (await api(d, `/api/v1/jobs/${job}`)).json();
    if (view.state === "running") break;
    await new Promise((r) => setTimeout(r, 50));
  }
  // Let the create reach its failpoint (it sleeps there, deaf to the cancel).
  await new Promise((r) => setTimeout(r, 1500));
  d.kill("SIGINT");
  for (let i = 0; i < 100 && !d.stderr().includes("Stopping the dashboard"); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assertStringIncludes(d.stderr(), "interrupt again to stop at once");
  // Stopping: a new job is refused (503), not accepted and dropped.
  const late = await postJob(d, { action: "create", env: "late" });
  assertEquals(late.status, 503);
  const refusal = await late.json();
  assertEquals(refusal.errors[0].code, "stopping");
  assertStringIncludes(refusal.errors[0].hint, "dashboard serve");
  // The second Ctrl-C ends the process now (killed by the signal, as the CLI's second one),
  // not after the job's 15 s sleep and rollback.
  d.kill("SIGINT");
  const status = await Promise.race([
    d.status,
    new Promise<undefined>((r) => setTimeout(() => r(undefined), 8000)),
  ]);
  assert(status !== undefined, "the server was still running 8 s after the second Ctrl-C");
  assertEquals([status.success, status.code], [false, 130]);
  assert(!d.stderr().includes("Dashboard stopped"), "it did not wait for the job");
  assert(
    !(await Deno.lstat(ctx.envPath("slow")).then(() => true, () => false)),
    "the staged create was never published",
  );
});

Deno.test("dashboard: --open hands the browser a private file, never the token in its arguments", async () => {
  await using ctx = await createTestContext(standardWheels().slice(0, 1));
  const bin = join(ctx.work, "bin");
  await Deno.mkdir(bin);
  const seen = join(ctx.work, "opener");
  // A stand-in for xdg-open/open: records its arguments, the file's mode and its content.
  for (const name of ["xdg-open", "open"]) {
    await Deno.writeTextFile(
      join(bin, name),
      `#!/bin/sh\nprintf '%s\\n' "$@" > ${seen}.args\nf="\${1#file://}"\n` +
        `stat -c %a "$f" > ${seen}.mode\nstat -c %a "$(dirname "$f")" > ${seen}.dirmode\n` +
        `cat "$f" > ${seen}.html\n`,
      { mode: 0o755 },
    );
  }
  await using d = await serveDashboard(ctx, ["--open"], {
    PATH: `${bin}:${ctx.env["PATH"] ?? ""}`,
  });
  for (let i = 0; i < 200; i++) {
    if (await Deno.stat(`${seen}.html`).then(() => true, () => false)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 200));
  const args = await Deno.readTextFile(`${seen}.args`);
  assert(!args.includes(d.token), "the token is not in the opener's (and browser's) argv");
  assertMatch(args.trim(), /^file:\/\/\/.*\/open\.html$/);
  assertEquals((await Deno.readTextFile(`${seen}.mode`)).trim(), "600");
  assertEquals((await Deno.readTextFile(`${seen}.dirmode`)).trim(), "700");
  const html = await Deno.readTextFile(`${seen}.html`);
  assertStringIncludes(html, `window.location.replace(${JSON.stringify(d.url)})`);
  const file = args.trim().slice("file://".length);
  assertEquals(await d.stop(), 0);
  assert(!(await Deno.stat(file).then(() => true, () => false)), "removed when the server stops");
});

Deno.test("dashboard: a damaged pylock.toml still shows the packages, with the lock's error and how to fix it", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "web", "--packages", "demo-dep==1.0.0"]));
  await Deno.writeTextFile(join(ctx.envPath("web"), "pylock.toml"), "lock-version = [unclosed\n");
  await using d = await serveDashboard(ctx);
  const response = await api(d, "/api/v1/environments/web/lock");
  const body = await response.json();
  assertEquals(response.status, 200, JSON.stringify(body));
  assertEquals(
    body.data.packages.map((p: { name: string }) => p.name).includes("demo-dep"),
    true,
  );
  assertEquals([body.data.lock.exists, body.data.lock.document], [true, null]);
  assertEquals(body.data.lock.error.code, "invalid_syntax");
  assertStringIncludes(body.data.lock.error.hint, "gestvenv lock web");
  // The CLI's text form fails, with the same hint.
  const text = await ctx.run(["packages", "--env", "web", "--lock"]);
  assertEquals(text.code, 2);
  assertStringIncludes(text.stderr, "gestvenv lock web");
});

Deno.test("dashboard: the capturing terminal keeps stdout whole and only the last of stderr", async () => {
  const { captureTerminal } = await import("../../commands/_terminal.ts");
  const streamed: string[] = [];
  const terminal = captureTerminal({ stderrLimit: 10, onStderr: (t) => streamed.push(t) });
  const document = `{"a":"${"x".repeat(100)}"}\n`;
  terminal.stdout(document);
  for (let i = 0; i < 5; i++) terminal.stderr(`line ${i}\n`);
  assertEquals(terminal.out, document);
  assertEquals(terminal.err, "e 3\nline 4\n".slice(-10));
  assertEquals(terminal.err.length, 10);
  assertEquals(streamed.length, 5, "every write still reaches the page");
});

/**
 * The rest of spec 001's configuration keys and `GESTVENV_*` variables (issue 12 §5), each shown
 * by its effect, not only by being accepted.
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { hasScript, inTerminal } from "../helpers/in_terminal.ts";
import { assertOk, createTestContext, type TestContext } from "../helpers/test_context.ts";
import { PERMISSION_FLAGS } from "../../commands/_self.ts";

async function settingsOf(ctx: TestContext, env: Record<string, string> = {}) {
  const r = await ctx.run(["config", "show", "--format", "json"], { env });
  assertOk(r);
  return JSON.parse(r.stdout).data.settings as Record<
    string,
    { value: unknown; source: string; origin: string }
  >;
}

/** Every file under `dir` with its sha256. */
async function hashTree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string) => {
    for await (const e of Deno.readDir(d)) {
      const p = join(d, e.name);
      if (e.isSymlink) out.set(p, `link ${await Deno.readLink(p)}`);
      else if (e.isDirectory) await walk(p);
      else out.set(p, createHash("sha256").update(await Deno.readFile(p)).digest("hex"));
    }
  };
  await walk(dir);
  return out;
}

/**
 * A proxy in front of the test index: records the most full-file downloads (`/files/`, no
 * range) in flight at once, and delays each by `delayMs`.
 */
function slowProxy(target: string, delayMs: number) {
  const origin = new URL(target).origin;
  const stats = { inFlight: 0, max: 0, downloads: 0 };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    const download = url.pathname.startsWith("/files/") && !req.headers.has("range");
    if (download) {
      stats.downloads++;
      stats.max = Math.max(stats.max, ++stats.inFlight);
      await new Promise((r) => setTimeout(r, delayMs));
    }
    try {
      const upstream = await fetch(origin + url.pathname, { headers: req.headers });
      return new Response(await upstream.arrayBuffer(), {
        status: upstream.status,
        headers: upstream.headers,
      });
    } finally {
      if (download) stats.inFlight--;
    }
  });
  const port = (server.addr as Deno.NetAddr).port;
  return { url: `http://127.0.0.1:${port}/simple`, stats, close: () => server.shutdown() };
}

Deno.test("[general] preferred_backend chooses new environments' backend; fallback_backend replaces a missing uv", async () => {
  await using ctx = await createTestContext([]);
  await Deno.mkdir(ctx.home, { recursive: true });
  await Deno.writeTextFile(join(ctx.home, "config.toml"), '[general]\npreferred_backend = "pip"\n');
  assertOk(await ctx.run(["create", "p"]));
  assertEquals((await ctx.registry()).environments["p"]!.backend, "pip");
  const uvOnPath = await new Deno.Command("sh", { args: ["-c", "command -v uv"] }).output();
  if (uvOnPath.success) return; // uv is installed here: nothing is unavailable.
  const missing = await ctx.run(["create", "u1", "--backend", "uv"]);
  assertEquals(missing.code, 20);
  const fallback = await ctx.run(["create", "u2", "--backend", "uv"], {
    env: { GESTVENV_FALLBACK_BACKEND: "native" },
  });
  assertOk(fallback);
  assertStringIncludes(fallback.stderr, "The uv backend is unavailable");
  assertStringIncludes(fallback.stderr, "using native (GESTVENV_FALLBACK_BACKEND)");
  assertEquals((await ctx.registry()).environments["u2"]!.backend, "native");
  assertOk(await ctx.run(["config", "set", "fallback_backend", "pip"]));
  assertOk(await ctx.run(["create", "u3", "--backend", "uv"]));
  assertEquals((await ctx.registry()).environments["u3"]!.backend, "pip");
  // An environment made with uv follows fallback_backend too when uv is gone.
  const registry = await ctx.registry();
  registry.environments["u3"]!.backend = "uv";
  await Deno.writeTextFile(join(ctx.home, "environments.json"), JSON.stringify(registry));
  const installed = await ctx.run(["packages", "u3"]);
  assertOk(installed);
  assertStringIncludes(installed.stderr, "uv was not found; using pip for `u3`");
});

Deno.test("spec spellings: connection_timeout, auto_cleanup, verify_signatures, GESTVENV_* variables", async () => {
  await using ctx = await createTestContext([]);
  await Deno.mkdir(ctx.home, { recursive: true });
  await Deno.writeTextFile(
    join(ctx.home, "config.toml"),
    "[general]\nauto_cleanup = true\n[performance]\nconnection_timeout = 7\n" +
      "[security]\nverify_signatures = true\n",
  );
  let s = await settingsOf(ctx);
  assertEquals([s.http_connect_timeout!.value, s.http_connect_timeout!.source], [7, "config"]);
  assertEquals(s["cache.auto_cleanup"]!.value, true);
  assertEquals(s["security.require_signatures"]!.value, true);
  assertOk(await ctx.run(["config", "set", "connection_timeout", "3"]));
  assertStringIncludes(
    await Deno.readTextFile(join(ctx.home, "config.toml")),
    "http_connect_timeout = 3",
  );
  s = await settingsOf(ctx, {
    GESTVENV_VERIFY_SIGNATURES: "false",
    GESTVENV_OFFLINE_ONLY: "1",
    GESTVENV_NO_EMOJI: "1",
    GESTVENV_FALLBACK_BACKEND: "pip",
    GESTVENV_OPERATION_TIMEOUT: "30",
  });
  assertEquals(
    [s["security.require_signatures"]!.value, s["security.require_signatures"]!.origin],
    [
      false,
      "GESTVENV_VERIFY_SIGNATURES",
    ],
  );
  assertEquals([s.offline_mode!.value, s.offline_mode!.origin], [true, "GESTVENV_OFFLINE_ONLY"]);
  assertEquals([s["general.emoji_support"]!.value, s["general.emoji_support"]!.origin], [
    false,
    "GESTVENV_NO_EMOJI",
  ]);
  assertEquals(s.fallback_backend!.value, "pip");
  assertEquals(s.operation_timeout!.value, 30);
  // Bad values are errors naming their source; unknown keys suggest the known one.
  const bad = await ctx.run(["config", "show"], { env: { GESTVENV_FALLBACK_BACKEND: "conda" } });
  assertEquals(bad.code, 10);
  assertStringIncludes(bad.stderr, "GESTVENV_FALLBACK_BACKEND");
  const typo = await ctx.run(["config", "set", "parallel_downlods", "3"]);
  assertEquals(typo.code, 10);
  assertStringIncludes(typo.stderr, "did you mean `performance.parallel_downloads`?");
  const colour = await ctx.run(["config", "set", "colour_scheme", "never"]);
  assertStringIncludes(colour.stderr, "did you mean `ui.color_scheme`?");
  assertEquals((await ctx.run(["config", "set", "max_retries", "11"])).code, 10);
  assertEquals((await ctx.run(["config", "set", "table_format", "fancy"])).code, 10);
  // An unknown key in config.toml is kept (a newer gestvenv may know it), never silently.
  await Deno.writeTextFile(join(ctx.home, "config.toml"), "show_progres = false\n");
  const warned = await ctx.run(["list"]);
  assertOk(warned);
  assertStringIncludes(warned.stderr, "did you mean `general.show_progress`? (ignored)");
});

Deno.test("GESTVENV_OFFLINE_ONLY keeps an install off the network", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "app"]));
  const requests = ctx.index.requests.length;
  const r = await ctx.run(["install", "app", "other-pkg"], { env: { GESTVENV_OFFLINE_ONLY: "1" } });
  assert(r.code !== 0, r.stderr);
  assertStringIncludes(r.stderr.toLowerCase(), "offline");
  assertEquals(ctx.index.requests.length, requests, "no request reached the index");
});

Deno.test("emoji_support, GESTVENV_NO_EMOJI and table_format change the marks and tables", async () => {
  await using ctx = await createTestContext([]);
  const created = await ctx.run(["create", "a"]);
  assertStringIncludes(created.stderr, "✔");
  const plain = await ctx.run(["create", "b"], { env: { GESTVENV_NO_EMOJI: "1" } });
  assertOk(plain);
  assert(!plain.stderr.includes("✔"), plain.stderr);
  assertStringIncludes(plain.stderr, "ok: ");
  assertStringIncludes((await ctx.run(["list"])).stdout, "┌");
  assertOk(await ctx.run(["config", "set", "table_format", "rounded"]));
  assertStringIncludes((await ctx.run(["list"])).stdout, "╭");
  assertOk(await ctx.run(["config", "set", "ui.table_format", "ascii"]));
  const ascii = (await ctx.run(["list"])).stdout;
  assert(/^\+-+\+/.test(ascii) && !/[┌╭│]/.test(ascii), ascii);
  // emoji_support = false: ASCII tables whatever the table format.
  assertOk(await ctx.run(["config", "set", "table_format", "rounded"]));
  assertOk(await ctx.run(["config", "set", "emoji_support", "false"]));
  assert(!/[╭│✔]/.test((await ctx.run(["list"])).stdout));
});

Deno.test("color_scheme: always colors piped output; --no-color, NO_COLOR and FORCE_COLOR still win", async () => {
  await using ctx = await createTestContext([]);
  const colored = (r: { stdout: string }) => r.stdout.includes("\x1b[1m");
  const on = { NO_COLOR: "" };
  assert(!colored(await ctx.run(["profile", "list"], { env: on })), "auto: not a terminal");
  assertOk(await ctx.run(["config", "set", "color_scheme", "always"]));
  assert(colored(await ctx.run(["profile", "list"], { env: on })), "always");
  assert(!colored(await ctx.run(["profile", "list"])), "NO_COLOR=1 wins");
  assert(
    !colored(await ctx.run(["profile", "list", "--no-color"], { env: on })),
    "--no-color wins",
  );
  assert(!colored(await ctx.run(["profile", "list"], { env: { ...on, FORCE_COLOR: "0" } })));
  assertOk(await ctx.run(["config", "set", "color_scheme", "never"]));
  assert(!colored(await ctx.run(["profile", "list"], { env: on })), "never");
  assert(colored(await ctx.run(["profile", "list"], { env: { ...on, FORCE_COLOR: "1" } })));
});

Deno.test({
  name: "show_progress, progress_style and emoji_support decide what a terminal shows",
  ignore: !hasScript,
  async fn() {
    await using ctx = await createTestContext([]);
    const unicode = /\r[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] /;
    const ascii = /\r[|/\\-] /;
    const create = async (name: string) => {
      const r = await inTerminal(ctx.env, ctx.work, ["create", name], []);
      assertEquals(r.code, 0, r.screen);
      return r.screen;
    };
    assert(unicode.test(await create("a")), "a spinner by default");
    assertOk(await ctx.run(["config", "set", "emoji_support", "false"]));
    const plain = await create("b");
    assert(ascii.test(plain) && !unicode.test(plain), plain);
    assertOk(await ctx.run(["config", "set", "progress_style", "none"]));
    const none = await create("c");
    assert(!ascii.test(none) && !unicode.test(none), none);
    assertOk(await ctx.run(["config", "unset", "ui.progress_style"]));
    assertOk(await ctx.run(["config", "set", "show_progress", "false"]));
    const hidden = await create("d");
    assert(!ascii.test(hidden) && !unicode.test(hidden), hidden);
  },
});

Deno.test("parallel_downloads bounds the native installer's downloads in flight", async () => {
  await using ctx = await createTestContext();
  const proxy = slowProxy(ctx.index.url, 300);
  try {
    const install = async (name: string, parallel: string) => {
      assertOk(await ctx.run(["config", "set", "parallel_downloads", parallel]));
      assertOk(await ctx.run(["create", name]));
      proxy.stats.max = 0;
      const r = await ctx.run([
        "install",
        name,
        "demo-pkg",
        "other-pkg",
        "third_pkg",
        "--index-url",
        proxy.url,
      ]);
      assertOk(r);
      return proxy.stats.max;
    };
    assertEquals(await install("one", "1"), 1);
    await Deno.remove(join(ctx.home, "cache"), { recursive: true });
    assert(await install("four", "4") > 1, "downloads ran in parallel");
  } finally {
    await proxy.close();
  }
});

Deno.test("max_retries: a failing index is asked 1 + max_retries times", async () => {
  await using ctx = await createTestContext([]);
  let asked = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    asked++;
    return new Response("down", { status: 503 });
  });
  const url = `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}/simple`;
  try {
    assertOk(await ctx.run(["create", "app"]));
    for (const [retries, attempts] of [["0", 1], ["2", 3]] as const) {
      assertOk(await ctx.run(["config", "set", "max_retries", retries]));
      asked = 0;
      const r = await ctx.run(["install", "app", "demo-pkg", "--index-url", url]);
      assertEquals(r.code, 5, r.stderr);
      assertEquals(asked, attempts, `max_retries ${retries}`);
    }
  } finally {
    await server.shutdown();
  }
});

Deno.test("check_updates_on_activate notes newer top-level requirements, never offline", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "app", "--packages", "demo-pkg==1.0.0"]));
  const quiet = await ctx.run(["activate", "app"]);
  assertOk(quiet);
  assert(!quiet.stderr.includes("newer versions"), quiet.stderr);
  assertOk(await ctx.run(["config", "set", "check_updates_on_activate", "true"]));
  const noted = await ctx.run(["activate", "app"]);
  assertOk(noted);
  assertStringIncludes(noted.stderr, "newer versions for `app`: demo-pkg 1.0.0 → 1.1.0");
  assert(!noted.stderr.includes("demo-dep"), "only top-level requirements");
  assertStringIncludes(noted.stdout, "activate", "the activation line is unchanged");
  const offline = await ctx.run(["activate", "app", "--offline"]);
  assertOk(offline);
  assert(!offline.stderr.includes("newer versions"), offline.stderr);
});

Deno.test("operation_timeout stops a command through the Ctrl-C path: exit 1, nothing changed", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "app"]));
  const proxy = slowProxy(ctx.index.url, 2500);
  try {
    const before = await hashTree(ctx.envPath("app"));
    const registry = await Deno.readTextFile(join(ctx.home, "environments.json"));
    const r = await ctx.run(["install", "app", "demo-pkg", "--index-url", proxy.url], {
      env: { GESTVENV_OPERATION_TIMEOUT: "1" },
    });
    assertEquals(r.code, 1, r.stderr);
    assertStringIncludes(r.stderr, "ran longer than `operation_timeout`");
    assertEquals(await hashTree(ctx.envPath("app")), before);
    assertEquals(await Deno.readTextFile(join(ctx.home, "environments.json")), registry);
    // Without the limit the same install works.
    assertOk(await ctx.run(["install", "app", "demo-pkg", "--index-url", proxy.url]));
  } finally {
    await proxy.close();
  }
});

Deno.test("a command waiting for a busy environment lock stops at operation_timeout and on Ctrl-C", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "app"]));
  // Another process holds the environment's lock (as a running `install` would).
  const lock = await Deno.open(join(ctx.home, "locks", "app.lock"), {
    read: true,
    write: true,
    create: true,
  });
  try {
    await lock.lock(true);
    const registry = await Deno.readTextFile(join(ctx.home, "environments.json"));
    const started = Date.now();
    const r = await ctx.run(["install", "app", "demo-pkg"], {
      env: { GESTVENV_OPERATION_TIMEOUT: "2" },
    });
    const took = Date.now() - started;
    assertEquals(r.code, 1, r.stderr);
    assertStringIncludes(r.stderr, "ran longer than `operation_timeout`");
    assertStringIncludes(r.stderr, "waiting for environment `app`");
    assert(took < 15_000, `stopped at the limit, not at lock_timeout (120 s): ${took} ms`);
    assertEquals(await Deno.readTextFile(join(ctx.home, "environments.json")), registry);

    // Ctrl-C while waiting: exit 130 at once, saying what it was waiting for.
    const main = new URL("../../main.ts", import.meta.url).pathname;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", ...PERMISSION_FLAGS, main, "install", "app", "demo-pkg"],
      env: ctx.env,
      clearEnv: true,
      cwd: ctx.work,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const stderr: string[] = [];
    const decoder = new TextDecoder();
    const reading = (async () => {
      for await (const chunk of child.stderr) stderr.push(decoder.decode(chunk));
    })();
    // Once it says it waits, interrupt it.
    for (let i = 0; i < 200 && !stderr.join("").includes("Waiting for"); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assertStringIncludes(stderr.join(""), "Waiting for environment `app`");
    const interrupted = Date.now();
    child.kill("SIGINT");
    const status = await child.status;
    await reading;
    await child.stdout.cancel();
    assertEquals(status.code, 130, stderr.join(""));
    assert(Date.now() - interrupted < 5_000, "stopped promptly");
    assertStringIncludes(stderr.join(""), "waiting for environment `app`");
    assertEquals(await Deno.readTextFile(join(ctx.home, "environments.json")), registry);
  } finally {
    lock.close();
  }
});

/**
 * `cache serve` with real clients (pip in a plain venv, gestvenv in another home, our own index
 * client for PEP 691 and PEP 658), what it refuses (traversal, other methods), artifacts added
 * while it runs, a clean stop on SIGTERM; and `cache sync --from` it into a third home.
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { join } from "node:path";
import { PERMISSION_FLAGS } from "../../commands/_self.ts";
import { IndexClient } from "../../lib/index/mod.ts";
import { findUv } from "../../lib/backends/mod.ts";
import { assertOk, createTestContext, type TestContext } from "../helpers/test_context.ts";
import { buildWheel } from "../helpers/build_wheel.ts";
import { assertSnapshot, filterText } from "../helpers/snapshot.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const uv = await findUv(Deno.env.get("GESTVENV_TEST_UV") || undefined);

/** A running `gestvenv cache serve` child process. */
interface ServeProcess {
  url: string;
  child: Deno.ChildProcess;
  /** Everything it wrote on stderr so far. */
  stderr(): string;
  stop(signal?: Deno.Signal): Promise<{ code: number; stderr: string }>;
}

async function startServe(
  ctx: TestContext,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<ServeProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...PERMISSION_FLAGS, MAIN, "cache", "serve", ...args],
    env: { ...ctx.env, ...env },
    clearEnv: true,
    cwd: ctx.work,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let text = "";
  const decoder = new TextDecoder();
  const reader = child.stderr.getReader();
  let url: string | undefined;
  const pump = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      text += decoder.decode(value, { stream: true });
    }
  })();
  const deadline = Date.now() + 30_000;
  while (url === undefined) {
    url = /(http:\/\/127\.0\.0\.1:\d+\/simple\/)/.exec(text)?.[1];
    if (url !== undefined) break;
    const status = await Promise.race([
      child.status,
      new Promise<undefined>((r) => setTimeout(() => r(undefined), 50)),
    ]);
    if (status !== undefined || Date.now() > deadline) {
      await pump.catch(() => {});
      throw new Error(`cache serve did not start:\n${text}`);
    }
  }
  return {
    url,
    child,
    stderr: () => text,
    async stop(signal: Deno.Signal = "SIGTERM") {
      try {
        child.kill(signal);
      } catch { /* already gone */ }
      const status = await child.status;
      await pump.catch(() => {});
      return { code: status.code, stderr: text };
    },
  };
}

/** Sends one raw HTTP/1.1 request (no client-side path normalization) and returns the status. */
async function rawStatus(url: string, path: string, method = "GET"): Promise<number> {
  const { hostname, port } = new URL(url);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  try {
    await conn.write(
      new TextEncoder().encode(
        `${method} ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nConnection: close\r\n\r\n`,
      ),
    );
    let answer = "";
    const buffer = new Uint8Array(4096);
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) break;
      answer += new TextDecoder().decode(buffer.subarray(0, n));
      if (answer.includes("\r\n")) break;
    }
    return Number(/^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1] ?? 0);
  } finally {
    conn.close();
  }
}

/** The sha256 directories under a home's cache. */
async function cachedShas(home: string): Promise<Set<string>> {
  const out = new Set<string>();
  const bucket = join(home, "cache", "artifacts-v1");
  try {
    for await (const shard of Deno.readDir(bucket)) {
      for await (const dir of Deno.readDir(join(bucket, shard.name))) out.add(dir.name);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return out;
}

function wheels() {
  return [
    buildWheel({ name: "demo-dep", version: "1.0.0" }),
    buildWheel({ name: "demo-dep", version: "2.0.0", requiresPython: ">=3.8" }),
    buildWheel({ name: "demo-pkg", version: "1.0.0", dependencies: ["demo-dep>=1"] }),
    buildWheel({ name: "other-pkg", version: "2.0.0" }),
  ];
}

Deno.test("cache serve: pip and gestvenv install from it; PEP 691, PEP 658, redirects, refusals; sync pulls it", async (t) => {
  await using ctx = await createTestContext(wheels());
  assertOk(await ctx.run(["create", "a", "--packages", "demo-pkg==1.0.0"]));
  const filled = await cachedShas(ctx.home);
  assertEquals(filled.size, 2, "demo-pkg and demo-dep are in the cache");
  const server = await startServe(ctx, ["--verbose"]);
  const localRequests = () => ctx.index.requests.length;
  try {
    await t.step("pip installs from it in a plain venv", async () => {
      const before = localRequests();
      const venv = join(ctx.work, "pipvenv");
      assertOk(await ctx.exec("python3", ["-m", "venv", venv]));
      const pip = await ctx.exec(join(venv, "bin", "python"), [
        "-m",
        "pip",
        "install",
        "--index-url",
        server.url,
        "demo-pkg",
      ]);
      assertOk(pip, "pip install from cache serve");
      const imported = await ctx.exec(join(venv, "bin", "python"), [
        "-c",
        "import demo_pkg, demo_dep; print(demo_pkg.VERSION, demo_dep.VERSION)",
      ]);
      assertOk(imported);
      assertEquals(imported.stdout.trim(), "1.0.0 2.0.0");
      assertEquals(localRequests(), before, "pip never asked the original index");
      assertStringIncludes(server.stderr(), "GET /files/");
    });

    await t.step({
      name: uv === undefined
        ? "uv installs from it (SKIPPED: no uv; .ci/run installs it, or set GESTVENV_TEST_UV)"
        : "uv installs from it (PEP 691 JSON and PEP 658 metadata)",
      ignore: uv === undefined,
      async fn() {
        const before = localRequests();
        const venv = join(ctx.work, "uvvenv");
        assertOk(await ctx.exec("python3", ["-m", "venv", "--without-pip", venv]));
        const python = join(venv, "bin", "python");
        assertOk(
          await ctx.exec(uv!, [
            "pip",
            "install",
            "--python",
            python,
            "--index-url",
            server.url,
            "demo-pkg",
          ], { env: { UV_NO_CACHE: "1", UV_NO_CONFIG: "1" } }),
          "uv pip install from cache serve",
        );
        const imported = await ctx.exec(python, ["-c", "import demo_pkg; print(demo_pkg.VERSION)"]);
        assertEquals(imported.stdout.trim(), "1.0.0");
        assertEquals(localRequests(), before, "uv never asked the original index");
      },
    });

    await t.step("gestvenv in a fresh home creates an environment from it", async () => {
      const before = localRequests();
      const home2 = join(ctx.work, "home2");
      const created = await ctx.run(
        ["create", "b", "--packages", "demo-pkg", "--index-url", server.url],
        { env: { GESTVENV_HOME: home2, PIP_INDEX_URL: server.url } },
      );
      assertOk(created);
      const python = join(home2, "environments", "b", "bin", "python");
      const imported = await ctx.exec(python, ["-c", "import demo_pkg; print(demo_pkg.VERSION)"]);
      assertEquals(imported.stdout.trim(), "1.0.0");
      assertEquals(localRequests(), before, "gestvenv never asked the original index");
    });

    await t.step("PEP 691 JSON and PEP 658 metadata parse with our index client", async () => {
      const cacheDir = await Deno.makeTempDir({ dir: ctx.work });
      const client = new IndexClient({ indexes: [server.url], cacheDir });
      const page = await client.projectFiles("demo-dep");
      assert(page !== null);
      const files = page.files.sort((a, b) => a.filename < b.filename ? -1 : 1);
      assertEquals(files.map((f) => f.filename), [
        "demo_dep-2.0.0-py3-none-any.whl",
      ]);
      const [file] = files;
      assert(file !== undefined && file.sha256 !== null && filled.has(file.sha256));
      assertEquals(file.requiresPython, ">=3.8");
      assert(typeof file.coreMetadata === "string", "the metadata's sha256 is announced");
      assert(file.size !== null && file.size > 0);
      const metadata = await client.metadata(file);
      assertEquals(metadata.name, "demo-dep");
      assertEquals(metadata.requiresPython, ">=3.8");
      const json = await fetch(`${server.url}demo-pkg/`, {
        headers: { accept: "application/vnd.pypi.simple.v1+json" },
      });
      assertEquals(json.headers.get("content-type"), "application/vnd.pypi.simple.v1+json");
      const doc = await json.json();
      assertEquals(doc.meta["api-version"], "1.1");
      assertEquals(doc.versions, ["1.0.0"]);
      assertEquals(doc.files[0]["core-metadata"], doc.files[0]["dist-info-metadata"]);
      const html = await fetch(`${server.url}demo-pkg/`);
      assertStringIncludes(html.headers.get("content-type") ?? "", "text/html");
      const body = await html.text();
      assert(
        /href="\/files\/[0-9a-f]{64}\/demo_pkg-1\.0\.0-py3-none-any\.whl#sha256=[0-9a-f]{64}"/.test(
          body,
        ),
        body,
      );
      assertStringIncludes(body, 'data-core-metadata="sha256=');
      const byQuery = await fetch(`${server.url}?format=application/vnd.pypi.simple.v1+json`);
      const root = await byQuery.json();
      assertEquals(root.projects.map((p: { name: string }) => p.name), ["demo-dep", "demo-pkg"]);
      const refused = await fetch(server.url, { headers: { accept: "application/xml" } });
      await refused.body?.cancel();
      assertEquals(refused.status, 406);
    });

    await t.step(
      "other spellings redirect to the normalized name; files carry ETag and length",
      async () => {
        for (const spelling of ["Demo_Pkg/", "demo.pkg/", "demo-pkg"]) {
          const r = await fetch(`${server.url}${spelling}`, { redirect: "manual" });
          await r.body?.cancel();
          assertEquals(r.status, 301, spelling);
          assertEquals(r.headers.get("location"), "/simple/demo-pkg/");
        }
        const html = await (await fetch(`${server.url}demo-pkg/`)).text();
        const href = /href="([^"#]+)#sha256=([0-9a-f]{64})"/.exec(html)!;
        const file = await fetch(new URL(href[1]!, server.url));
        const bytes = new Uint8Array(await file.arrayBuffer());
        assertEquals(file.headers.get("etag"), `"${href[2]}"`);
        assertEquals(Number(file.headers.get("content-length")), bytes.length);
        const again = await fetch(new URL(href[1]!, server.url), {
          headers: { "if-none-match": `"${href[2]}"` },
        });
        await again.body?.cancel();
        assertEquals(again.status, 304);
        const head = await fetch(new URL(href[1]!, server.url), { method: "HEAD" });
        assertEquals(head.status, 200);
        assertEquals(Number(head.headers.get("content-length")), bytes.length);
      },
    );

    await t.step("traversal, unknown files and other methods are refused", async () => {
      const sha = [...filled][0]!;
      for (
        const path of [
          "/files/../../etc/passwd",
          "/files/..%2f..%2fetc%2fpasswd",
          `/files/${sha}/..%2f..%2f..%2fCACHEDIR.TAG`,
          `/files/${sha}/%2e%2e`,
          `/files/${sha}/CACHEDIR.TAG`,
          "/files/%2e%2e/%2e%2e/index-v1.sqlite",
          "/simple/..%2f..%2f/",
          "/../index-v1.sqlite",
          "/artifacts-v1/",
          `/files/${"0".repeat(64)}/x.whl`,
        ]
      ) {
        assertEquals(await rawStatus(server.url, path), 404, path);
      }
      assertEquals(await rawStatus(server.url, "/simple/", "POST"), 405);
      assertEquals(await rawStatus(server.url, "/simple/", "DELETE"), 405);
    });

    await t.step("artifacts added while it runs are served at once", async () => {
      const before = await (await fetch(server.url)).text();
      assert(!before.includes("other-pkg"));
      assertOk(await ctx.run(["install", "other-pkg", "--env", "a"]));
      const after = await (await fetch(server.url)).text();
      assertStringIncludes(after, '<a href="/simple/other-pkg/">other-pkg</a>');
      const page = await fetch(`${server.url}other-pkg/`);
      assertEquals(page.status, 200);
      await page.body?.cancel();
    });

    await t.step(
      "cache sync --from it fills a third home, and a second sync finds all present",
      async () => {
        const home3 = join(ctx.work, "home3");
        // The server's bare address is enough: it redirects to /simple/.
        const bare = server.url.replace(/\/simple\/$/, "");
        const synced = await ctx.run(["cache", "sync", "--from", bare, "--json"], {
          env: { GESTVENV_HOME: home3 },
        });
        assertOk(synced);
        const report = JSON.parse(synced.stdout).data;
        assertEquals(report.gestvenv, true);
        assertEquals(report.added, 3);
        assertEquals(report.rejected, 0);
        assertEquals(await cachedShas(home3), await cachedShas(ctx.home));
        const again = await ctx.run(["cache", "sync", "--from", server.url], {
          env: { GESTVENV_HOME: home3 },
        });
        assertOk(again);
        assertStringIncludes(again.stderr, "0 new (0 B), 3 already present, 0 rejected");
        // The synced cache installs with no index at all.
        const offline = await ctx.run(
          ["create", "c", "--packages", "demo-pkg", "--index-url", server.url],
          { env: { GESTVENV_HOME: home3 } },
        );
        assertOk(offline);
      },
    );
  } finally {
    const stopped = await server.stop("SIGTERM");
    await t.step("SIGTERM stops it cleanly", () => {
      assertEquals(stopped.code, 0, stopped.stderr);
      assertStringIncludes(stopped.stderr, "Stopping (SIGTERM)");
    });
  }
});

Deno.test("cache sync: from a plain index it needs requirements, resolves them there, and refuses files whose hash lies", async (t) => {
  await using ctx = await createTestContext([
    ...wheels(),
    buildWheel({ name: "native-only", version: "1.0", tag: "cp312-cp312-win_amd64" }),
  ]);
  await t.step("no requirements against a plain index: usage error", async () => {
    const result = await ctx.run(["cache", "sync", "--from", ctx.index.url]);
    assertEquals(result.code, 2, result.stderr);
    await assertSnapshot(t, filterText(result.stderr, [[ctx.index.url, "<index>"]]));
  });
  await t.step("offline mode refuses sync and publish before any connection", async () => {
    const before = ctx.index.requests.length;
    const sync = await ctx.run(["cache", "sync", "--from", ctx.index.url, "demo-pkg", "--offline"]);
    assertEquals(sync.code, 5, sync.stderr);
    assertStringIncludes(sync.stderr, "offline mode (--offline) forbids it");
    const publish = await ctx.run(["cache", "publish", "--to", ctx.index.url], {
      env: { GESTVENV_OFFLINE: "1" },
    });
    assertEquals(publish.code, 5, publish.stderr);
    assertStringIncludes(publish.stderr, "offline mode (GESTVENV_OFFLINE) forbids it");
    assertEquals(ctx.index.requests.length, before);
  });

  await t.step(
    "publishing the whole cache to PyPI is refused (other projects' files)",
    async () => {
      const result = await ctx.run(["cache", "publish", "--to", "https://upload.pypi.org/legacy/"]);
      assertEquals(result.code, 2, result.stderr);
      assertStringIncludes(result.stderr, "would upload every project's files");
    },
  );
  await t.step("--dry-run says what it would fetch and fetches nothing", async () => {
    const result = await ctx.run(["cache", "sync", "--from", ctx.index.url, "demo-pkg", "-n"]);
    assertOk(result);
    assertStringIncludes(result.stderr, "Would fetch 2 file(s) (");
    assertStringIncludes(result.stderr, "; 0 already in the cache");
    assertEquals((await cachedShas(ctx.home)).size, 0);
  });
  await t.step("requirements are resolved against that index and fetched", async () => {
    const result = await ctx.run(["cache", "sync", "--from", ctx.index.url, "demo-pkg", "--json"]);
    assertOk(result);
    const report = JSON.parse(result.stdout).data;
    assertEquals(report.gestvenv, false);
    assertEquals(
      report.files.map((f: { filename: string }) => f.filename).sort(),
      ["demo_dep-2.0.0-py3-none-any.whl", "demo_pkg-1.0.0-py3-none-any.whl"],
    );
    assertEquals(report.added, 2);
    assertEquals((await cachedShas(ctx.home)).size, 2);
  });
  await t.step(
    "--platforms with requirements resolves for that machine against that index",
    async () => {
      const home = join(ctx.work, "platforms-home");
      const result = await ctx.run([
        "cache",
        "sync",
        "--from",
        ctx.index.url,
        "native-only",
        "demo-pkg",
        "--platforms",
        "win_amd64",
        "--python-version",
        "3.12",
        "--json",
      ], { env: { GESTVENV_HOME: home } });
      assertOk(result);
      const report = JSON.parse(result.stdout).data;
      assertEquals(
        report.files.map((f: { filename: string; platform: string }) => [f.filename, f.platform])
          .sort(),
        [
          ["demo_dep-2.0.0-py3-none-any.whl", "win_amd64"],
          ["demo_pkg-1.0.0-py3-none-any.whl", "win_amd64"],
          ["native_only-1.0-cp312-cp312-win_amd64.whl", "win_amd64"],
        ],
      );
      assertEquals((await cachedShas(home)).size, 3);
      const linux = await ctx.run([
        "cache",
        "sync",
        "--from",
        ctx.index.url,
        "native-only",
        "--platforms",
        "manylinux_2_28_x86_64",
        "--python-version",
        "3.12",
      ], { env: { GESTVENV_HOME: home } });
      assertEquals(linux.code, 4, linux.stderr);
      assertStringIncludes(linux.stderr, "manylinux_2_28_x86_64:");
    },
  );

  await t.step("a gestvenv-looking server whose hashes lie: rejected, nothing stored", async () => {
    const wheel = buildWheel({ name: "liar", version: "1.0" });
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
      const path = new URL(req.url).pathname;
      const headers = {
        "x-gestvenv-serve": "0.0.0",
        "content-type": "application/vnd.pypi.simple.v1+json",
      };
      if (path === "/simple/") {
        return new Response(
          req.method === "HEAD"
            ? null
            : JSON.stringify({ meta: { "api-version": "1.1" }, projects: [{ name: "liar" }] }),
          { headers },
        );
      }
      if (path === "/simple/liar/") {
        return new Response(
          JSON.stringify({
            meta: { "api-version": "1.1" },
            name: "liar",
            files: [
              {
                filename: wheel.filename,
                url: `/f/${wheel.filename}`,
                hashes: { sha256: "1".repeat(64) },
              },
              { filename: "liar-1.0.tar.gz", url: "/f/liar-1.0.tar.gz", hashes: {} },
            ],
          }),
          { headers },
        );
      }
      if (path.startsWith("/f/")) return new Response(wheel.bytes.slice());
      return new Response("no", { status: 404 });
    });
    try {
      const home = join(ctx.work, "liar-home");
      const url = `http://127.0.0.1:${server.addr.port}/simple/`;
      const result = await ctx.run(["cache", "sync", "--from", url], {
        env: { GESTVENV_HOME: home },
      });
      assertEquals(result.code, 5, result.stderr);
      assertStringIncludes(result.stderr, "0 new (0 B), 0 already present, 2 rejected");
      assertStringIncludes(result.stdout, "the index gives no sha256");
      assertStringIncludes(result.stdout, "sha256 mismatch");
      assertEquals((await cachedShas(home)).size, 0);
    } finally {
      await server.shutdown();
    }
  });
});

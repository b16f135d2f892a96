import { assert, assertEquals, assertStringIncludes } from "../../tests/helpers/assert.ts";
import { join } from "../paths/mod.ts";
import { openCache, type PackageCache } from "../cache/mod.ts";
import { parseHtmlPage, parseJsonPage } from "../index/mod.ts";
import { buildWheel } from "../../tests/helpers/build_wheel.ts";
import { writeSdist } from "../../tests/helpers/build_fixtures.ts";
import { cacheHandler, isLoopback, serveCache } from "./cache_server.ts";
import { SIMPLE_JSON } from "./negotiate.ts";

const BASE = "http://127.0.0.1:9";

async function filledCache(): Promise<{ cache: PackageCache; dir: string; wheelMetadata: string }> {
  const dir = await Deno.makeTempDir({ prefix: "gestvenv-serve-" });
  const cache = await openCache(join(dir, "cache"));
  const wheel = buildWheel({ name: "Demo_Pkg", version: "1.0", requiresPython: ">=3.9" });
  await Deno.writeFile(join(dir, wheel.filename), wheel.bytes);
  await cache.addArtifact(join(dir, wheel.filename), {
    filename: wheel.filename,
    project: "demo-pkg",
    version: "1.0",
    origin: "test",
  });
  const sdist = await writeSdist(dir, "demo_pkg-0.9.tar.gz", [
    {
      name: "demo_pkg-0.9/PKG-INFO",
      data: "Metadata-Version: 2.2\nName: demo-pkg\nVersion: 0.9\nRequires-Python: >=3.7\n",
    },
  ]);
  await cache.addArtifact(sdist.path, {
    filename: sdist.filename,
    project: "demo-pkg",
    version: "0.9",
    origin: "test",
  });
  // A corrupt wheel is still listed (by hash), without metadata.
  await Deno.writeFile(join(dir, "broken-1.0-py3-none-any.whl"), new TextEncoder().encode("junk"));
  await cache.addArtifact(join(dir, "broken-1.0-py3-none-any.whl"), {
    filename: "broken-1.0-py3-none-any.whl",
    project: "broken",
    version: "1.0",
    origin: "test",
  });
  return { cache, dir, wheelMetadata: wheel.metadata! };
}

Deno.test("cacheHandler: root and project pages in both forms, PEP 658 bytes, requires-python from METADATA and PKG-INFO", async () => {
  const { cache, dir, wheelMetadata } = await filledCache();
  try {
    const handle = cacheHandler(cache, { version: "9.9" });
    const get = (path: string, headers: Record<string, string> = {}, method = "GET") =>
      handle(new Request(`${BASE}${path}`, { headers, method }));

    const root = await get("/simple/", { accept: SIMPLE_JSON });
    assertEquals(root.headers.get("x-gestvenv-serve"), "9.9");
    assertEquals(root.headers.get("vary"), "Accept");
    const rootDoc = await root.json();
    assertEquals(rootDoc.projects, [{ name: "broken" }, { name: "demo-pkg" }]);
    assertEquals(rootDoc.meta._gestvenv, { version: "9.9", artifacts: 3 });

    const json = await get("/simple/demo-pkg/", { accept: SIMPLE_JSON });
    const jsonText = await json.text();
    const files = parseJsonPage(jsonText, `${BASE}/simple/demo-pkg/`);
    assertEquals(files.map((f) => [f.filename, f.requiresPython]), [
      ["Demo_Pkg-1.0-py3-none-any.whl", ">=3.9"],
      ["demo_pkg-0.9.tar.gz", ">=3.7"],
    ]);
    assertEquals(JSON.parse(jsonText).versions, ["1.0", "0.9"]);
    const [wheel, sdist] = files;
    assert(typeof wheel!.coreMetadata === "string", "the wheel's metadata is announced");
    assertEquals(sdist!.coreMetadata, false);

    const html = await (await get("/simple/demo-pkg/")).text();
    const htmlFiles = parseHtmlPage(html, `${BASE}/simple/demo-pkg/`);
    assertEquals(htmlFiles, files.map((f) => ({ ...f, size: null, uploadTime: null })));

    const metadata = await get(new URL(wheel!.url).pathname + ".metadata");
    const bytes = new Uint8Array(await metadata.arrayBuffer());
    assertEquals(new TextDecoder().decode(bytes), wheelMetadata);
    const digest = await crypto.subtle.digest("SHA-256", bytes);
    const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
    assertEquals(hex, wheel!.coreMetadata);
    const noSdistMetadata = await get(new URL(sdist!.url).pathname + ".metadata");
    assertEquals(noSdistMetadata.status, 404);
    await noSdistMetadata.body?.cancel();

    const broken = await (await get("/simple/broken/", { accept: SIMPLE_JSON })).json();
    assertEquals(broken.files[0]["core-metadata"], false);
    assertEquals(broken.files[0]["requires-python"], null);

    // Pages carry an ETag: a client revalidating an unchanged page gets 304.
    const etag = json.headers.get("etag")!;
    const unchanged = await get("/simple/demo-pkg/", {
      accept: SIMPLE_JSON,
      "if-none-match": etag,
    });
    assertEquals(unchanged.status, 304);
    assertEquals(unchanged.body, null);
    const otherForm = await get("/simple/demo-pkg/", { "if-none-match": etag });
    assertEquals(otherForm.status, 200, "the HTML form has another ETag");
    await otherForm.body?.cancel();

    // An artifact added now is listed by the next request.
    const late = buildWheel({ name: "late", version: "3.0" });
    await Deno.writeFile(join(dir, late.filename), late.bytes);
    await cache.addArtifact(join(dir, late.filename), {
      filename: late.filename,
      project: "late",
      version: "3.0",
      origin: "test",
    });
    const after = await (await get("/simple/", { accept: SIMPLE_JSON })).json();
    assertEquals(after.projects.map((p: { name: string }) => p.name), [
      "broken",
      "demo-pkg",
      "late",
    ]);
    const changed = await get("/simple/demo-pkg/", { accept: SIMPLE_JSON, "if-none-match": etag });
    assertEquals(changed.status, 304, "the project itself did not change");

    const head = await get(new URL(wheel!.url).pathname, {}, "HEAD");
    assertEquals(head.body, null);
    assertEquals(Number(head.headers.get("content-length")), wheel!.size);
  } finally {
    cache.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cacheHandler: redirects, 404s for what is not a name from the index, 405 for other methods", async () => {
  const { cache, dir } = await filledCache();
  try {
    const handle = cacheHandler(cache);
    const status = async (path: string, method = "GET") => {
      const response = await handle(new Request(`${BASE}${path}`, { method }));
      await response.body?.cancel();
      return [response.status, response.headers.get("location")];
    };
    assertEquals(await status("/"), [301, "/simple/"]);
    assertEquals(await status("/simple"), [301, "/simple/"]);
    assertEquals(await status("/simple/Demo.Pkg/"), [301, "/simple/demo-pkg/"]);
    assertEquals(await status("/simple/demo-pkg"), [301, "/simple/demo-pkg/"]);
    assertEquals(await status("/simple/DEMO_PKG?format=json"), [
      301,
      "/simple/demo-pkg/?format=json",
    ]);
    assertEquals(await status("/simple/absent/"), [404, null]);
    assertEquals(await status("/simple/..%2f/"), [404, null]);
    assertEquals(await status("/simple/a/b/"), [404, null]);
    const rows = await cache.list();
    const wheel = rows.find((r) => r.filename.endsWith(".whl") && r.project === "demo-pkg")!;
    assertEquals(await status(`/files/${wheel.sha256}/${wheel.filename}`), [200, null]);
    assertEquals(await status(`/files/${wheel.sha256}/other-1.0-py3-none-any.whl`), [404, null]);
    assertEquals(await status(`/files/${wheel.sha256.toUpperCase()}/${wheel.filename}`), [
      404,
      null,
    ]);
    assertEquals(await status(`/files/${wheel.sha256}/%E0%A4%A`), [404, null]);
    assertEquals(await status(`/files/${wheel.sha256}/..%2F..%2F..%2Fetc%2Fpasswd`), [404, null]);
    assertEquals(await status(`/files/${wheel.sha256}/${wheel.filename}`, "PUT"), [405, null]);
    assertEquals(await status("/simple/", "POST"), [405, null]);
  } finally {
    cache.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("serveCache: a download holds its slot; past the queue bound it answers 503; the slot comes back", async () => {
  const { cache, dir } = await filledCache();
  const server = serveCache(cache, { maxConcurrency: 1, maxQueue: 0 });
  try {
    assertStringIncludes(server.url, "http://127.0.0.1:");
    // Large enough that the socket's buffers fill and the body stays unsent until read.
    const big = new Uint8Array(32 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 65536) crypto.getRandomValues(big.subarray(i, i + 65536));
    await Deno.writeFile(join(dir, "big-1.0.tar.gz"), big);
    const sdist = await cache.addArtifact(join(dir, "big-1.0.tar.gz"), {
      filename: "big-1.0.tar.gz",
      project: "big",
      version: "1.0",
      origin: "test",
    });
    const fileUrl = new URL(`/files/${sdist.sha256}/${sdist.filename}`, server.url);
    const holding = await fetch(fileUrl);
    assertEquals(holding.status, 200);
    const busy = await fetch(server.url);
    assertEquals(busy.status, 503);
    assertEquals(busy.headers.get("retry-after"), "1");
    await busy.body?.cancel();
    assertEquals((await holding.arrayBuffer()).byteLength, sdist.size);
    // The slot is released once the body is sent.
    let ok = 0;
    for (let i = 0; i < 50 && ok === 0; i++) {
      const again = await fetch(server.url);
      await again.body?.cancel();
      if (again.status === 200) ok++;
      else await new Promise((r) => setTimeout(r, 20));
    }
    assertEquals(ok, 1);
  } finally {
    await server.close();
    cache.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("serveCache: a client that stalls a download loses its slot after the idle timeout", async () => {
  const { cache, dir } = await filledCache();
  const server = serveCache(cache, { maxConcurrency: 1, maxQueue: 0, idleTimeoutMs: 300 });
  try {
    const big = new Uint8Array(32 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 65536) crypto.getRandomValues(big.subarray(i, i + 65536));
    await Deno.writeFile(join(dir, "big-1.0.tar.gz"), big);
    const stored = await cache.addArtifact(join(dir, "big-1.0.tar.gz"), {
      filename: "big-1.0.tar.gz",
      project: "big",
      version: "1.0",
      origin: "test",
    });
    const stalled = await fetch(new URL(`/files/${stored.sha256}/${stored.filename}`, server.url));
    assertEquals(stalled.status, 200);
    const busy = await fetch(server.url);
    await busy.body?.cancel();
    assertEquals(busy.status, 503, "the stalled download holds the only slot");
    await new Promise((r) => setTimeout(r, 800));
    const freed = await fetch(server.url);
    await freed.body?.cancel();
    assertEquals(freed.status, 200, "the slot came back after the idle timeout");
    await stalled.body?.cancel().catch(() => {});
  } finally {
    await server.close();
    cache.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("serveCache: a port in use is a usage error with a hint", async () => {
  const { cache, dir } = await filledCache();
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (listener.addr as Deno.NetAddr).port;
    let error: unknown;
    try {
      serveCache(cache, { port });
    } catch (e) {
      error = e;
    }
    assertEquals((error as { exitCode?: number }).exitCode, 2);
    assertStringIncludes(String((error as Error).message), "in use");
  } finally {
    listener.close();
    cache.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("isLoopback: the one rule `cache serve` and `dashboard serve` warn by", () => {
  for (const host of ["localhost", "LocalHost", "::1", "[::1]", "127.0.0.1", "127.1.2.3"]) {
    assert(isLoopback(host), host);
  }
  for (
    const host of ["0.0.0.0", "::", "192.168.1.2", "127.0.0.1.evil", "1127.0.0.1", "localhost."]
  ) {
    assert(!isLoopback(host), host);
  }
});

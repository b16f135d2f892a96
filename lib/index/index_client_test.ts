/**
 * The index client against a misbehaving index (tests/helpers/bad_index.ts): cache entries that
 * fail their checksum are not used, `--refresh` cannot keep a poisoned page, garbage is a network
 * error naming the URL, hostile sdists are bounded, sdist builds run in parallel and their
 * failures are remembered.
 */
import {
  assert,
  assertEquals,
  assertRejects,
  assertStringIncludes,
} from "../../tests/helpers/assert.ts";
import { serveBadIndex } from "../../tests/helpers/bad_index.ts";
import { buildWheel } from "../../tests/helpers/build_wheel.ts";
import { BackendError, DistributionError, NetworkError } from "../errors/mod.ts";
import { HttpClient, IndexClient, type IndexClientOptions, sha256Hex } from "./mod.ts";
import { readSdistPkgInfo } from "./sdist_metadata.ts";

const DEMO = buildWheel({ name: "demo", version: "1.0", dependencies: ["dep>=1"] });
const DEP = buildWheel({ name: "dep", version: "1.0" });

async function withCache<T>(fn: (cacheDir: string) => Promise<T>): Promise<T> {
  const cacheDir = await Deno.makeTempDir({ prefix: "gv-index-" });
  try {
    return await fn(cacheDir);
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
}

function client(
  url: string,
  cacheDir: string,
  options: Partial<IndexClientOptions> = {},
): IndexClient {
  return new IndexClient({
    indexes: [url],
    cacheDir,
    http: new HttpClient({ backoffMs: 5 }),
    ...options,
  });
}

async function demoHash(c: IndexClient): Promise<string | null | undefined> {
  return (await c.projectFiles("demo"))?.files[0]?.sha256;
}

async function pageEntry(cacheDir: string): Promise<string> {
  for await (const dir of Deno.readDir(`${cacheDir}/simple-v1`)) {
    return `${cacheDir}/simple-v1/${dir.name}/demo.json`;
  }
  throw new Error("no page cache");
}

Deno.test("a page cache entry that fails its checksum is not used, nor sent as a conditional base", async () => {
  await using index = serveBadIndex([DEMO], { cacheControl: "max-age=600", etags: true });
  await withCache(async (cacheDir) => {
    assertEquals(await demoHash(client(index.url, cacheDir)), DEMO.sha256);
    assertEquals(await demoHash(client(index.url, cacheDir)), DEMO.sha256);
    assertEquals(index.count("/simple/demo/"), 1, "a fresh page sends no request");
    // Someone edits the cached page: a different hash for the file.
    const path = await pageEntry(cacheDir);
    const text = await Deno.readTextFile(path);
    assertStringIncludes(text, DEMO.sha256);
    await Deno.writeTextFile(path, text.replace(DEMO.sha256, "0".repeat(64)));
    assertEquals(await demoHash(client(index.url, cacheDir)), DEMO.sha256);
    assertEquals(index.count("/simple/demo/"), 2, "the edited entry was fetched again");
    const last = index.received.at(-1)!;
    assertEquals(last.headers.get("if-none-match"), null, "never revalidated from a bad entry");
    // A truncated entry, and one from another format version, are absent too.
    await Deno.writeTextFile(path, (await Deno.readTextFile(path)).slice(0, 200));
    assertEquals(await demoHash(client(index.url, cacheDir)), DEMO.sha256);
    await Deno.writeTextFile(
      path,
      (await Deno.readTextFile(path)).replace(
        /^gestvenv-simple-page 2 /,
        "gestvenv-simple-page 1 ",
      ),
    );
    assertEquals(await demoHash(client(index.url, cacheDir)), DEMO.sha256);
    assertEquals(index.count("/simple/demo/"), 4);
  });
});

Deno.test("--refresh fetches unconditionally: a server answering 304 cannot keep a poisoned page", async () => {
  await using index = serveBadIndex([DEMO], { etags: true });
  await withCache(async (cacheDir) => {
    // A bad answer got into the cache with a valid checksum (the index served wrong hashes).
    index.misbehave("wrong-hashes", { times: 1 });
    const poisoned = await demoHash(client(index.url, cacheDir));
    assert(poisoned !== DEMO.sha256);
    // The index is fixed, but it (or a proxy) answers 304 to every conditional request.
    index.misbehave({ status: 304 }, { when: (r) => r.headers.has("if-none-match") });
    assertEquals(await demoHash(client(index.url, cacheDir)), poisoned, "HTTP semantics: 304");
    const refreshed = client(index.url, cacheDir, { refresh: true });
    assertEquals(await demoHash(refreshed), DEMO.sha256);
    assertEquals(index.received.at(-1)!.headers.get("if-none-match"), null);
    // Asked again in the same run, the refreshed page is read back without a request.
    const before = index.count();
    assertEquals(await demoHash(refreshed), DEMO.sha256);
    assertEquals(index.count(), before);
    // And the next normal run uses the good page.
    assertEquals(await demoHash(client(index.url, cacheDir)), DEMO.sha256);
    // A server that answers 304 even to an unconditional request is an error, not a cache hit.
    index.misbehave({ status: 304 });
    await assertRejects(
      () => demoHash(client(index.url, cacheDir, { refresh: true })),
      NetworkError,
      `${index.url}/demo/ answered 304 Not Modified to a request that was not conditional`,
    );
  });
});

Deno.test("garbage, invalid JSON and a misbehaving index are network errors naming the URL, not 'not found'", async () => {
  await using index = serveBadIndex([DEMO], { json: true });
  await withCache(async (cacheDir) => {
    const cases: [Parameters<typeof index.misbehave>[0], string][] = [
      ["garbage", "the body is not UTF-8 text"],
      [{ garbage: "application/vnd.pypi.simple.v1+json" }, "the body is not UTF-8 text"],
      [{ status: 500 }, "answered HTTP 500"],
      ["reset", "after 4 attempts"],
      ["truncate", "after 4 attempts"],
    ];
    for (const [behavior, reason] of cases) {
      index.behave();
      index.misbehave(behavior);
      const error = await assertRejects(
        () => client(index.url, cacheDir).projectFiles("demo"),
        NetworkError,
        `${index.url}/demo/`,
      );
      assertStringIncludes(error.message, reason);
    }
    index.behave();
    index.misbehave({ status: 200, body: "{not json" }, { path: "/simple/demo/", times: 1 });
    await assertRejects(
      () => client(index.url, cacheDir).projectFiles("demo"),
      NetworkError,
      "invalid JSON",
    );
    index.misbehave({ status: 200, body: '{"files": "nope"}' }, { times: 1 });
    await assertRejects(
      () => client(index.url, cacheDir).projectFiles("demo"),
      NetworkError,
      "JSON that is not a PEP 691 project page",
    );
    index.misbehave({ status: 200, body: "Service temporarily unavailable\n" }, { times: 1 });
    await assertRejects(
      () => client(index.url, cacheDir).projectFiles("demo"),
      NetworkError,
      "neither HTML nor JSON",
    );
    // 404 stays "not on this index".
    assertEquals(await client(index.url, cacheDir).projectFiles("absent"), null);
  });
});

Deno.test("a page under a wrong Content-Type is still read when it is a page", async () => {
  await using index = serveBadIndex([DEMO], { json: true });
  await withCache(async (cacheDir) => {
    index.misbehave({ contentType: "application/octet-stream" });
    assertEquals(await demoHash(client(index.url, cacheDir)), DEMO.sha256);
    index.misbehave({ contentType: "text/html" });
    assertEquals(await demoHash(client(index.url, cacheDir, { refresh: true })), DEMO.sha256);
  });
});

Deno.test("hashes that do not match the files: a PEP 658 mismatch and a download mismatch fail", async () => {
  await withCache(async (cacheDir) => {
    await using pep658 = serveBadIndex([DEMO], { json: true, metadata: true });
    pep658.misbehave("wrong-hashes", { path: "/simple/demo/" });
    const c = client(pep658.url, cacheDir);
    const file = (await c.projectFiles("demo"))!.files[0]!;
    await assertRejects(() => c.metadata(file), NetworkError, "does not match its sha256");
  });
  await withCache(async (cacheDir) => {
    // Without PEP 658 and without range requests, the whole wheel is read and checked.
    await using plain = serveBadIndex([DEMO]);
    plain.misbehave("wrong-hashes", { path: "/simple/demo/" });
    plain.misbehave("no-range", { path: /\.whl$/ });
    const c = client(plain.url, cacheDir);
    const file = (await c.projectFiles("demo"))!.files[0]!;
    await assertRejects(() => c.metadata(file), NetworkError, "does not match its sha256");
  });
});

Deno.test("a corrupted METADATA cache entry is fetched again; .metadata answers are bounded", async () => {
  await using index = serveBadIndex([DEMO, DEP], { json: true, metadata: true });
  await withCache(async (cacheDir) => {
    const c = client(index.url, cacheDir);
    const file = (await c.projectFiles("demo"))!.files[0]!;
    assertEquals((await c.metadata(file)).requiresDist, ["dep>=1"]);
    const path = `${cacheDir}/metadata-v1/${DEMO.sha256.slice(0, 2)}/${DEMO.sha256}.METADATA`;
    const text = await Deno.readTextFile(path);
    await Deno.writeTextFile(path, text.replace("dep>=1", "evil>=6"));
    const again = client(index.url, cacheDir);
    assertEquals((await again.metadata(file)).requiresDist, ["dep>=1"]);
    assertEquals(index.count("/files/demo-1.0-py3-none-any.whl.metadata"), 2);
    // A .metadata file larger than the bound is refused while it is read.
    await Deno.remove(path);
    index.misbehave({ status: 200, body: "Name: demo\n" + "X: y\n".repeat(2_000_000) }, {
      path: /\.metadata$/,
    });
    await assertRejects(
      () => client(index.url, cacheDir).metadata(file),
      DistributionError,
      "sent more than 8388608 bytes",
    );
  });
});

/** A tar.gz sdist whose first entry has `size` zero bytes (streamed), then PKG-INFO. */
async function sdistWith(pkgInfo: string, filler: number, declared?: number): Promise<Uint8Array> {
  const header = (name: string, size: number) => {
    const h = new Uint8Array(512);
    const put = (text: string, at: number) => h.set(new TextEncoder().encode(text), at);
    put(name, 0);
    put("0000644\0", 100);
    put(size.toString(8).padStart(11, "0") + "\0", 124);
    put("0", 156);
    put("ustar\x0000", 257);
    put("        ", 148);
    const sum = h.reduce((a, b) => a + b, 0);
    put(sum.toString(8).padStart(6, "0") + "\0 ", 148);
    return h;
  };
  const info = new TextEncoder().encode(pkgInfo);
  const zeros = new Uint8Array(1 << 20);
  let left = -1;
  const parts = [header("pkg-1.0/big.bin", filler)];
  const tail = [
    new Uint8Array((512 - (filler % 512)) % 512),
    header("pkg-1.0/PKG-INFO", declared ?? info.length),
    info,
    new Uint8Array((512 - (info.length % 512)) % 512),
    new Uint8Array(1024),
  ];
  const stream = new ReadableStream<BufferSource>({
    pull(controller) {
      if (left < 0) {
        left = filler;
        for (const p of parts) controller.enqueue(p);
        return;
      }
      if (left > 0) {
        const n = Math.min(left, zeros.length);
        left -= n;
        controller.enqueue(zeros.subarray(0, n));
        return;
      }
      for (const p of tail) controller.enqueue(p);
      controller.close();
    },
  });
  return new Uint8Array(
    await new Response(stream.pipeThrough(new CompressionStream("gzip"))).arrayBuffer(),
  );
}

Deno.test("sdist PKG-INFO is read as a stream: a huge entry before it costs no memory; a huge PKG-INFO is refused", async () => {
  const info = "Metadata-Version: 2.2\nName: pkg\nVersion: 1.0\nRequires-Dist: dep\n\n";
  const big = await sdistWith(info, 500 << 20);
  assert(big.length < 2 << 20);
  const before = Deno.memoryUsage().rss;
  assertEquals(await readSdistPkgInfo("pkg-1.0.tar.gz", big), info);
  const grown = Deno.memoryUsage().rss - before;
  assert(grown < 200 << 20, `reading 500 MiB grew RSS by ${grown >> 20} MiB`);
  await assertRejects(
    () => readSdistPkgInfo("pkg-1.0.tar.gz", big.slice(0, 100)),
    DistributionError,
    "pkg-1.0.tar.gz: corrupt archive",
  );
  const liar = await sdistWith(info, 0, 200 << 20);
  await assertRejects(
    () => readSdistPkgInfo("pkg-1.0.tar.gz", liar),
    DistributionError,
    "PKG-INFO is larger than 8 MiB (declared 200 MiB)",
  );
});

/** An sdist (zip) whose PKG-INFO marks its dependencies dynamic, so it must be built. */
async function dynamicSdist(name: string): Promise<{ filename: string; bytes: Uint8Array }> {
  const { zipSync } = await import("fflate");
  const info = `Metadata-Version: 2.2\nName: ${name}\nVersion: 1.0\nDynamic: Requires-Dist\n\n`;
  return {
    filename: `${name}-1.0.zip`,
    bytes: zipSync({ [`${name}-1.0/PKG-INFO`]: new TextEncoder().encode(info) }),
  };
}

Deno.test("sdist metadata builds run in parallel up to the bound; a failed build is remembered until --refresh", async () => {
  const sdists = await Promise.all(["one", "two", "three", "bad"].map(dynamicSdist));
  await using index = serveBadIndex([], {
    extraFiles: Object.fromEntries(sdists.map((s) => [s.filename, s.bytes])),
  });
  await withCache(async (cacheDir) => {
    let running = 0, most = 0;
    const built: string[] = [];
    const builder = {
      id: "/usr/bin/python3.11",
      async build(path: string) {
        const name = path.split("/").pop()!.replace(/-1\.0\.zip$/, "");
        built.push(name);
        most = Math.max(most, ++running);
        await new Promise((r) => setTimeout(r, 100));
        running--;
        if (name === "bad") {
          throw new BackendError("pip failed to build bad-1.0.zip", { details: "gcc: not found" });
        }
        return `Metadata-Version: 2.1\nName: ${name}\nVersion: 1.0\nRequires-Dist: dep\n\n`;
      },
    };
    const c = client(index.url, cacheDir, { buildMetadata: builder, buildConcurrency: 2 });
    const files = await Promise.all(
      ["one", "two", "three"].map(async (n) => (await c.projectFiles(n))!.files[0]!),
    );
    const metadata = await Promise.all(files.map((f) => c.metadata(f)));
    assertEquals(metadata.map((m) => m.requiresDist), [["dep"], ["dep"], ["dep"]]);
    assertEquals(most, 2, "two builds at a time, not one, not three");
    const bad = (await c.projectFiles("bad"))!.files[0]!;
    await assertRejects(() => c.metadata(bad), BackendError, "pip failed to build bad-1.0.zip");
    assertEquals(built.filter((n) => n === "bad").length, 1);
    // A new run with the same interpreter does not build it again.
    const error = await assertRejects(
      () => client(index.url, cacheDir, { buildMetadata: builder }).metadata(bad),
      BackendError,
      "pip failed to build bad-1.0.zip (remembered from",
    ) as BackendError;
    assertEquals(error.details, "gcc: not found");
    assertStringIncludes(error.hint ?? "", "--refresh");
    assertEquals(built.filter((n) => n === "bad").length, 1);
    // Another interpreter builds it; so does --refresh.
    await assertRejects(
      () =>
        client(index.url, cacheDir, { buildMetadata: { ...builder, id: "/other" } }).metadata(bad),
      BackendError,
    );
    await assertRejects(
      () => client(index.url, cacheDir, { buildMetadata: builder, refresh: true }).metadata(bad),
      BackendError,
    );
    assertEquals(built.filter((n) => n === "bad").length, 3);
    // Successful builds are cached by the sdist's sha256.
    const count = built.length;
    await client(index.url, cacheDir, { buildMetadata: builder }).metadata(files[0]!);
    assertEquals(built.length, count);
    assertEquals(files[0]!.sha256, await sha256Hex(sdists[0]!.bytes));
  });
});

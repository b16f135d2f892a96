/**
 * Unit tests of lib/bundle: the tar writer against our reader and Python's tarfile, compression
 * detection and names, platform matching, manifest validation, and importing hostile or damaged
 * bundles into a real cache (rejected before anything is stored).
 */
import { join } from "node:path";
import { assert, assertEquals, assertRejects } from "../../tests/helpers/assert.ts";

/** `fn` throws an error of class `type` whose message includes `includes`. */
async function assertThrows(
  fn: () => unknown,
  type: new (...args: never[]) => Error,
  includes?: string,
): Promise<Error> {
  return await assertRejects(async () => await fn(), type as never, includes);
}
import { buildWheel } from "../../tests/helpers/build_wheel.ts";
import { openCache, type PackageCache } from "../cache/mod.ts";
import { CacheError, InvalidSyntaxError, UsageError } from "../errors/mod.ts";
import { readTar } from "../tar/mod.ts";
import {
  BUNDLE_MANIFEST,
  type BundleManifest,
  compressionForPath,
  detectCompression,
  importBundle,
  parseBundleManifest,
  parseCompression,
  planBundle,
  readBundleManifest,
  selectArtifacts,
  simplePages,
  TarWriter,
  writeBundle,
} from "./mod.ts";

async function tarBytes(write: (tar: TarWriter) => Promise<void>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const sink = new WritableStream<Uint8Array>({ write: (c) => void chunks.push(c.slice()) });
  const tar = new TarWriter(sink.getWriter(), 1_700_000_000);
  await write(tar);
  await tar.finish();
  return new Uint8Array(await new Blob(chunks as BlobPart[]).arrayBuffer());
}

Deno.test("tar writer: long names (pax), empty and multi-chunk files read back by lib/tar and by Python's tarfile", async () => {
  const long = `files/${"x".repeat(150)}.whl`;
  const big = new Uint8Array(3000).map((_, i) => i % 251);
  const bytes = await tarBytes(async (tar) => {
    await tar.addBytes("a.txt", new TextEncoder().encode("hello"));
    await tar.addBytes("empty", new Uint8Array());
    await tar.addFile(
      long,
      big.length,
      (async function* () {
        yield big.subarray(0, 1000);
        yield big.subarray(1000);
      })(),
    );
  });
  assertEquals(bytes.length % 512, 0);
  const seen: Array<[string, number]> = [];
  await readTar(new Blob([bytes as BlobPart]).stream(), async (entry, data) => {
    let n = 0;
    for await (const c of data.chunks()) n += c.length;
    seen.push([entry.name, n]);
  });
  assertEquals(seen, [["a.txt", 5], ["empty", 0], [long, 3000]]);
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(join(dir, "t.tar"), bytes);
    const out = await new Deno.Command("python3", {
      args: [
        "-c",
        "import sys,tarfile\nfor m in tarfile.open(sys.argv[1]): print(m.name, m.size, oct(m.mode))",
        join(dir, "t.tar"),
      ],
    }).output();
    assertEquals(
      new TextDecoder().decode(out.stdout).trim().split("\n"),
      ["a.txt 5 0o644", "empty 0 0o644", `${long} 3000 0o644`],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tar writer: refuses unsafe names, a name twice, and a source that gives the wrong size", async () => {
  for (const name of ["/abs", "../up", "a/../b", ""]) {
    await assertRejects(() => tarBytes((tar) => tar.addBytes(name, new Uint8Array(1))), UsageError);
  }
  await assertRejects(
    () =>
      tarBytes(async (tar) => {
        await tar.addBytes("a", new Uint8Array(1));
        await tar.addBytes("a", new Uint8Array(1));
      }),
    UsageError,
    "twice",
  );
  await assertRejects(
    () =>
      tarBytes((tar) =>
        tar.addFile(
          "short",
          10,
          (async function* () {
            yield new Uint8Array(4);
          })(),
        )
      ),
    UsageError,
    "4 bytes were read where 10",
  );
});

Deno.test("compression: from names, from first bytes, lz4 refused with a pointer to zstd", async () => {
  assertEquals(compressionForPath("/x/a.tar.gz"), "gzip");
  assertEquals(compressionForPath("a.TGZ"), "gzip");
  assertEquals(compressionForPath("a.tar.zst"), "zstd");
  assertEquals(compressionForPath("a.tar"), "none");
  assertEquals(compressionForPath("a.bundle"), undefined);
  assertEquals(parseCompression("gz"), "gzip");
  assertEquals(parseCompression("ZSTD"), "zstd");
  assertEquals(parseCompression("none"), "none");
  const lz4 = await assertThrows(() => parseCompression("lz4"), UsageError, "lz4");
  assert((lz4 as UsageError).hint!.includes("zstd"));
  await assertThrows(() => parseCompression("bz2"), UsageError, "Unknown compression");
  assertEquals(detectCompression(new Uint8Array([0x1f, 0x8b, 8])), "gzip");
  assertEquals(detectCompression(new Uint8Array([0x28, 0xb5, 0x2f, 0xfd])), "zstd");
  const tar = new Uint8Array(512);
  tar.set(new TextEncoder().encode("ustar"), 257);
  assertEquals(detectCompression(tar), "none");
  assertEquals(detectCompression(new TextEncoder().encode("{}")), undefined);
});

function manifestWith(files: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    gestvenv_bundle_version: 1,
    created: "2026-01-01T00:00:00Z",
    gestvenv_version: "0.1.0",
    platforms: null,
    files,
    environment: null,
    ...extra,
  });
}

const SHA = "a".repeat(64);
const GOOD_FILE = {
  path: "files/demo-1.0-py3-none-any.whl",
  filename: "demo-1.0-py3-none-any.whl",
  kind: "wheel",
  sha256: SHA,
  size: 3,
  project: "demo",
  version: "1.0",
  origin: null,
  requires_python: null,
  metadata_of: null,
};

Deno.test("manifest: hostile or malformed manifests are refused, naming the field", async () => {
  assertEquals(parseBundleManifest(manifestWith([GOOD_FILE]), "b").files.length, 1);
  const bad: Array<[string, string]> = [
    [manifestWith([{ ...GOOD_FILE, path: "../demo-1.0-py3-none-any.whl" }]), "path must be"],
    [manifestWith([{ ...GOOD_FILE, filename: "../x.whl", path: "files/../x.whl" }]), "unsafe"],
    [manifestWith([{ ...GOOD_FILE, filename: ".hidden", path: "files/.hidden" }]), "unsafe"],
    [manifestWith([GOOD_FILE, GOOD_FILE]), "listed twice"],
    [manifestWith([{ ...GOOD_FILE, sha256: "XYZ" }]), "sha256"],
    [manifestWith([{ ...GOOD_FILE, size: -1 }]), "size"],
    [manifestWith([{ ...GOOD_FILE, kind: "sdist" }]), "not a sdist file name"],
    [manifestWith([{ ...GOOD_FILE, kind: "script" }]), "kind"],
    [manifestWith([], { gestvenv_bundle_version: 2 }), "format version 2"],
    [JSON.stringify({ files: [] }), "no `gestvenv_bundle_version`"],
    ["{", "not valid JSON"],
  ];
  for (const [text, message] of bad) {
    await assertThrows(() => parseBundleManifest(text, "b.tar"), InvalidSyntaxError, message);
  }
});

Deno.test("simple pages: relative links with sha256, requires-python and PEP 658 metadata, HTML escaped", () => {
  const pages = simplePages(
    [
      { ...GOOD_FILE, requires_python: ">=3.8" },
      {
        ...GOOD_FILE,
        path: "files/demo-1.0-py3-none-any.whl.metadata",
        filename: "demo-1.0-py3-none-any.whl.metadata",
        kind: "metadata",
        sha256: "b".repeat(64),
        metadata_of: "demo-1.0-py3-none-any.whl",
      },
    ] as BundleManifest["files"],
  );
  assertEquals([...pages.keys()], ["simple/index.html", "simple/demo/index.html"]);
  const page = pages.get("simple/demo/index.html")!;
  assert(
    page.includes(
      `<a href="../../files/demo-1.0-py3-none-any.whl#sha256=${SHA}" data-requires-python="&gt;=3.8" data-dist-info-metadata="sha256=${
        "b".repeat(64)
      }"`,
    ),
    page,
  );
  assert(pages.get("simple/index.html")!.includes('<a href="demo/">demo</a>'));
});

/** A cache in a temp dir holding two wheels (one depends on the other). */
async function filledCache(): Promise<{ cache: PackageCache; dir: string }> {
  const dir = await Deno.makeTempDir();
  const cache = await openCache(join(dir, "cache"));
  for (
    const w of [
      buildWheel({ name: "dep", version: "1.0", requiresPython: ">=3.8" }),
      buildWheel({ name: "app", version: "2.0", dependencies: ["dep>=1"] }),
      buildWheel({ name: "lonely", version: "0.1" }),
    ]
  ) {
    const path = join(dir, w.filename);
    await Deno.writeFile(path, w.bytes);
    await cache.addArtifact(path, {
      filename: w.filename,
      project: w.name,
      version: w.version,
      origin: `https://example.invalid/files/${w.filename}`,
    });
  }
  return { cache, dir };
}

Deno.test("select: requirements take their dependencies from the cache; an unknown one is named", async () => {
  const { cache, dir } = await filledCache();
  try {
    const rows = await selectArtifacts(cache, { requirements: ["app"] });
    assertEquals(rows.map((r) => r.filename), [
      "app-2.0-py3-none-any.whl",
      "dep-1.0-py3-none-any.whl",
    ]);
    assertEquals((await selectArtifacts(cache)).length, 3);
    await assertRejects(
      () => selectArtifacts(cache, { requirements: ["app", "missing>=1"] }),
      Error,
      "no file for missing>=1",
    );
    assertEquals(
      (await selectArtifacts(cache, { requirements: ["app==9"] }).catch((e) => e)).message,
      "The cache has no file for app==9",
    );
  } finally {
    cache.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("write + import: a bundle made from one cache imports into another, then again as all present", async () => {
  const { cache, dir } = await filledCache();
  const other = await openCache(join(dir, "other"));
  try {
    const plan = await planBundle(cache, await selectArtifacts(cache), { gestvenvVersion: "t" });
    const written = await writeBundle(plan, join(dir, "b.tar.zst"), { compression: "zstd" });
    assertEquals(written.artifacts, 3);
    const manifest = await readBundleManifest(written.path);
    assertEquals(manifest?.files.length, 6, "three wheels and their METADATA");
    assertEquals(
      manifest?.files.find((f) => f.filename.startsWith("dep-1.0") && f.kind === "wheel")
        ?.requires_python,
      ">=3.8",
    );
    const first = await importBundle(other, written.path);
    assertEquals(first.added.length, 3);
    assertEquals(first.present.length, 0);
    assertEquals((await other.list()).map((r) => r.sha256).sort(), [...plan.sources.keys()].sort());
    const row = (await other.list()).find((r) => r.project === "app")!;
    assertEquals(row.origin, "https://example.invalid/files/app-2.0-py3-none-any.whl");
    const second = await importBundle(other, written.path);
    assertEquals([second.added.length, second.present.length], [0, 3]);
  } finally {
    cache.close();
    other.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("write: an artifact whose bytes changed in the cache aborts the export and leaves no file", async () => {
  const { cache, dir } = await filledCache();
  try {
    const plan = await planBundle(cache, await selectArtifacts(cache), { gestvenvVersion: "t" });
    const victim = [...plan.sources.values()][0]!;
    await Deno.chmod(victim, 0o644);
    const bytes = await Deno.readFile(victim);
    bytes[10]! ^= 1;
    await Deno.writeFile(victim, bytes);
    const dest = join(dir, "b.tar.gz");
    await assertRejects(
      () => writeBundle(plan, dest, { compression: "gzip" }),
      CacheError,
      "is corrupt",
    );
    assertEquals(await Deno.lstat(dest).then(() => true, () => false), false);
    const left = (await Array.fromAsync(Deno.readDir(dir))).filter((e) => e.name.includes(".tmp-"));
    assertEquals(left, []);
  } finally {
    cache.close();
    await Deno.remove(dir, { recursive: true });
  }
});

/** A plain tar with a manifest and the given entries (name, bytes or a special type). */
async function craftBundle(
  manifest: string,
  entries: Array<{ name: string; bytes?: Uint8Array; declared?: number; type?: string }>,
): Promise<Uint8Array> {
  const enc = new TextEncoder();
  const block = (name: string, size: number, type: string) => {
    const h = new Uint8Array(512);
    h.set(enc.encode(name).subarray(0, 100), 0);
    h.set(enc.encode("0000644\0"), 100);
    h.set(enc.encode("0000000\0"), 108);
    h.set(enc.encode("0000000\0"), 116);
    h.set(enc.encode(size.toString(8).padStart(11, "0") + "\0"), 124);
    h.set(enc.encode("00000000000\0"), 136);
    h.fill(0x20, 148, 156);
    h.set(enc.encode(type), 156);
    h.set(enc.encode("ustar\x0000"), 257);
    let sum = 0;
    for (const b of h) sum += b;
    h.set(enc.encode(sum.toString(8).padStart(6, "0") + "\0 "), 148);
    return h;
  };
  const parts: Uint8Array[] = [];
  const add = (name: string, bytes: Uint8Array, declared = bytes.length, type = "0") => {
    parts.push(
      block(name, declared, type),
      bytes,
      new Uint8Array((512 - bytes.length % 512) % 512),
    );
  };
  add(BUNDLE_MANIFEST, enc.encode(manifest));
  for (const e of entries) add(e.name, e.bytes ?? new Uint8Array(), e.declared, e.type);
  parts.push(new Uint8Array(1024));
  return new Uint8Array(await new Blob(parts as BlobPart[]).arrayBuffer());
}

Deno.test("import: devices, size lies, unlisted or missing files and a non-bundle are refused; the cache stays empty", async () => {
  const dir = await Deno.makeTempDir();
  const cache = await openCache(join(dir, "cache"));
  try {
    const wheel = buildWheel({ name: "demo", version: "1.0" });
    const file = {
      ...GOOD_FILE,
      sha256: wheel.sha256,
      size: wheel.bytes.length,
    };
    const manifest = manifestWith([file]);
    const cases: Array<[string, Uint8Array, string]> = [
      [
        "device",
        await craftBundle(manifest, [{ name: file.path, type: "3" }]),
        "is a device",
      ],
      [
        "hardlink",
        await craftBundle(manifest, [{ name: file.path, type: "1" }]),
        "is a hard link",
      ],
      [
        "size lie",
        await craftBundle(manifest, [{ name: file.path, bytes: wheel.bytes.subarray(1) }]),
        "holds",
      ],
      ["missing file", await craftBundle(manifest, []), "1 file the manifest lists is missing"],
      [
        "unlisted",
        await craftBundle(manifest, [{
          name: "simple/other/index.html",
          bytes: new Uint8Array(3),
        }]),
        "unexpected entry simple/other/index.html",
      ],
      [
        "unexpected directory",
        await craftBundle(manifest, [{ name: "etc/", type: "5" }]),
        "unexpected directory",
      ],
    ];
    for (const [what, bytes, message] of cases) {
      const path = join(dir, `${what}.tar`);
      await Deno.writeFile(path, bytes);
      await assertRejects(() => importBundle(cache, path), CacheError, message);
      assertEquals(await cache.list(), [], what);
    }
    // An archive whose first entry is something else is not a bundle (exit 2), and
    // readBundleManifest says so by returning null.
    const notBundle = join(dir, "other.tar");
    const plain = await tarBytes((tar) => tar.addBytes("README", new Uint8Array(1)));
    await Deno.writeFile(notBundle, plain);
    await assertRejects(() => importBundle(cache, notBundle), InvalidSyntaxError, "first entry");
    assertEquals(await readBundleManifest(notBundle), null);
    const text = join(dir, "x.json");
    await Deno.writeTextFile(text, "{}");
    assertEquals(await readBundleManifest(text), null);
    // Nothing was left in the cache's bucket.
    const left = (await Array.fromAsync(Deno.readDir(join(dir, "cache", "artifacts-v1"))))
      .filter((e) => e.name.includes(".tmp-"));
    assertEquals(left, []);
  } finally {
    cache.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("select: --platforms keeps the wheels for those platforms, pure wheels and sdists", async () => {
  const dir = await Deno.makeTempDir();
  const cache = await openCache(join(dir, "cache"));
  try {
    for (
      const tag of [
        "cp312-cp312-win_amd64",
        "cp312-cp312-manylinux_2_17_x86_64",
        "cp312-cp312-macosx_11_0_arm64",
        "py3-none-any",
      ]
    ) {
      const w = buildWheel({ name: tag === "py3-none-any" ? "pure" : "native", version: "1", tag });
      const path = join(dir, w.filename);
      await Deno.writeFile(path, w.bytes);
      await cache.addArtifact(path, {
        filename: w.filename,
        project: "",
        version: "",
        origin: "x",
      });
    }
    const sdist = join(dir, "native-1.tar.gz");
    await Deno.writeFile(sdist, new Uint8Array([0x1f, 0x8b, 8, 0]));
    await cache.addArtifact(sdist, {
      filename: "native-1.tar.gz",
      project: "",
      version: "",
      origin: "x",
    });
    const names = async (platforms: string[]) =>
      (await selectArtifacts(cache, { platforms })).map((r) => r.filename);
    assertEquals(await names(["win_amd64", "manylinux_2_28_x86_64"]), [
      "native-1-cp312-cp312-manylinux_2_17_x86_64.whl",
      "native-1-cp312-cp312-win_amd64.whl",
      "native-1.tar.gz",
      "pure-1-py3-none-any.whl",
    ]);
    assertEquals(await names(["macosx_14_0_arm64"]), [
      "native-1-cp312-cp312-macosx_11_0_arm64.whl",
      "native-1.tar.gz",
      "pure-1-py3-none-any.whl",
    ]);
  } finally {
    cache.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("zstd: reading only the manifest of a large bundle stops the stream (no hang), and the import reads it all", async () => {
  const dir = await Deno.makeTempDir();
  const cache = await openCache(join(dir, "cache"));
  const other = await openCache(join(dir, "other"));
  try {
    const big = join(dir, "big-1.0-py3-none-any.whl");
    const bytes = new Uint8Array(12 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i += 65536) {
      crypto.getRandomValues(bytes.subarray(i, i + 65536));
    }
    await Deno.writeFile(big, bytes);
    await cache.addArtifact(big, {
      filename: "big-1.0-py3-none-any.whl",
      project: "big",
      version: "1.0",
      origin: "x",
    });
    const plan = await planBundle(cache, await selectArtifacts(cache), { gestvenvVersion: "t" });
    const written = await writeBundle(plan, join(dir, "b.tar.zst"), { compression: "zstd" });
    assertEquals((await readBundleManifest(written.path))?.files.length, 1);
    assertEquals((await importBundle(other, written.path)).added.length, 1);
  } finally {
    cache.close();
    other.close();
    await Deno.remove(dir, { recursive: true });
  }
});

import {
  assert,
  assertEquals,
  assertRejects,
  assertStringIncludes,
} from "../../tests/helpers/assert.ts";
import { buildWheel } from "../../tests/helpers/build_wheel.ts";
import { buildHostileWheel } from "../../tests/helpers/hostile_wheel.ts";
import { serveIndex } from "../../tests/helpers/local_index.ts";
import { assertSnapshot, filterText } from "../../tests/helpers/snapshot.ts";
import { unzipSync } from "fflate";
import { DistributionError } from "../errors/mod.ts";
import { ArtifactMismatchError, HttpClient } from "../index/mod.ts";
import { join } from "../paths/mod.ts";
import { type ArtifactRequest, CacheIndex, openCache, type PackageCache } from "./mod.ts";

const http = () => new HttpClient({ retries: 0 });

/** Every regular file under `dir` (relative paths), sorted. */
async function filesUnder(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.isDirectory) out.push(...await filesUnder(join(dir, e.name), `${prefix}${e.name}/`));
      else out.push(prefix + e.name);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return out.sort();
}

async function withCache(fn: (cache: PackageCache, root: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "gv-cache-" });
  const cache = await openCache(join(dir, "cache"));
  try {
    await fn(cache, join(dir, "cache"));
  } finally {
    cache.close();
    await Deno.remove(dir, { recursive: true });
  }
}

function requestFor(
  index: { url: string },
  wheel: { filename: string; sha256: string; bytes: Uint8Array; name: string; version: string },
): ArtifactRequest {
  return {
    url: `${index.url.replace(/\/simple$/, "")}/files/${wheel.filename}`,
    filename: wheel.filename,
    sha256: wheel.sha256,
    size: wheel.bytes.length,
    project: wheel.name,
    version: wheel.version,
  };
}

Deno.test("fetchArtifact() stores the wheel by sha256, read-only, and records it in the index", async () => {
  const wheel = buildWheel({
    name: "Demo.Pkg",
    version: "1.0",
    scripts: { demo: "demo_pkg:main" },
  });
  const index = serveIndex([wheel]);
  try {
    await withCache(async (cache, root) => {
      const progress: number[] = [];
      // Asked twice at once in one process: one download.
      const [stored, twin] = await Promise.all([
        cache.fetchArtifact(requestFor(index, wheel), http(), {
          onProgress: (n) => progress.push(n),
        }),
        cache.fetchArtifact(requestFor(index, wheel), http()),
      ]);
      assertEquals(twin, stored);
      assertEquals(index.requests.filter((p) => p.endsWith(".whl")).length, 1);
      const sha = wheel.sha256;
      assertEquals(stored.path, join(root, "artifacts-v1", sha.slice(0, 2), sha, wheel.filename));
      assertEquals(await Deno.readFile(stored.path), wheel.bytes);
      assertEquals((await Deno.stat(stored.path)).mode! & 0o777, 0o444);
      assertEquals(progress.at(-1), wheel.bytes.length);
      assertStringIncludes(await Deno.readTextFile(join(root, "CACHEDIR.TAG")), "8a477f597d28d17");
      const [row] = await cache.list();
      assertEquals(
        [row!.project, row!.version, row!.tags, row!.size, row!.filename],
        ["demo-pkg", "1.0", "py3-none-any", wheel.bytes.length, wheel.filename],
      );
      assertStringIncludes(row!.origin!, "/files/Demo_Pkg-1.0-py3-none-any.whl");
      // A second fetch is a lookup: no request.
      const before = index.requests.length;
      const again = await cache.fetchArtifact(requestFor(index, wheel), http());
      assertEquals([again.path, index.requests.length], [stored.path, before]);
      assertEquals((await cache.find(sha))?.path, stored.path);
      assertEquals(await cache.find("0".repeat(64)), undefined);
    });
  } finally {
    await index.close();
  }
});

Deno.test("unpackWheel() stores every file by its RECORD sha256 and caches the manifest", async () => {
  const wheel = buildWheel({ name: "demo", version: "1.0", scripts: { demo: "demo:main" } });
  const contents = unzipSync(wheel.bytes);
  await withCache(async (cache, root) => {
    const src = join(root, "..", wheel.filename);
    await Deno.writeFile(src, wheel.bytes);
    const stored = await cache.addArtifact(src, {
      filename: wheel.filename,
      project: "demo",
      version: "1.0",
      origin: "built",
    });
    const unpacked = await cache.unpackWheel(stored);
    assertEquals(unpacked.sha256, wheel.sha256);
    assertEquals(unpacked.files.map((f) => f.path).sort(), Object.keys(contents).sort());
    for (const f of unpacked.files) {
      const path = unpacked.storedFile(f.sha256, f.executable);
      assertEquals(await Deno.readFile(path), contents[f.path]);
      assertEquals(f.size, contents[f.path]!.length);
      assertEquals((await Deno.stat(path)).mode! & 0o777, 0o444);
    }
    const manifest = JSON.parse(
      await Deno.readTextFile(join(root, "wheels-v1", `${wheel.sha256}.json`)),
    );
    assertEquals([manifest.format, manifest.files.length], [1, unpacked.files.length]);
    // The second unpack does no zip work: it succeeds with the artifact made unreadable.
    await Deno.chmod(stored.path, 0o000);
    const again = await cache.unpackWheel(stored);
    assertEquals(again.files, unpacked.files);
    // Nothing of the unpacking is left behind but the store and the manifest.
    assertEquals(
      (await filesUnder(join(root, "files-v1"))).filter((p) => p.includes(".tmp-")),
      [],
    );
  });
});

Deno.test("identical files across two wheels are stored once; exec and plain copies apart", async () => {
  const shared = "def helper():\n    return 42\n";
  const a = buildHostileWheel("alpha", "1.0", [
    { name: "alpha/util.py", data: shared },
    { name: "alpha/run.sh", data: "#!/bin/sh\necho hi\n", mode: 0o100755 },
  ]);
  const b = buildHostileWheel("beta", "2.0", [
    { name: "beta/util.py", data: shared },
    { name: "beta/run.sh", data: "#!/bin/sh\necho hi\n" },
  ]);
  await withCache(async (cache, root) => {
    const wheels = [];
    for (const w of [a, b]) {
      const src = join(root, "..", w.filename);
      await Deno.writeFile(src, w.bytes);
      const stored = await cache.addArtifact(src, {
        filename: w.filename,
        project: w.name,
        version: w.version,
        origin: src,
      });
      wheels.push(await cache.unpackWheel(stored));
    }
    const [ua, ub] = wheels as [typeof wheels[0], typeof wheels[0]];
    const utilA = ua.files.find((f) => f.path === "alpha/util.py")!;
    const utilB = ub.files.find((f) => f.path === "beta/util.py")!;
    assertEquals(utilA.sha256, utilB.sha256);
    const infoA = await Deno.stat(ua.storedFile(utilA.sha256));
    const infoB = await Deno.stat(ub.storedFile(utilB.sha256));
    assertEquals(infoA.ino, infoB.ino);
    const runA = ua.files.find((f) => f.path === "alpha/run.sh")!;
    const runB = ub.files.find((f) => f.path === "beta/run.sh")!;
    assertEquals([runA.executable, runB.executable], [true, false]);
    assertEquals((await Deno.stat(ua.storedFile(runA.sha256, true))).mode! & 0o777, 0o555);
    assertEquals((await Deno.stat(ub.storedFile(runB.sha256, false))).mode! & 0o777, 0o444);
    // Distinct contents: each wheel's own METADATA/WHEEL/RECORD + util + run (x2 modes).
    const distinct = new Set([...ua.files, ...ub.files].map((f) => `${f.sha256}:${f.executable}`));
    assertEquals((await filesUnder(join(root, "files-v1"))).length, distinct.size);
    assert(distinct.size < ua.files.length + ub.files.length);
  });
});

Deno.test("a download whose sha256 or size differs is rejected and nothing is stored", async () => {
  const wheel = buildWheel({ name: "demo", version: "1.0" });
  const index = serveIndex([wheel]);
  try {
    await withCache(async (cache, root) => {
      const wrongHash = await assertRejects(
        () => cache.fetchArtifact({ ...requestFor(index, wheel), sha256: "a".repeat(64) }, http()),
        ArtifactMismatchError,
      ) as ArtifactMismatchError;
      assertEquals([wrongHash.exitCode, wrongHash.code], [5, "hash_mismatch"]);
      assertStringIncludes(wrongHash.details!, `got sha256 ${wheel.sha256}`);
      const wrongSize = await assertRejects(
        () => cache.fetchArtifact({ ...requestFor(index, wheel), size: 12 }, http()),
        ArtifactMismatchError,
      ) as ArtifactMismatchError;
      assertStringIncludes(wrongSize.details!, `expected 12 bytes, got ${wheel.bytes.length}`);
      assertEquals(await filesUnder(join(root, "artifacts-v1")), []);
      assertEquals(await cache.list(), []);
      assertEquals(await cache.find(wheel.sha256), undefined);
      // Credentials in the URL never reach the message.
      const secret = requestFor(index, wheel);
      secret.url = secret.url.replace("http://", "http://user:s3cret@");
      const error = await assertRejects(
        () => cache.fetchArtifact({ ...secret, sha256: "b".repeat(64) }, http()),
        ArtifactMismatchError,
      );
      assert(!error.message.includes("s3cret"), error.message);
    });
  } finally {
    await index.close();
  }
});

const CHILD = `
import { openCache } from "${new URL("./mod.ts", import.meta.url).href}";
import { HttpClient } from "${new URL("../index/mod.ts", import.meta.url).href}";
const [root, request] = Deno.args;
const cache = await openCache(root);
const stored = await cache.fetchArtifact(JSON.parse(request), new HttpClient({ retries: 0 }));
console.log(JSON.stringify(stored));
cache.close();
`;

async function runChild(root: string, request: ArtifactRequest, failpoint?: string) {
  const script = join(root, "..", "child.ts");
  await Deno.writeTextFile(script, CHILD);
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--config",
      new URL("../../deno.json", import.meta.url).pathname,
      script,
      root,
      JSON.stringify(request),
    ],
    env: failpoint === undefined ? {} : { GESTVENV_FAILPOINT: failpoint },
    stdout: "piped",
    stderr: "piped",
  }).output();
}

Deno.test("a download killed halfway leaves no entry; the next open cleans up and fetches", async () => {
  const wheel = buildWheel({ name: "demo", version: "1.0" });
  const index = serveIndex([wheel]);
  try {
    await withCache(async (cache, root) => {
      cache.close();
      const killed = await runChild(
        root,
        requestFor(index, wheel),
        "cache.download.after_write:exit",
      );
      assertEquals(killed.signal, "SIGKILL");
      const left = await filesUnder(join(root, "artifacts-v1"));
      assertEquals(left.length, 1, `the temp file stays until the next open: ${left}`);
      assertStringIncludes(left[0]!, ".tmp-");
      const reopened = await openCache(root);
      try {
        assertEquals(await filesUnder(join(root, "artifacts-v1")), []);
        assertEquals(await reopened.find(wheel.sha256), undefined);
        const stored = await reopened.fetchArtifact(requestFor(index, wheel), http());
        assertEquals(await Deno.readFile(stored.path), wheel.bytes);
      } finally {
        reopened.close();
      }
    });
  } finally {
    await index.close();
  }
});

Deno.test("two processes fetching the same artifact at once both succeed with one stored copy", async () => {
  const wheel = buildWheel({ name: "demo", version: "1.0" });
  const index = serveIndex([wheel]);
  try {
    await withCache(async (cache, root) => {
      // Both are held after writing, so both download before either publishes.
      const outs = await Promise.all([
        runChild(root, requestFor(index, wheel), "cache.download.after_write:sleep:500"),
        runChild(root, requestFor(index, wheel), "cache.download.after_write:sleep:500"),
      ]);
      for (const out of outs) {
        assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
        const stored = JSON.parse(new TextDecoder().decode(out.stdout));
        assertEquals(stored.sha256, wheel.sha256);
      }
      assertEquals(index.requests.filter((p) => p.endsWith(".whl")).length, 2);
      const files = await filesUnder(join(root, "artifacts-v1"));
      assertEquals(files, [`${wheel.sha256.slice(0, 2)}/${wheel.sha256}/${wheel.filename}`]);
      assertEquals((await cache.list()).length, 1);
    });
  } finally {
    await index.close();
  }
});

Deno.test("the index is rebuilt from the tree when its database is deleted or corrupt", async () => {
  const wheel = buildWheel({ name: "demo", version: "1.0" });
  const index = serveIndex([wheel]);
  try {
    await withCache(async (cache, root) => {
      await cache.fetchArtifact(requestFor(index, wheel), http());
      cache.close();
      for (const suffix of ["", "-wal", "-shm"]) {
        await Deno.remove(join(root, "index-v1.sqlite" + suffix)).catch(() => {});
      }
      const rebuilt = await openCache(root);
      try {
        const [row] = await rebuilt.list();
        assertEquals([row?.sha256, row?.project, row?.version], [wheel.sha256, "demo", "1.0"]);
        assertEquals((await rebuilt.find(wheel.sha256))?.size, wheel.bytes.length);
      } finally {
        rebuilt.close();
      }
      // A row lost on its own (a process killed between the rename and the index write) is
      // recorded again from the artifact's directory on the next lookup.
      const direct = await CacheIndex.open(root);
      direct.remove(wheel.sha256);
      direct.close();
      const healing = await openCache(root);
      try {
        assertEquals(await healing.list(), []);
        assertEquals((await healing.find(wheel.sha256))?.filename, wheel.filename);
        assertEquals((await healing.list()).length, 1);
      } finally {
        healing.close();
      }
      for (const suffix of ["-wal", "-shm"]) {
        await Deno.remove(join(root, "index-v1.sqlite" + suffix)).catch(() => {});
      }
      await Deno.writeTextFile(
        join(root, "index-v1.sqlite"),
        "this is not a database ".repeat(100),
      );
      const repaired = await openCache(root);
      try {
        assertEquals((await repaired.find(wheel.sha256))?.filename, wheel.filename);
      } finally {
        repaired.close();
      }
    });
  } finally {
    await index.close();
  }
});

const HOSTILE: [string, Parameters<typeof buildHostileWheel>[2], { record?: boolean }?][] = [
  ["traversal", [{ name: "../escape.py", data: "x = 1\n" }]],
  ["absolute", [{ name: "/etc/evil.py", data: "x = 1\n" }]],
  ["symlink", [{ name: "link/passwd", data: "/etc/passwd", mode: 0o120777 }]],
  ["duplicate", [{ name: "dup/a.py", data: "x = 1\n" }, { name: "dup/a.py", data: "x = 2\n" }]],
  ["crc", [{ name: "crc/a.py", data: "x = 1\n", crc: 0x12345678 }]],
  ["bomb", [{ name: "bomb/zeros.bin", data: new Uint8Array(24 << 20) }]],
  ["lying-record", [{
    name: "liar/a.py",
    data: "x = 1\n",
    recordHash: "sha256=" + "A".repeat(43),
  }]],
  ["unrecorded", [{ name: "sneaky/a.py", data: "x = 1\n", unrecorded: true }]],
  ["no-record", [{ name: "norec/a.py", data: "x = 1\n" }], { record: false }],
  ["local-header", [{ name: "hdr/a.py", data: "x = 1\n", localName: "hdr/b.py" }]],
];

Deno.test("hostile wheels are rejected (exit 1) naming the wheel, and nothing is stored", async (t) => {
  await withCache(async (cache, root) => {
    const messages: string[] = [];
    for (const [label, entries, options] of HOSTILE) {
      const wheel = buildHostileWheel(label, "1.0", [
        { name: `${label.replace("-", "_")}/__init__.py`, data: "" },
        ...entries,
      ], options);
      const src = join(root, "..", wheel.filename);
      await Deno.writeFile(src, wheel.bytes);
      const stored = await cache.addArtifact(src, {
        filename: wheel.filename,
        project: label,
        version: "1.0",
        origin: src,
      });
      const error = await assertRejects(
        () => cache.unpackWheel(stored),
        DistributionError,
        wheel.filename,
      ) as DistributionError;
      assertEquals([error.exitCode, error.source], [1, wheel.filename], label);
      messages.push(`${label}: ${error.message}\n  hint: ${error.hint}`);
      assertEquals(await filesUnder(join(root, "files-v1")), [], label);
      assertEquals(await filesUnder(join(root, "wheels-v1")), [], label);
    }
    await assertSnapshot(t, filterText(messages.join("\n")));
  });
});

Deno.test("cleaning's exclusive lock waits for normal work's shared locks; shared ones coexist", async () => {
  await withCache(async (cache, root) => {
    const other = await openCache(root);
    try {
      const events: string[] = [];
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const reader = cache.withSharedLock(async () => {
        events.push("shared 1");
        await held;
        events.push("shared 1 done");
      });
      await new Promise((r) => setTimeout(r, 50));
      // A second shared holder (another handle, as another process would be) gets in at once.
      await other.withSharedLock(() => Promise.resolve(void events.push("shared 2")));
      const cleaner = other.withExclusiveLock(async () => {
        events.push("exclusive");
        // Inside it, the cache's own methods do not lock again (no self-deadlock).
        assertEquals(await other.find("f".repeat(64)), undefined);
      });
      await new Promise((r) => setTimeout(r, 200));
      assertEquals(events, ["shared 1", "shared 2"]);
      release();
      await Promise.all([reader, cleaner]);
      assertEquals(events, ["shared 1", "shared 2", "shared 1 done", "exclusive"]);
    } finally {
      other.close();
    }
  });
});

Deno.test("an unpack killed before it publishes leaves no manifest; the next open cleans up", async () => {
  const wheel = buildWheel({ name: "demo", version: "1.0" });
  const index = serveIndex([wheel]);
  try {
    await withCache(async (cache, root) => {
      const stored = await cache.fetchArtifact(requestFor(index, wheel), http());
      cache.close();
      const script = join(root, "..", "unpack.ts");
      await Deno.writeTextFile(
        script,
        `import { openCache } from "${new URL("./mod.ts", import.meta.url).href}";
const cache = await openCache(Deno.args[0]);
await cache.unpackWheel(JSON.parse(Deno.args[1]));`,
      );
      const killed = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          "--config",
          new URL("../../deno.json", import.meta.url).pathname,
          script,
          root,
          JSON.stringify(stored),
        ],
        env: { GESTVENV_FAILPOINT: "cache.unpack.before_publish:exit" },
        stderr: "piped",
      }).output();
      assertEquals(killed.signal, "SIGKILL");
      assertEquals(await filesUnder(join(root, "wheels-v1")), []);
      const staged = await filesUnder(join(root, "files-v1"));
      assert(staged.length > 0 && staged.every((p) => p.includes(".tmp-")), String(staged));
      const reopened = await openCache(root);
      try {
        assertEquals(await filesUnder(join(root, "files-v1")), []);
        const unpacked = await reopened.unpackWheel(stored);
        assertEquals(unpacked.files.length, 4);
      } finally {
        reopened.close();
      }
    });
  } finally {
    await index.close();
  }
});

Deno.test("prune() removes only files no manifest references; clean() empties the cache", async () => {
  const shared = "SHARED = True\n";
  const a = buildHostileWheel("alpha", "1.0", [
    { name: "alpha/common.py", data: shared },
    { name: "alpha/only_a.py", data: "A = 1\n" },
  ]);
  const b = buildHostileWheel("beta", "1.0", [
    { name: "beta/common.py", data: shared },
    { name: "beta/only_b.py", data: "B = 1\n" },
  ]);
  await withCache(async (cache, root) => {
    const unpacked = [];
    for (const w of [a, b]) {
      const src = join(root, "..", w.filename);
      await Deno.writeFile(src, w.bytes);
      const stored = await cache.addArtifact(src, {
        filename: w.filename,
        project: w.name,
        version: w.version,
        origin: src,
      });
      unpacked.push(await cache.unpackWheel(stored));
    }
    const [ua, ub] = unpacked as [(typeof unpacked)[0], (typeof unpacked)[0]];
    assertEquals(await cache.prune(), { files: 0, bytes: 0 });
    await Deno.remove(join(root, "wheels-v1", `${a.sha256}.json`));
    const pruned = await cache.prune();
    const onlyA = ua.files.filter((f) => !ub.files.some((g) => g.sha256 === f.sha256));
    assertEquals(pruned.files, onlyA.length);
    for (const f of ub.files) await Deno.stat(ub.storedFile(f.sha256, f.executable));
    for (const f of onlyA) {
      assertEquals(await Deno.stat(ua.storedFile(f.sha256)).then(() => true, () => false), false);
    }
    const cleaned = await cache.clean();
    assert(cleaned.files > 0 && cleaned.bytes > 0);
    for (const bucket of ["artifacts-v1", "files-v1", "wheels-v1"]) {
      assertEquals(await filesUnder(join(root, bucket)), [], bucket);
    }
    assertEquals(await cache.list(), []);
    assertEquals(await cache.find(b.sha256), undefined);
  });
});

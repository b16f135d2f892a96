/**
 * Bundles (issue 9 §1, §3b, §4): `cache export` / `cache import` round trips between two homes
 * with the index gone, the bundle's `simple/` tree as an index for pip, hostile bundles rejected
 * with the cache unchanged, atomic imports under crashes, manifests with `--download-missing`,
 * and environment bundles.
 */
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { assertSnapshot, filterText } from "../helpers/snapshot.ts";
import { assertOk, createTestContext, type TestContext } from "../helpers/test_context.ts";

const DEAD_INDEX = "http://127.0.0.1:9/simple";

/** Every file under the cache's artifact bucket and the index rows, to compare before/after. */
async function cacheListing(ctx: TestContext): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, rel: string) => {
    for await (const e of Deno.readDir(dir)) {
      const path = join(dir, e.name);
      if (e.isDirectory) await walk(path, `${rel}${e.name}/`);
      else out.push(`${rel}${e.name} ${(await Deno.stat(path)).size}`);
    }
  };
  // Opening the cache (here, to list it) removes what killed processes left (`*.tmp-*`).
  const manifest = await ctx.run(["cache", "export", "--format", "json", "-"]);
  assertOk(manifest);
  await walk(join(ctx.home, "cache", "artifacts-v1"), "").catch((e) => {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  });
  const files = (JSON.parse(manifest.stdout) as { files: Array<{ path: string }> }).files;
  return [...out.sort(), ...files.map((f) => `index: ${f.path}`)];
}

async function python(ctx: TestContext, env: string, code: string) {
  return await ctx.exec(join(ctx.envPath(env), "bin", "python"), ["-c", code]);
}

/** A home whose cache holds demo-pkg 1.1.0 and demo-dep 2.0.0 (through an environment). */
async function filledHome(): Promise<TestContext> {
  const ctx = await createTestContext();
  assertOk(await ctx.run(["create", "app", "--packages", "demo-pkg"]));
  return ctx;
}

Deno.test("bundle: cache export (gzip, zstd) then import into a fresh home with the index dead; the lock installs and --offline create resolves from the cache", async () => {
  await using a = await filledHome();
  await using b = await createTestContext();
  const gz = join(a.work, "cache.tar.gz");
  const zst = join(a.work, "cache.tar.zst");
  const exported = await a.run(["cache", "export", gz]);
  assertOk(exported);
  assertStringIncludes(exported.stderr, "Exported 2 files");
  assertStringIncludes(exported.stderr, "(gzip,");
  assertOk(await a.run(["cache", "export", zst]));
  const head = async (p: string) => (await Deno.readFile(p)).subarray(0, 4);
  assertEquals([...(await head(gz)).subarray(0, 2)], [0x1f, 0x8b]);
  assertEquals([...await head(zst)], [0x28, 0xb5, 0x2f, 0xfd]);
  // Python's tarfile and GNU tar read it: the manifest first, then simple/, then files/.
  const listed = await a.exec("tar", ["tzf", gz]);
  assertOk(listed);
  assertEquals(listed.stdout.trim().split("\n"), [
    "gestvenv-bundle.json",
    "simple/index.html",
    "simple/demo-dep/index.html",
    "simple/demo-pkg/index.html",
    "files/demo_dep-2.0.0-py3-none-any.whl",
    "files/demo_dep-2.0.0-py3-none-any.whl.metadata",
    "files/demo_pkg-1.1.0-py3-none-any.whl",
    "files/demo_pkg-1.1.0-py3-none-any.whl.metadata",
  ]);
  const lock = join(a.work, "pylock.toml");
  await Deno.copyFile(join(a.envPath("app"), "pylock.toml"), lock);
  await a.index.close();
  const dead = { env: { PIP_INDEX_URL: DEAD_INDEX } };

  // Without the bundle, machine B cannot install the lock: the index is gone.
  const before = await b.run(["import", lock, "fails"], dead);
  assert(before.code !== 0, "no cache, no index: the import fails");

  const imported = await b.run(["cache", "import", zst]);
  assertOk(imported);
  assertStringIncludes(imported.stderr, "2 new");
  assertStringIncludes(imported.stderr, "0 already present, 0 rejected");
  const again = await b.run(["cache", "import", gz, "--merge", "--format", "json"]);
  assertOk(again);
  const data = JSON.parse(again.stdout).data;
  assertEquals(data.added, []);
  assertEquals(data.present.length, 2);
  assertEquals(data.compression, "gzip");

  const created = await b.run(["import", lock, "offline"], dead);
  assertOk(created);
  const ok = await python(b, "offline", "import demo_pkg, demo_dep; print(demo_pkg.VERSION)");
  assertEquals(ok.stdout.trim(), "1.1.0", ok.stderr);
  assertEquals(b.index.requests.length, 0, "B's own index was never asked");
  // And with --offline, requirements resolve from what the bundle brought.
  const offline = await b.run(["--offline", "create", "resolved", "--packages", "demo-pkg"], dead);
  assertOk(offline);
  const resolved = await python(b, "resolved", "import demo_pkg; print(demo_pkg.VERSION)");
  assertEquals(resolved.stdout.trim(), "1.1.0", resolved.stderr);
});

Deno.test("bundle: the extracted simple/ tree serves pip --index-url file:// and --no-index --find-links", async () => {
  await using a = await filledHome();
  const bundle = join(a.work, "cache.tar.gz");
  assertOk(await a.run(["cache", "export", bundle]));
  await a.index.close();
  const dir = join(a.work, "extracted");
  await Deno.mkdir(dir);
  assertOk(await a.exec("tar", ["xzf", bundle, "-C", dir]));
  const page = await Deno.readTextFile(join(dir, "simple", "demo-pkg", "index.html"));
  assertStringIncludes(page, 'href="../../files/demo_pkg-1.1.0-py3-none-any.whl#sha256=');
  assertStringIncludes(page, "data-dist-info-metadata=");
  for (
    const [name, args] of [
      // `--no-index` turns indexes off, so the index form is the only index given.
      ["index", ["--index-url", `file://${dir}/simple`]],
      ["links", ["--no-index", "--find-links", join(dir, "files")]],
    ] as const
  ) {
    const venv = join(a.work, `venv-${name}`);
    assertOk(await a.exec("python3", ["-m", "venv", venv]));
    const pip = await a.exec(join(venv, "bin", "python"), [
      "-m",
      "pip",
      "install",
      ...args,
      "demo-pkg",
    ], { env: { PIP_INDEX_URL: DEAD_INDEX } });
    assertOk(pip, `pip install with ${name}`);
    const imported = await a.exec(join(venv, "bin", "python"), [
      "-c",
      "import demo_pkg, demo_dep; print(demo_pkg.VERSION, demo_dep.VERSION)",
    ]);
    assertEquals(imported.stdout.trim(), "1.1.0 2.0.0", imported.stderr);
  }
});

/** Hostile variants of a good plain-tar bundle, made with Python's tarfile. */
const HOSTILE = `
import io, sys, tarfile
good, out = sys.argv[1], sys.argv[2]
src = tarfile.open(good)
members = src.getmembers()
manifest = src.extractfile("gestvenv-bundle.json").read()
def info(name, data=b"", **kw):
    ti = tarfile.TarInfo(name); ti.size = len(data)
    for k, v in kw.items(): setattr(ti, k, v)
    return ti, io.BytesIO(data)
def write(path, extra):
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as t:
        t.addfile(*info("gestvenv-bundle.json", manifest))
        for ti, data in extra: t.addfile(ti, data)
# one byte changed in the middle of an artifact
raw = bytearray(open(good, "rb").read())
wheel = next(m for m in members if m.name == "files/demo_pkg-1.1.0-py3-none-any.whl")
raw[wheel.offset_data + wheel.size // 2] ^= 0x01
open(out + "/tampered.tar", "wb").write(raw)
# cut in the middle of the archive
open(out + "/truncated.tar", "wb").write(bytes(raw[: wheel.offset_data + 100]))
write(out + "/traversal.tar", [info("../evil.txt", b"evil")])
write(out + "/absolute.tar", [info("/tmp/evil.txt", b"evil")])
link = tarfile.TarInfo("files/demo_pkg-1.1.0-py3-none-any.whl")
link.type = tarfile.SYMTYPE; link.linkname = "/etc/passwd"
write(out + "/symlink.tar", [(link, None)])
write(out + "/unexpected.tar", [info("files/extra.whl", b"x")])
first = tarfile.open(good)
with tarfile.open(out + "/duplicate.tar", "w") as t:
    for m in members:
        t.addfile(m, first.extractfile(m))
    m = wheel
    t.addfile(m, first.extractfile(m))
`;

Deno.test("bundle: tampered, truncated, traversal, absolute, symlink, unexpected and duplicate bundles are rejected; the cache is unchanged", async (t) => {
  await using a = await filledHome();
  const good = join(a.work, "good.tar");
  assertOk(await a.run(["cache", "export", good]));
  await using b = await createTestContext();
  // B holds one unrelated artifact already, which must stay.
  assertOk(await b.run(["create", "other", "--packages", "other-pkg"]));
  const hostile = join(b.work, "hostile");
  await Deno.mkdir(hostile);
  assertOk(await b.exec("python3", ["-c", HOSTILE, good, hostile]));
  const gz = join(hostile, "truncated.tar.gz");
  const whole = await Deno.readFile(good);
  const compressed = await new Response(
    new Blob([whole]).stream().pipeThrough(new CompressionStream("gzip")),
  ).bytes();
  await Deno.writeFile(gz, compressed.subarray(0, Math.floor(compressed.length * 0.6)));
  const before = await cacheListing(b);
  for (
    const name of [
      "tampered.tar",
      "truncated.tar",
      "truncated.tar.gz",
      "traversal.tar",
      "absolute.tar",
      "symlink.tar",
      "unexpected.tar",
      "duplicate.tar",
    ]
  ) {
    const result = await b.run(["cache", "import", join(hostile, name)]);
    assertEquals(result.code, 30, `${name}: ${result.stderr}`);
    await assertSnapshot(
      t,
      filterText(result.stderr, [[hostile, "<DIR>"]]).replace(/[0-9a-f]{64}/g, "<SHA256>"),
    );
    assertEquals(await cacheListing(b), before, `${name}: the cache is unchanged`);
  }
  // Nothing was left behind in the cache's buckets either (no staging directory).
  const leftovers = (await Array.fromAsync(Deno.readDir(join(b.home, "cache", "artifacts-v1"))))
    .filter((e) => e.name.includes(".tmp-"));
  assertEquals(leftovers, []);
  // And the good bundle still imports.
  assertOk(await b.run(["cache", "import", good]));
});

Deno.test("bundle: an import killed after staging, or failing half-way through adding, leaves the cache as it was", async () => {
  await using a = await filledHome();
  const bundle = join(a.work, "cache.tar.zst");
  assertOk(await a.run(["cache", "export", bundle]));
  await using b = await createTestContext();
  assertOk(await b.run(["create", "other", "--packages", "other-pkg"]));
  const before = await cacheListing(b);
  const killed = await b.run(["cache", "import", bundle], {
    env: { GESTVENV_FAILPOINT: "bundle.import.staged:exit" },
  });
  assert(killed.code !== 0, "the failpoint killed it");
  // Its staging directory stays until the next open of the cache removes it.
  const staging = (await Array.fromAsync(Deno.readDir(join(b.home, "cache", "artifacts-v1"))))
    .filter((e) => e.name.startsWith("bundle-import.tmp-"));
  assertEquals(staging.length, 1);
  assertEquals(await cacheListing(b), before);
  const failed = await b.run(["cache", "import", bundle], {
    env: { GESTVENV_FAILPOINT: "cache.import.after_add:error" },
  });
  assert(failed.code !== 0, "the failpoint failed it");
  assertEquals(await cacheListing(b), before, "what the import added was removed");
  assertOk(await b.run(["cache", "import", bundle]));
  assert((await cacheListing(b)).length > before.length);
});

Deno.test("bundle: cache export --format json writes the manifest only; cache import --download-missing fetches what it lists", async () => {
  await using a = await filledHome();
  const manifestPath = join(a.work, "manifest.json");
  assertOk(await a.run(["cache", "export", "--format", "json", manifestPath]));
  const manifest = JSON.parse(await Deno.readTextFile(manifestPath));
  assertEquals(manifest.gestvenv_bundle_version, 1);
  const wheels = manifest.files.filter((f: { kind: string }) => f.kind === "wheel");
  assertEquals(wheels.map((f: { filename: string }) => f.filename), [
    "demo_dep-2.0.0-py3-none-any.whl",
    "demo_pkg-1.1.0-py3-none-any.whl",
  ]);
  for (const f of wheels) {
    assert(/^[0-9a-f]{64}$/.test(f.sha256));
    assertStringIncludes(f.origin, a.index.url.replace("/simple", "/"));
  }
  await using b = await createTestContext();
  const refused = await b.run(["cache", "import", manifestPath]);
  assertEquals(refused.code, 2);
  assertStringIncludes(refused.stderr, "--download-missing");
  const fetched = await b.run(["cache", "import", manifestPath, "--download-missing"]);
  assertOk(fetched);
  assertStringIncludes(fetched.stderr, "Downloaded 2 files");
  const listing = await cacheListing(b);
  assertEquals(listing.filter((l) => l.startsWith("index: ")), [
    "index: files/demo_dep-2.0.0-py3-none-any.whl",
    "index: files/demo_dep-2.0.0-py3-none-any.whl.metadata",
    "index: files/demo_pkg-1.1.0-py3-none-any.whl",
    "index: files/demo_pkg-1.1.0-py3-none-any.whl.metadata",
  ]);
  // Run again: nothing is missing, nothing is fetched.
  const requests = a.index.requests.length;
  const again = await b.run(["cache", "import", manifestPath, "--download-missing"]);
  assertOk(again);
  assertStringIncludes(again.stderr, "Downloaded 0 files");
  assertEquals(a.index.requests.length, requests);
});

Deno.test("bundle: an environment bundle exported in one home imports into another with the index dead, and its packages import", async () => {
  await using a = await filledHome();
  const bundle = join(a.work, "app.tar.zst");
  const exported = await a.run(["export", "app", bundle, "--bundle"]);
  assertOk(exported);
  assertStringIncludes(exported.stderr, "with 2 package files");
  await a.index.close();
  await using b = await createTestContext();
  const dead = { env: { PIP_INDEX_URL: DEAD_INDEX } };
  // A cache bundle is not an environment: `import` says what to do with it.
  const cacheBundle = join(a.work, "cache.tar");
  assertOk(await a.run(["cache", "export", cacheBundle]));
  const notEnv = await b.run(["import", cacheBundle, "x"], dead);
  assertEquals(notEnv.code, 2);
  assertStringIncludes(notEnv.stderr, "gestvenv cache import");

  const imported = await b.run(["import", bundle, "web"], dead);
  assertOk(imported);
  assertStringIncludes(imported.stderr, "Imported `web` from a bundle");
  assertStringIncludes(imported.stderr, "2 package files added to the cache");
  const ok = await python(b, "web", "import demo_pkg, demo_dep; print(demo_pkg.VERSION)");
  assertEquals(ok.stdout.trim(), "1.1.0", ok.stderr);
  const record = (await b.registry()).environments["web"]!;
  assertEquals(record.packages.map((p) => `${p.name}==${p.version}`), [
    "demo-dep==2.0.0",
    "demo-pkg==1.1.0",
  ]);
  assertEquals(record.requirements, ["demo-pkg"]);
  // Same lock, same hashes: the environment's lock lists the files the bundle carried.
  const lockA = await Deno.readTextFile(join(a.envPath("app"), "pylock.toml"));
  const lockB = await Deno.readTextFile(join(b.envPath("web"), "pylock.toml"));
  for (const sha of lockA.matchAll(/sha256 = "([0-9a-f]{64})"/g)) {
    assertStringIncludes(lockB, sha[1]!);
  }
  // The name is now taken: a second import fails before touching anything.
  const again = await b.run(["import", bundle, "web"], dead);
  assertEquals(again.code, 1);
  assertStringIncludes(again.stderr, "web");
});

Deno.test("bundle: export --bundle --platforms also carries the lock's wheels for another platform", async () => {
  const { buildWheel } = await import("../helpers/build_wheel.ts");
  const linux = buildWheel({ name: "plat", version: "1.0", tag: "py3-none-manylinux_2_17_x86_64" });
  const win = buildWheel({ name: "plat", version: "1.0", tag: "py3-none-win_amd64" });
  const mac = buildWheel({ name: "plat", version: "1.0", tag: "py3-none-macosx_11_0_arm64" });
  await using ctx = await createTestContext([linux, win, mac]);
  assertOk(await ctx.run(["create", "app", "--packages", "plat"]));
  const here = join(ctx.work, "here.tar");
  const both = join(ctx.work, "both.tar");
  assertOk(await ctx.run(["export", "app", here, "--bundle"]));
  assertOk(await ctx.run(["export", "app", both, "--bundle", "--platforms", "win_amd64"]));
  const files = async (bundle: string) => {
    const manifest = await ctx.exec("tar", ["-xOf", bundle, "gestvenv-bundle.json"]);
    assertOk(manifest);
    return (JSON.parse(manifest.stdout) as { files: Array<{ filename: string }> }).files
      .map((f) => f.filename).filter((f) => f.endsWith(".whl")).sort();
  };
  assertEquals(await files(here), [linux.filename]);
  assertEquals(await files(both), [linux.filename, win.filename].sort());
});

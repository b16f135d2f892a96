/**
 * Installing a PEP 751 lock that someone else wrote: hostile fields never reach pip, every file
 * is verified by gestvenv before anything is installed, and `sync --dry-run` changes nothing.
 * Each test asserts the effects on disk: the registry, the environment, its lock, the temp
 * directory, and the requests an "evil" index received.
 */
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import type { BuiltWheel } from "../helpers/build_wheel.ts";
import { writeLocalProject } from "../helpers/local_project.ts";
import { assertSnapshot, filterText } from "../helpers/snapshot.ts";
import {
  assertOk,
  type CliResult,
  createTestContext,
  standardWheels,
  type TestContext,
} from "../helpers/test_context.ts";
import { findUv } from "../../lib/backends/mod.ts";
import { tomlString as q } from "../../lib/lock/mod.ts";

const uv = await findUv(Deno.env.get("GESTVENV_TEST_UV") || undefined);

const WHEELS = standardWheels();

function wheelOf(filename: string): BuiltWheel {
  return WHEELS.find((w) => w.filename === filename)!;
}

const DEP1 = wheelOf("demo_dep-1.0.0-py3-none-any.whl");
const PKG1 = wheelOf("demo_pkg-1.0.0-py3-none-any.whl");

/** A server that counts every request: a lock must never make anyone talk to it. */
function serveEvil() {
  const requests: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    requests.push(new URL(req.url).pathname);
    return new Response("<html></html>", { headers: { "content-type": "text/html" } });
  });
  return {
    url: `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`,
    requests,
    close: () => server.shutdown(),
  };
}

/** The local index's origin (`http://127.0.0.1:PORT`). */
function origin(ctx: TestContext): string {
  return ctx.index.url.replace(/\/simple$/, "");
}

interface EntryOptions {
  name?: string;
  version?: string;
  file?: string;
  url?: string;
  /** null: no hashes at all. */
  sha256?: string | null;
  /** Raw TOML lines added to the entry. */
  extra?: string;
}

/** A `[[packages]]` entry for a wheel of the local index, with fields overridable. */
function entry(ctx: TestContext, w: BuiltWheel, o: EntryOptions = {}): string {
  const sha = o.sha256 === undefined ? w.sha256 : o.sha256;
  const hashes = sha === null ? "" : `, hashes = { sha256 = ${q(sha)} }`;
  return [
    "[[packages]]",
    `name = ${q(o.name ?? w.name)}`,
    `version = ${q(o.version ?? w.version)}`,
    `wheels = [{ name = ${q(o.file ?? w.filename)}, url = ${
      q(o.url ?? `${origin(ctx)}/files/${w.filename}`)
    }${hashes} }]`,
    ...(o.extra === undefined ? [] : [o.extra]),
  ].join("\n");
}

function lockText(entries: string[]): string {
  return `lock-version = "1.0"\ncreated-by = "hostile test"\n\n${entries.join("\n\n")}\n`;
}

/** Runs the CLI with a private TMPDIR, so the test can prove nothing is left in it. */
function runner(ctx: TestContext, tmp: string) {
  return (args: string[]): Promise<CliResult> => ctx.run(args, { env: { TMPDIR: tmp } });
}

async function tempLeftovers(tmp: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string) => {
    for await (const e of Deno.readDir(dir)) {
      const path = join(dir, e.name);
      if (e.name.startsWith("gestvenv-lock-") || e.name.endsWith(".txt")) found.push(path);
      if (e.isDirectory) await walk(path);
    }
  };
  await walk(tmp);
  return found;
}

async function sitePackages(ctx: TestContext, env: string): Promise<string[]> {
  const lib = join(ctx.envPath(env), "lib");
  const py = (await Array.fromAsync(Deno.readDir(lib))).find((e) => e.name.startsWith("python"))!
    .name;
  return (await Array.fromAsync(Deno.readDir(join(lib, py, "site-packages"))))
    .map((e) => e.name).filter((n) => n.endsWith(".dist-info")).sort();
}

/** The names in the registry ([] when no registry was ever written). */
async function registered(ctx: TestContext): Promise<string[]> {
  return Object.keys((await ctx.registry().catch(() => ({ environments: {} }))).environments);
}

/** Everything a failed lock install must leave as it was. */
async function snapshotState(ctx: TestContext, env: string) {
  return {
    registry: await Deno.readTextFile(join(ctx.home, "environments.json")),
    lock: await Deno.readTextFile(join(ctx.envPath(env), "pylock.toml")),
    site: await sitePackages(ctx, env),
  };
}

function readable(ctx: TestContext, text: string, extra: Array<[string, string]> = []): string {
  return filterText(text, [
    [ctx.work, "<WORK>"],
    [ctx.home, "<HOME>"],
    [origin(ctx), "<INDEX>"],
    // Built wheels carry the build time, so their hashes change from run to run.
    ...WHEELS.map((w): [string, string] => [w.sha256, `<sha256 of ${w.filename}>`]),
    ...extra,
  ]);
}

Deno.test("hostile lock fields (newlines, --options) are refused before pip or any index is reached", async (t) => {
  await using ctx = await createTestContext(WHEELS);
  const evil = serveEvil();
  const tmp = await Deno.makeTempDir({ prefix: "gestvenv-tmp-" });
  const run = runner(ctx, tmp);
  try {
    assertOk(await run(["create", "app", "--packages", "demo-pkg==1.0.0"]));
    const before = await snapshotState(ctx, "app");
    const injected = `\n--index-url ${evil.url}/simple\n--trusted-host 127.0.0.1`;
    const cases: Array<[string, EntryOptions]> = [
      ["name", { name: `demo-dep${injected}` }],
      ["version", { version: `1.0.0${injected}` }],
      ["url", { url: `${origin(ctx)}/files/${DEP1.filename}${injected}` }],
      ["file name", { file: `${DEP1.filename}${injected}` }],
      ["option as file name", { file: "--trusted-host" }],
      ["option as url", { url: `--index-url=${evil.url}/simple` }],
      ["option as version", { version: "--pre" }],
    ];
    for (const [what, options] of cases) {
      const file = `hostile-${what.replaceAll(" ", "-")}.toml`;
      await Deno.writeTextFile(join(ctx.work, file), lockText([entry(ctx, DEP1, options)]));
      const created = await run(["create", "bad", "--from-lock", file]);
      assertEquals(created.code, 2, `${what}: ${created.stderr}`);
      assertStringIncludes(created.stderr, `${ctx.work}/${file}: `);
      await assertSnapshot(t, readable(ctx, created.stderr, [[evil.url, "<EVIL>"]]));
      const synced = await run(["sync", "app", "--locked", "--lock-file", file]);
      assertEquals(synced.code, 2, `${what}: ${synced.stderr}`);
      assertEquals(synced.stderr, created.stderr);
    }
    assertEquals(evil.requests, [], "the evil index was never asked");
    assertEquals(await snapshotState(ctx, "app"), before, "app is untouched");
    assertEquals(await registered(ctx), ["app"]);
    assert(!(await Deno.stat(ctx.envPath("bad")).then(() => true, () => false)));
    assertEquals(await tempLeftovers(tmp), []);
  } finally {
    await evil.close();
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("a lock whose files lack sha256 is refused, listing every such package, before anything is fetched", async (t) => {
  await using ctx = await createTestContext(WHEELS);
  const tmp = await Deno.makeTempDir({ prefix: "gestvenv-tmp-" });
  const run = runner(ctx, tmp);
  try {
    await Deno.writeTextFile(
      join(ctx.work, "nohash.toml"),
      lockText([
        entry(ctx, DEP1, { sha256: null }),
        entry(ctx, PKG1, { sha256: null, extra: 'dependencies = [{ name = "demo-dep" }]' }),
        entry(ctx, wheelOf("other_pkg-2.0.0-py3-none-any.whl")),
      ]),
    );
    const requestsBefore = ctx.index.requests.length;
    const result = await run(["create", "nohash", "--from-lock", "nohash.toml"]);
    assertEquals(result.code, 2, result.stderr);
    assertStringIncludes(
      result.stderr,
      "no sha256 for the files of demo-dep 1.0.0, demo-pkg 1.0.0",
    );
    await assertSnapshot(t, readable(ctx, result.stderr));
    assertEquals(ctx.index.requests.length, requestsBefore, "nothing was downloaded");
    assert(!(await Deno.stat(ctx.envPath("nohash")).then(() => true, () => false)));
    assertEquals(await tempLeftovers(tmp), []);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("a wrong sha256 installs nothing, removes nothing and exits 5 (create and sync)", async (t) => {
  await using ctx = await createTestContext(WHEELS);
  const tmp = await Deno.makeTempDir({ prefix: "gestvenv-tmp-" });
  const run = runner(ctx, tmp);
  try {
    assertOk(await run(["create", "app", "--packages", "demo-dep==2.0.0 other-pkg"]));
    const before = await snapshotState(ctx, "app");
    // demo-dep 1.0.0 is good; demo-pkg's hash is wrong: neither may be installed.
    await Deno.writeTextFile(
      join(ctx.work, "tampered.toml"),
      lockText([entry(ctx, DEP1), entry(ctx, PKG1, { sha256: "0".repeat(64) })]),
    );
    const synced = await run(["sync", "app", "--locked", "--lock-file", "tampered.toml"]);
    assertEquals(synced.code, 5, synced.stderr);
    assertStringIncludes(synced.stderr, `sha256 mismatch for demo-pkg 1.0.0`);
    assertStringIncludes(synced.stderr, `got sha256 ${PKG1.sha256}`);
    await assertSnapshot(t, readable(ctx, synced.stderr));
    assertEquals(await snapshotState(ctx, "app"), before, "nothing installed or removed");

    const created = await run(["create", "fresh", "--from-lock", "tampered.toml"]);
    assertEquals(created.code, 5, created.stderr);
    assertEquals((await ctx.registry()).environments["fresh"], undefined);
    assert(!(await Deno.stat(ctx.envPath("fresh")).then(() => true, () => false)));
    const json = JSON.parse(
      (await run(["sync", "app", "--locked", "--lock-file", "tampered.toml", "--json"])).stdout,
    );
    assertEquals(json.errors[0].code, "hash_mismatch");
    assertEquals(await tempLeftovers(tmp), []);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("verified files go to the cache under their sha256, never to a temp directory; a kill or failure after verification registers nothing", async () => {
  await using ctx = await createTestContext(WHEELS);
  const tmp = await Deno.makeTempDir({ prefix: "gestvenv-tmp-" });
  const run = (args: string[], failpoint: string) =>
    ctx.run(args, { env: { TMPDIR: tmp, GESTVENV_FAILPOINT: failpoint } });
  try {
    await Deno.writeTextFile(
      join(ctx.work, "pylock.toml"),
      lockText([entry(ctx, DEP1), entry(ctx, PKG1)]),
    );
    // pip applies the lock: killed right after verification, the files are in the cache only.
    const killed = await run(
      ["create", "a", "--from-lock", "pylock.toml", "--backend", "pip"],
      "lock.after-verify:exit",
    );
    assert(killed.code !== 0);
    assertEquals(await tempLeftovers(tmp), []);
    for (const wheel of [DEP1, PKG1]) {
      const stored = join(
        ctx.home,
        "cache",
        "artifacts-v1",
        wheel.sha256.slice(0, 2),
        wheel.sha256,
        wheel.filename,
      );
      assertEquals((await Deno.stat(stored)).size, wheel.bytes.length, stored);
    }
    // A failure at the same step cleans up and registers nothing.
    const failed = await run(
      ["create", "b", "--from-lock", "pylock.toml", "--backend", "pip"],
      "lock.after-verify:error",
    );
    assertEquals(failed.code, 1, failed.stderr);
    assertEquals(await tempLeftovers(tmp), []);
    assertEquals(await registered(ctx), []);
    assert(!(await Deno.stat(ctx.envPath("b")).then(() => true, () => false)));
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("a directory entry never turns verification off for the other packages", async (t) => {
  await using ctx = await createTestContext(WHEELS);
  const tmp = await Deno.makeTempDir({ prefix: "gestvenv-tmp-" });
  const run = runner(ctx, tmp);
  try {
    await writeLocalProject(join(ctx.work, "proj"));
    await Deno.mkdir(join(ctx.work, "locks"));
    const directory = [
      "[[packages]]",
      'name = "localproj"',
      'version = "0.1.0"',
      'directory = { path = "../proj", editable = false }',
    ].join("\n");
    await Deno.writeTextFile(
      join(ctx.work, "locks", "mixed.toml"),
      lockText([directory, entry(ctx, DEP1, { sha256: "f".repeat(64) })]),
    );
    const bad = await run(["create", "mixed", "--from-lock", "locks/mixed.toml"]);
    assertEquals(bad.code, 5, bad.stderr);
    await assertSnapshot(t, readable(ctx, bad.stderr));
    assertEquals(await registered(ctx), []);

    // The same lock with a good hash installs both: the wheel verified, the directory relative
    // to the lock file, not to the current directory.
    await Deno.writeTextFile(
      join(ctx.work, "locks", "good.toml"),
      lockText([directory, entry(ctx, DEP1)]),
    );
    const good = await run(["create", "mixed", "--from-lock", "locks/good.toml"]);
    assertOk(good);
    const imported = await ctx.exec(join(ctx.envPath("mixed"), "bin", "python"), [
      "-c",
      "import localproj, demo_dep; print(localproj.ANSWER, demo_dep.VERSION)",
    ]);
    assertOk(imported);
    assertEquals(imported.stdout.trim(), "42 1.0.0");
    const kept = await Deno.readTextFile(join(ctx.envPath("mixed"), "pylock.toml"));
    assertStringIncludes(kept, `directory = { path = ${q(join(ctx.work, "proj"))}`);
    assertEquals(await tempLeftovers(tmp), []);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("file: URLs and directory paths that lead elsewhere are refused; plain local files work", async (t) => {
  await using ctx = await createTestContext(WHEELS);
  const tmp = await Deno.makeTempDir({ prefix: "gestvenv-tmp-" });
  const run = runner(ctx, tmp);
  try {
    const wheels = join(ctx.work, "wheels");
    await Deno.mkdir(join(wheels, "sub"), { recursive: true });
    await Deno.writeFile(join(wheels, DEP1.filename), DEP1.bytes);
    await Deno.mkdir(join(wheels, PKG1.filename)); // a directory named like a wheel
    const cases: Array<[string, string, number]> = [
      [
        "file URL with ..",
        entry(ctx, DEP1, { url: `file://${wheels}/sub/../${DEP1.filename}` }),
        2,
      ],
      [
        "file URL naming another file",
        entry(ctx, DEP1, { url: `file:///etc/passwd` }),
        2,
      ],
      [
        "file URL naming a directory",
        entry(ctx, PKG1, { url: `file://${wheels}/${PKG1.filename}` }),
        4,
      ],
      [
        "directory path that is a file",
        '[[packages]]\nname = "etc"\ndirectory = { path = "../../../../../../../../../../etc/passwd" }',
        4,
      ],
      [
        "directory path that does not exist",
        '[[packages]]\nname = "ghost"\ndirectory = { path = "no/such/dir" }',
        4,
      ],
    ];
    for (const [what, text, code] of cases) {
      await Deno.writeTextFile(join(ctx.work, "elsewhere.toml"), lockText([text]));
      const result = await run(["create", "elsewhere", "--from-lock", "elsewhere.toml"]);
      assertEquals(result.code, code, `${what}: ${result.stderr}`);
      await assertSnapshot(t, `${what}:\n${readable(ctx, result.stderr)}`);
      assertEquals(await registered(ctx), []);
    }
    // PEP 751 `path` (relative to the lock) and a file: URL both install once verified.
    await Deno.writeTextFile(
      join(ctx.work, "local.toml"),
      lockText([
        `[[packages]]\nname = "demo-dep"\nversion = "1.0.0"\nwheels = [{ path = "wheels/${DEP1.filename}", hashes = { sha256 = "${DEP1.sha256}" } }]`,
      ]),
    );
    assertOk(await run(["create", "local", "--from-lock", "local.toml"]));
    assertEquals(await sitePackages(ctx, "local"), ["demo_dep-1.0.0.dist-info"]);
    assertEquals(await tempLeftovers(tmp), []);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("credentials in a lock's URLs are dropped and never printed or stored", async () => {
  await using ctx = await createTestContext(WHEELS);
  const tmp = await Deno.makeTempDir({ prefix: "gestvenv-tmp-" });
  const run = runner(ctx, tmp);
  try {
    const secret = origin(ctx).replace("http://", "http://alice:s3cret-token@");
    await Deno.writeTextFile(
      join(ctx.work, "creds.toml"),
      lockText([
        entry(ctx, DEP1, { url: `${secret}/files/${DEP1.filename}` }),
        entry(ctx, PKG1, { url: `${secret}/files/${PKG1.filename}`, sha256: "e".repeat(64) }),
      ]),
    );
    const bad = await run(["create", "creds", "--from-lock", "creds.toml", "--verbose"]);
    assertEquals(bad.code, 5, bad.stderr);
    assertStringIncludes(bad.stderr, `(${origin(ctx)}/files/${PKG1.filename})`);
    assert(!`${bad.stdout}${bad.stderr}`.includes("s3cret"), "never printed");

    await Deno.writeTextFile(
      join(ctx.work, "creds.toml"),
      lockText([entry(ctx, DEP1, { url: `${secret}/files/${DEP1.filename}` })]),
    );
    const good = await run(["create", "creds", "--from-lock", "creds.toml", "--verbose"]);
    assertOk(good);
    assert(!`${good.stdout}${good.stderr}`.includes("s3cret"), "never printed");
    const stored = await Deno.readTextFile(join(ctx.envPath("creds"), "pylock.toml"));
    assertStringIncludes(stored, `url = "${origin(ctx)}/files/${DEP1.filename}"`);
    assert(!stored.includes("s3cret"), "not in the environment's lock");
    assert(!(await Deno.readTextFile(join(ctx.home, "environments.json"))).includes("s3cret"));
    assertEquals(await tempLeftovers(tmp), []);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("sync --locked --dry-run prints the plan and changes nothing", async (t) => {
  await using ctx = await createTestContext(WHEELS);
  assertOk(await ctx.run(["create", "app", "--packages", "demo-pkg==1.0.0 other-pkg"]));
  assertOk(await ctx.run(["lock", "demo-pkg==1.0.0", "demo-dep==1.0.0", "-o", "pylock.toml"]));
  const before = await snapshotState(ctx, "app");
  const files = () => ctx.index.requests.filter((r) => r.startsWith("/files/")).length;
  const downloads = files();

  const table = await ctx.run(["sync", "app", "--locked", "--lock-file", "pylock.toml", "-n"]);
  assertOk(table);
  await assertSnapshot(t, readable(ctx, `${table.stdout}${table.stderr}`));
  const json = await ctx.run([
    "sync",
    "app",
    "--locked",
    "--lock-file",
    "pylock.toml",
    "--dry-run",
    "--format",
    "json",
  ]);
  assertOk(json);
  const data = JSON.parse(json.stdout).data;
  assertEquals(data.dry_run, true);
  assertEquals(data.install, [{
    name: "demo-dep",
    version: "1.0.0",
    file: DEP1.filename,
    url: `${origin(ctx)}/files/${DEP1.filename}`,
    path: null,
    editable: false,
    replaces: "2.0.0",
  }]);
  assertEquals(data.unchanged, [{ name: "demo-pkg", version: "1.0.0" }]);
  assertEquals(data.remove, [{ name: "other-pkg", version: "2.0.0" }]);
  const own = await ctx.run(["sync", "app", "--locked", "--dry-run"]);
  assertOk(own);
  assertStringIncludes(own.stderr, "already matches");

  assertEquals(await snapshotState(ctx, "app"), before, "registry, lock and packages unchanged");
  assertEquals(files(), downloads, "a dry run downloads nothing");

  // The real sync then does what the dry run said.
  const real = await ctx.run(["sync", "app", "--locked", "--lock-file", "pylock.toml"]);
  assertOk(real);
  assertEquals(await sitePackages(ctx, "app"), [
    "demo_dep-1.0.0.dist-info",
    "demo_pkg-1.0.0.dist-info",
  ]);
  assertEquals(files(), downloads + 1, "only the file that changes is fetched");
});

Deno.test({
  name: "the uv backend installs a verified lock from local paths, and refuses a bad one",
  ignore: uv === undefined,
  async fn() {
    await using ctx = await createTestContext(WHEELS);
    const tmp = await Deno.makeTempDir({ prefix: "gestvenv-tmp-" });
    const env = {
      GESTVENV_BACKEND: "uv",
      GESTVENV_UV: uv!,
      UV_INDEX_URL: ctx.index.url,
      TMPDIR: tmp,
    };
    try {
      await Deno.writeTextFile(
        join(ctx.work, "pylock.toml"),
        lockText([entry(ctx, DEP1), entry(ctx, PKG1)]),
      );
      assertOk(await ctx.run(["create", "fast", "--from-lock", "pylock.toml"], { env }));
      assertEquals((await ctx.registry()).environments["fast"]!.backend, "uv");
      assertEquals(await sitePackages(ctx, "fast"), [
        "demo_dep-1.0.0.dist-info",
        "demo_pkg-1.0.0.dist-info",
      ]);
      const before = await snapshotState(ctx, "fast");
      await Deno.writeTextFile(
        join(ctx.work, "bad.toml"),
        lockText([
          entry(ctx, wheelOf("demo_dep-2.0.0-py3-none-any.whl"), { sha256: "1".repeat(64) }),
        ]),
      );
      const bad = await ctx.run(["sync", "fast", "--locked", "--lock-file", "bad.toml"], { env });
      assertEquals(bad.code, 5, bad.stderr);
      assertEquals(await snapshotState(ctx, "fast"), before);
      assertEquals(await tempLeftovers(tmp), []);
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

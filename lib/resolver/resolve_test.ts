/**
 * Resolver scenarios on a local index (tests/helpers/local_index.ts): diamonds, backtracking,
 * conflicts with their explanation, extras, markers, pre-releases, yanked files,
 * requires-python, cycles, platform tags, constraints, resolution modes, the HTTP cache.
 */
import {
  assert,
  assertEquals,
  assertRejects,
  assertStringIncludes,
} from "../../tests/helpers/assert.ts";
import { buildWheel, type BuiltWheel, type WheelSpec } from "../../tests/helpers/build_wheel.ts";
import { type LocalIndex, serveIndex, type ServeOptions } from "../../tests/helpers/local_index.ts";
import vectors from "../../tests/data/pep425_vectors.json" with { type: "json" };
import pep508 from "../../tests/data/pep508_vectors.json" with { type: "json" };
import { BackendError, ResolutionError } from "../errors/mod.ts";
import { IndexClient, type SdistMetadataBuilder } from "../index/mod.ts";
import { parseRequirement } from "../pep508/mod.ts";
import type { InterpreterInfo } from "../python/mod.ts";
import { type Resolution, resolve, type ResolveOptions } from "./mod.ts";
import { assertSnapshot } from "../../tests/helpers/snapshot.ts";
import { zipSync } from "fflate";

/** A Linux CPython 3.11 target, no interpreter needed. */
const PYTHON = {
  ...vectors.linux_cp311.info,
  version: "3.11.7",
  markers: pep508.environments.linux311,
} as unknown as InterpreterInfo;

type RunOptions = Partial<ResolveOptions> & {
  refresh?: boolean;
  buildMetadata?: SdistMetadataBuilder;
};

interface Scenario {
  index: LocalIndex;
  cacheDir: string;
  run(reqs: string[], options?: RunOptions): Promise<string[]>;
  resolution(reqs: string[], options?: RunOptions): Promise<Resolution>;
  [Symbol.asyncDispose](): Promise<void>;
}

async function scenario(specs: WheelSpec[], serve: ServeOptions = {}): Promise<Scenario> {
  const wheels: BuiltWheel[] = specs.map(buildWheel);
  const index = serveIndex(wheels, serve);
  const cacheDir = await Deno.makeTempDir({ prefix: "gv-resolve-" });
  const resolution = async (reqs: string[], options: RunOptions = {}) => {
    const { refresh = false, buildMetadata, ...rest } = options;
    const client = new IndexClient({ indexes: [index.url], cacheDir, refresh, buildMetadata });
    return await resolve({
      requirements: reqs.map((r) => parseRequirement(r)),
      interpreter: PYTHON,
      index: client,
      ...rest,
    });
  };
  return {
    index,
    cacheDir,
    resolution,
    async run(reqs, options = {}) {
      return (await resolution(reqs, options)).packages.map((p) => `${p.name}==${p.version}`);
    },
    async [Symbol.asyncDispose]() {
      await index.close();
      await Deno.remove(cacheDir, { recursive: true });
    },
  };
}

async function failure(
  s: Scenario,
  reqs: string[],
  options: RunOptions = {},
): Promise<ResolutionError> {
  const error = await assertRejects(() => s.run(reqs, options), ResolutionError);
  return error as ResolutionError;
}

Deno.test("resolver: highest versions, transitive dependencies and a diamond", async () => {
  await using s = await scenario([
    { name: "app", version: "1.0", dependencies: ["left>=1", "right"] },
    { name: "left", version: "1.0", dependencies: ["base>=1.1"] },
    { name: "right", version: "1.0", dependencies: ["base<2"] },
    { name: "base", version: "1.0" },
    { name: "base", version: "1.1" },
    { name: "base", version: "2.0" },
  ]);
  assertEquals(await s.run(["app"]), ["app==1.0", "base==1.1", "left==1.0", "right==1.0"]);
});

Deno.test("resolver: backtracks from the newest version when it conflicts later", async () => {
  await using s = await scenario([
    { name: "a", version: "1.0", dependencies: ["c<2"] },
    { name: "a", version: "2.0", dependencies: ["c>=2"] },
    { name: "b", version: "1.0", dependencies: ["c<2"] },
    { name: "c", version: "1.0" },
    { name: "c", version: "2.0" },
  ]);
  assertEquals(await s.run(["a", "b"]), ["a==1.0", "b==1.0", "c==1.0"]);
});

Deno.test("resolver: a conflict is explained in sentences (snapshot)", async (t) => {
  await using s = await scenario([
    { name: "flask", version: "2.0", dependencies: ["werkzeug>=2.0"] },
    { name: "werkzeug", version: "1.0" },
    { name: "werkzeug", version: "2.0" },
  ]);
  const error = await failure(s, ["flask==2.0", "werkzeug<2"]);
  await assertSnapshot(t, error.details!);
});

Deno.test("resolver: a deeper conflict names the chain and the versions tried", async () => {
  await using s = await scenario([
    { name: "web", version: "1.0", dependencies: ["orm>=2"] },
    { name: "web", version: "1.1", dependencies: ["orm>=2"] },
    { name: "orm", version: "2.0", dependencies: ["driver>=3"] },
    { name: "driver", version: "2.0" },
    { name: "driver", version: "3.0" },
  ]);
  const error = await failure(s, ["web", "driver<3"]);
  const text = error.details!;
  assertStringIncludes(text, "orm>=2 depends on driver>=3");
  assertStringIncludes(text, "all versions of web depend on orm>=2");
  assertStringIncludes(text, "you require driver<3");
  assertStringIncludes(text, "your requirements are unsatisfiable");
});

Deno.test("resolver: a missing project is named", async () => {
  await using s = await scenario([{ name: "app", version: "1.0", dependencies: ["ghost>=1"] }]);
  const error = await failure(s, ["app"]);
  assertStringIncludes(
    error.details!,
    "app==1.0 depends on ghost>=1 (ghost was not found in the package index)",
  );
});

Deno.test("resolver: extras pull their dependencies, markers drop others", async () => {
  await using s = await scenario([
    {
      name: "req",
      version: "2.0",
      extras: ["socks"],
      dependencies: ['pysocks>=1; extra == "socks"', 'winonly; sys_platform == "win32"', "idna"],
    },
    { name: "pysocks", version: "1.7" },
    { name: "idna", version: "3.7" },
  ]);
  assertEquals(await s.run(["req"]), ["idna==3.7", "req==2.0"]);
  assertEquals(await s.run(["req[socks]"]), ["idna==3.7", "pysocks==1.7", "req==2.0"]);
  assertEquals(await s.run(['idna; python_version < "3"']), []);
});

Deno.test("resolver: pre-releases only when explicit, necessary or allowed", async () => {
  await using s = await scenario([
    { name: "lib", version: "1.0" },
    { name: "lib", version: "2.0b1" },
    { name: "onlypre", version: "0.1a1" },
  ]);
  assertEquals(await s.run(["lib"]), ["lib==1.0"]);
  assertEquals(await s.run(["lib>=2.0b1"]), ["lib==2.0b1"]);
  assertEquals(await s.run(["lib"], { prerelease: "allow" }), ["lib==2.0b1"]);
  assertEquals(await s.run(["onlypre"]), ["onlypre==0.1a1"]);
  const error = await failure(s, ["lib>=2"]);
  assertStringIncludes(error.hint ?? "", "pre-releases of lib exist (e.g. 2.0b1)");
});

Deno.test("resolver: yanked versions are skipped unless pinned (PEP 592)", async () => {
  await using s = await scenario(
    [{ name: "pkg", version: "1.0" }, { name: "pkg", version: "2.0" }],
    { yanked: { "pkg-2.0-py3-none-any.whl": "broken" } },
  );
  assertEquals(await s.run(["pkg"]), ["pkg==1.0"]);
  assertEquals(await s.run(["pkg==2.0"]), ["pkg==2.0"]);
});

Deno.test("resolver: requires-python from the index and from METADATA", async () => {
  await using s = await scenario(
    [
      { name: "new", version: "1.0" },
      { name: "new", version: "2.0" },
      { name: "meta", version: "1.0" },
      { name: "meta", version: "2.0", requiresPython: ">=3.12" },
    ],
    { requiresPython: { "new-2.0-py3-none-any.whl": ">=3.12" } },
  );
  assertEquals(await s.run(["new", "meta"]), ["meta==1.0", "new==1.0"]);
  const error = await failure(s, ["new>=2"]);
  assertStringIncludes(error.details!, "new>=2 requires Python >=3.12");
  assertStringIncludes(error.hint ?? "", "need another Python than 3.11.7");
});

Deno.test("resolver: dependency cycles resolve", async () => {
  await using s = await scenario([
    { name: "chicken", version: "1.0", dependencies: ["egg"] },
    { name: "egg", version: "1.0", dependencies: ["chicken"] },
  ]);
  assertEquals(await s.run(["chicken"]), ["chicken==1.0", "egg==1.0"]);
});

Deno.test("resolver: wheels for another platform are not used; the error names what has wheels (snapshot)", async (t) => {
  await using s = await scenario([
    { name: "native", version: "1.0", tag: "cp311-cp311-manylinux_2_17_x86_64" },
    { name: "native", version: "1.0", tag: "cp311-cp311-win_amd64" },
    { name: "native", version: "2.0", tag: "cp311-cp311-win_amd64" },
    { name: "native", version: "2.0", tag: "cp311-cp311-macosx_11_0_arm64" },
    { name: "tf", version: "2.15.0", tag: "cp39-cp39-manylinux_2_17_x86_64" },
    { name: "tf", version: "2.15.0", tag: "cp310-cp310-manylinux_2_17_x86_64" },
    { name: "tf", version: "2.15.0", tag: "cp38-cp38-manylinux_2_17_x86_64" },
    { name: "dbg", version: "1.0", tag: "cp311-cp311d-manylinux_2_17_x86_64" },
  ]);
  assertEquals(await s.run(["native"]), ["native==1.0"]);
  const native = await failure(s, ["native==2.0"]);
  assertStringIncludes(
    native.details!,
    "native==2.0 has wheels for macosx_11_0_arm64, win_amd64 only",
  );
  assertStringIncludes(native.hint ?? "", "has no wheel for linux-x86_64");
  await assertSnapshot(t, native.details!);
  const tf = await failure(s, ["tf==2.15.0"]);
  assertStringIncludes(tf.details!, "tf==2.15.0 has wheels for cp38, cp39, cp310 only");
  await assertSnapshot(t, tf.details!);
  const dbg = await failure(s, ["dbg"]);
  assertStringIncludes(dbg.details!, "dbg==1.0 has wheels for cp311d only (ABI tags)");
});

Deno.test("resolver: a lock gets every file of the chosen version, and only those", async () => {
  await using s = await scenario([
    { name: "native", version: "1.0", tag: "cp311-cp311-manylinux_2_17_x86_64" },
    { name: "native", version: "1.0", tag: "cp311-cp311-win_amd64" },
    { name: "native", version: "2.0", tag: "cp311-cp311-win_amd64" },
  ]);
  const [native] = (await s.resolution(["native"])).packages;
  assertEquals(native!.file.filename, "native-1.0-cp311-cp311-manylinux_2_17_x86_64.whl");
  assertEquals(native!.files.map((f) => f.filename).sort(), [
    "native-1.0-cp311-cp311-manylinux_2_17_x86_64.whl",
    "native-1.0-cp311-cp311-win_amd64.whl",
  ]);
  assert(native!.files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256 ?? "")));
  const before = s.index.requests.length;
  await s.resolution(["native"]);
  assertEquals(
    s.index.requests.slice(before).filter((p) => p === "/simple/native/").length,
    1,
    "the page is fetched once per resolve, then read back from the cache for the lock",
  );
});

Deno.test("resolver: constraints, preferences and lowest resolution", async () => {
  await using s = await scenario([
    { name: "top", version: "1.0", dependencies: ["dep>=1"] },
    { name: "top", version: "2.0", dependencies: ["dep>=1"] },
    { name: "dep", version: "1.0" },
    { name: "dep", version: "1.5" },
    { name: "dep", version: "2.0" },
  ]);
  assertEquals(await s.run(["top"], { constraints: [parseRequirement("dep<2")] }), [
    "dep==1.5",
    "top==2.0",
  ]);
  assertEquals(await s.run(["top"], { preferences: new Map([["dep", "1.0"]]) }), [
    "dep==1.0",
    "top==2.0",
  ]);
  assertEquals(await s.run(["top"], { resolution: "lowest" }), ["dep==1.0", "top==1.0"]);
  assertEquals(await s.run(["top"], { resolution: "lowest-direct" }), ["dep==2.0", "top==1.0"]);
});

Deno.test("index client: PEP 691 JSON with PEP 658 metadata, and a fresh cache sends no request", async () => {
  await using s = await scenario(
    [{ name: "one", version: "1.0", dependencies: ["two"] }, { name: "two", version: "1.0" }],
    { json: true, metadata: true, cacheControl: "max-age=600" },
  );
  assertEquals(await s.run(["one"]), ["one==1.0", "two==1.0"]);
  assert(
    s.index.requests.includes("/files/one-1.0-py3-none-any.whl.metadata"),
    s.index.requests.join(),
  );
  assert(!s.index.requests.includes("/files/one-1.0-py3-none-any.whl"), "downloaded the wheel");
  const before = s.index.requests.length;
  assertEquals(await s.run(["one"]), ["one==1.0", "two==1.0"]);
  assertEquals(
    s.index.requests.length,
    before,
    "a warm resolve within max-age must not send requests",
  );
  await s.run(["one"], { refresh: true });
  assert(s.index.requests.length > before, "--refresh revalidates");
});

Deno.test("index client: without PEP 658, METADATA is read by range requests", async () => {
  await using s = await scenario([{ name: "solo", version: "1.0", dependencies: [] }]);
  assertEquals(await s.run(["solo"]), ["solo==1.0"]);
  assert(s.index.requests.includes("/files/solo-1.0-py3-none-any.whl"));
});

Deno.test("sdists: static PKG-INFO (PEP 643) is used; --only-binary refuses them", async () => {
  const pkgInfo = "Metadata-Version: 2.2\nName: srconly\nVersion: 1.0\nRequires-Dist: base>=1\n\n";
  const sdist = zipSync({ "srconly-1.0/PKG-INFO": new TextEncoder().encode(pkgInfo) });
  await using s = await scenario([{ name: "base", version: "1.0" }], {
    extraFiles: { "srconly-1.0.zip": sdist },
  });
  assertEquals(await s.run(["srconly"]), ["base==1.0", "srconly==1.0"]);
  const error = await failure(s, ["srconly"], { onlyBinary: [":all:"] });
  assertStringIncludes(error.details!, "has no compatible wheel and --only-binary is set");
});

Deno.test("resolver: a pre-release the user names is allowed for that project everywhere (snapshot)", async (t) => {
  await using s = await scenario([
    { name: "a", version: "1.0", dependencies: ["c>=1.0.0,<=3.0.0"] },
    { name: "c", version: "0.5.0" },
    { name: "c", version: "2.0.0b1" },
    { name: "c", version: "4.0.0" },
    { name: "x", version: "1.0", dependencies: ["b>=0.5"] },
    { name: "b", version: "0.1.0" },
    { name: "b", version: "1.0.0a2" },
  ]);
  // The cases: `c>=0.0.0a1` and `b>0.1a1` name pre-releases; the transitive
  // `c>=1.0.0,<=3.0.0` and `b>=0.5` then accept them too.
  assertEquals(await s.run(["a", "c>=0.0.0a1"]), ["a==1.0", "c==2.0.0b1"]);
  assertEquals(await s.run(["x", "b>0.1a1"]), ["b==1.0.0a2", "x==1.0"]);
  // A constraint naming a pre-release does the same.
  assertEquals(
    await s.run(["a"], { constraints: [parseRequirement("c>=2.0.0b1")] }),
    ["a==1.0", "c==2.0.0b1"],
  );
  // Not named by the user: the transitive specifier does not admit it, and the explanation says
  // why rather than "no version matches".
  const error = await failure(s, ["a"]);
  assertStringIncludes(
    error.details!,
    "a==1.0 depends on c>=1.0.0,<=3.0.0 (c==2.0.0b1 is a pre-release: pre-releases of c are used only where a requirement names one, or with --prerelease allow)",
  );
  await assertSnapshot(t, error.details!);
  // --prerelease disallow wins over the user's specifier.
  const disallowed = await failure(s, ["a", "c>=0.0.0a1"], { prerelease: "disallow" });
  assertStringIncludes(disallowed.details!, "pre-releases are disallowed (--prerelease disallow)");
});

Deno.test("resolver: a conflict over a pre-release does not read as contradictory (snapshot)", async (t) => {
  await using s = await scenario([
    { name: "x", version: "1.0", dependencies: ["c==2.0.0b1"] },
    { name: "y", version: "1.0", dependencies: ["c>=1,<=3"] },
    { name: "c", version: "0.5.0" },
    { name: "c", version: "1.5.0" },
    { name: "c", version: "2.0.0b1" },
    { name: "c", version: "3.5.0" },
  ]);
  const error = await failure(s, ["x", "y"]);
  assertStringIncludes(
    error.details!,
    "c==2.0.0b1 is a pre-release; pre-releases of c are used only where a requirement names one, or with --prerelease allow.",
  );
  await assertSnapshot(t, error.details!);
});

Deno.test("resolver: a yanked version the user pins is selectable everywhere in the graph", async () => {
  await using s = await scenario(
    [
      { name: "a", version: "1.0", dependencies: ["b>=1"] },
      { name: "b", version: "0.9" },
      { name: "b", version: "1.0.0" },
    ],
    { yanked: { "b-1.0.0-py3-none-any.whl": "broken build" } },
  );
  assertEquals(await s.run(["a", "b==1.0.0"]), ["a==1.0", "b==1.0.0"]);
  assertEquals(await s.run(["a", "b===1.0.0"]), ["a==1.0", "b==1.0.0"]);
  assertEquals(
    await s.run(["a"], { constraints: [parseRequirement("b==1.0.0")] }),
    ["a==1.0", "b==1.0.0"],
  );
  // Unpinned, the yanked version is not used, and the explanation names it with its reason.
  const error = await failure(s, ["a"]);
  assertStringIncludes(
    error.details!,
    "a==1.0 depends on b>=1 (b==1.0.0 was yanked (reason: broken build))",
  );
});

Deno.test("resolver: explanations name yanked versions and never read as contradictory (snapshot)", async (t) => {
  await using s = await scenario(
    [
      { name: "a", version: "1.0", dependencies: ["b>=1.0"] },
      { name: "b", version: "0.9" },
      { name: "b", version: "1.0" },
      { name: "b", version: "1.1" },
      { name: "lone", version: "1.0.0" },
    ],
    { yanked: { "b-1.0-py3-none-any.whl": "security issue", "lone-1.0.0-py3-none-any.whl": "" } },
  );
  // `b>=1.0` and `b<1.1` both match b 1.0 on their face: the note says why it is not used.
  const error = await failure(s, ["a", "b<1.1"]);
  assertStringIncludes(
    error.details!,
    "b==1.0 was yanked (reason: security issue); a yanked version is used only when pinned with == or ===.",
  );
  await assertSnapshot(t, error.details!);
  const lone = await failure(s, ["lone"]);
  assertStringIncludes(lone.details!, "you require lone (lone==1.0.0 was yanked)");
  await assertSnapshot(t, lone.details!);
});

Deno.test("resolver: sdist-only versions are built in parallel, and a failed build is not retried next run", async () => {
  const { zipSync } = await import("fflate");
  const dynamic = (name: string) =>
    zipSync({
      [`${name}-1.0/PKG-INFO`]: new TextEncoder().encode(
        `Metadata-Version: 2.2\nName: ${name}\nVersion: 1.0\nDynamic: Requires-Dist\n\n`,
      ),
    });
  await using s = await scenario([{ name: "base", version: "1.0" }], {
    extraFiles: Object.fromEntries(
      ["p", "q", "r", "broken"].map((n) => [`${n}-1.0.zip`, dynamic(n)]),
    ),
  });
  let running = 0, most = 0;
  const builds: string[] = [];
  const builder: SdistMetadataBuilder = {
    id: "python3.11",
    async build(path) {
      const name = path.split("/").pop()!.slice(0, -"-1.0.zip".length);
      builds.push(name);
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 150));
      running--;
      if (name === "broken") throw new BackendError("pip failed to build broken-1.0.zip");
      return `Metadata-Version: 2.1\nName: ${name}\nVersion: 1.0\nRequires-Dist: base\n\n`;
    },
  };
  assertEquals(await s.run(["p", "q", "r"], { buildMetadata: builder }), [
    "base==1.0",
    "p==1.0",
    "q==1.0",
    "r==1.0",
  ]);
  assert(most >= 2, `builds ran one at a time (${most})`);
  const first = await failure(s, ["broken"], { buildMetadata: builder });
  assertStringIncludes(
    first.details!,
    "broken==1.0 cannot be used: pip failed to build broken-1.0.zip",
  );
  const again = await failure(s, ["broken"], { buildMetadata: builder });
  assertStringIncludes(again.details!, "(remembered from");
  assertEquals(builds.filter((n) => n === "broken").length, 1, "not rebuilt on the next run");
});

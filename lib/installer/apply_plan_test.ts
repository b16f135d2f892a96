import { join } from "node:path";
import { assert, assertEquals, assertRejects } from "../../tests/helpers/assert.ts";
import {
  createInstallFixture,
  type InstallFixture,
  treeListing,
} from "../../tests/helpers/install_fixture.ts";
import {
  buildCustomWheel,
  type CustomWheelSpec,
  unpackToStore,
} from "../../tests/helpers/unpacked_wheel.ts";
import type { UnpackedWheel } from "../cache/mod.ts";
import { readInstalledDistributions } from "../distribution/mod.ts";
import { findInterpreter } from "../python/mod.ts";
import {
  applyPlan,
  namesToRepair,
  PENDING_INSTALL_FILE,
  readPendingInstall,
} from "./apply_plan.ts";
import { checkDependencies } from "./check_dependencies.ts";
import type { InstallEvent } from "./install_event.ts";
import { type DesiredDistribution, planInstall } from "./plan.ts";

type Source = { filename: string };

/** Wheels in the fixture's store, and a fetch that counts its calls. */
async function wheelSet(fx: InstallFixture, specs: CustomWheelSpec[]) {
  const wheels = new Map<string, UnpackedWheel>();
  for (const spec of specs) {
    const built = buildCustomWheel(spec);
    wheels.set(built.filename, await unpackToStore(fx.store, built));
  }
  const fetched: string[] = [];
  const fetch = (d: DesiredDistribution<Source>) => {
    fetched.push(`${d.name} ${d.version}`);
    const wheel = wheels.get(d.source.filename);
    return wheel === undefined
      ? Promise.reject(new Error(`no wheel ${d.source.filename}`))
      : Promise.resolve(wheel);
  };
  return { wheels, fetch, fetched };
}

function want(name: string, version: string, requested = true): DesiredDistribution<Source> {
  return {
    name,
    version,
    requested,
    source: { filename: `${name.replaceAll("-", "_")}-${version}-py3-none-any.whl` },
  };
}

function pkg(name: string, version: string, files: string[], dependencies: string[] = []) {
  const mod = name.replaceAll("-", "_");
  const out: Record<string, string> = { [`${mod}/__init__.py`]: `VERSION = '${version}'\n` };
  for (const f of files) out[`${mod}/${f}`] = `# ${version}\n`;
  return { name, version, files: out, dependencies };
}

async function installed(fx: InstallFixture) {
  return await readInstalledDistributions(fx.target.layout.sitePackages);
}

async function sync(
  fx: InstallFixture,
  desired: DesiredDistribution<Source>[],
  fetch: (d: DesiredDistribution<Source>) => Promise<UnpackedWheel>,
  options: { reinstall?: Set<string>; events?: InstallEvent[]; compile?: boolean } = {},
) {
  const plan = planInstall(desired, await installed(fx), {
    exact: true,
    keep: new Set(["pip"]),
    ...(options.reinstall === undefined ? {} : { reinstall: options.reinstall }),
  });
  const result = await applyPlan(fx.target, plan, fetch, {
    linkMode: "hardlink",
    concurrency: 2,
    compile: options.compile ?? false,
    onEvent: (e) => options.events?.push(e),
  });
  return { plan, result };
}

Deno.test("planInstall() keeps, removes, replaces and installs", () => {
  const dist = (name: string, version: string) => ({
    name,
    normalized_name: name,
    version,
    installer: "pip",
    requested: true,
    dist_info: `/site/${name}-${version}.dist-info`,
  });
  const current = [
    dist("pip", "24.0"),
    dist("same", "1.0.0"),
    dist("old", "1.0"),
    dist("gone", "2"),
  ];
  const desired = [want("same", "1.0"), want("old", "2.0"), want("new", "0.1")];
  const plan = planInstall(desired, current, { exact: true, keep: new Set(["pip"]) });
  assertEquals(plan.keep.map((d) => d.name), ["pip", "same"], "1.0 == 1.0.0 (PEP 440)");
  assertEquals(plan.remove.map((d) => d.name), ["gone", "old"]);
  assertEquals(
    plan.install.map((i) => [i.desired.name, i.replaces?.version ?? null]),
    [["new", null], ["old", "1.0"]],
  );
  const notExact = planInstall(desired, current, { exact: false });
  assertEquals(notExact.keep.map((d) => d.name), ["gone", "pip", "same"]);
  assertEquals(notExact.remove.map((d) => d.name), ["old"]);
  const again = planInstall(desired, current, { exact: false, reinstall: new Set(["same"]) });
  assertEquals(again.install.map((i) => [i.desired.name, i.replaces?.version ?? null]), [
    ["new", null],
    ["old", "1.0"],
    ["same", "1.0.0"],
  ]);
  let threw = false;
  try {
    planInstall([want("a", "1"), want("A", "2")], [], { exact: false });
  } catch {
    threw = true;
  }
  assert(threw, "a name asked for twice is refused");
});

Deno.test("applyPlan() upgrades and downgrades: old files go, new ones come", async () => {
  await using fx = await createInstallFixture();
  const { fetch } = await wheelSet(fx, [
    pkg("mover", "1.0", ["only_in_1.py"]),
    pkg("mover", "2.0", ["only_in_2.py"]),
    pkg("stay", "1.0", []),
  ]);
  const site = fx.target.layout.sitePackages[0]!;
  const exists = (p: string) => Deno.lstat(join(site, p)).then(() => true, () => false);
  await sync(fx, [want("mover", "1.0"), want("stay", "1.0", false)], fetch);
  assert(await exists("mover/only_in_1.py"));
  const events: InstallEvent[] = [];
  const up = await sync(fx, [want("mover", "2.0"), want("stay", "1.0", false)], fetch, { events });
  assertEquals(up.plan.install.map((i) => [i.desired.version, i.replaces?.version]), [[
    "2.0",
    "1.0",
  ]]);
  assertEquals(up.result.removed.map((d) => d.version), ["1.0"]);
  assertEquals(up.result.installed.map((d) => [d.name, d.version]), [["mover", "2.0"]]);
  assertEquals(up.result.linkMode, "hardlink");
  assertEquals(events.filter((e) => e.kind !== "link-mode"), [
    { kind: "fetched", name: "mover", version: "2.0" },
    { kind: "removed", name: "mover", version: "1.0" },
    { kind: "installed", name: "mover", version: "2.0" },
  ]);
  assert(!(await exists("mover/only_in_1.py")) && await exists("mover/only_in_2.py"));
  assert(!(await exists("mover-1.0.dist-info")));
  let out = await fx.python("import mover; print(mover.VERSION)");
  assertEquals(out.stdout.trim(), "2.0", out.stderr);
  await sync(fx, [want("mover", "1.0"), want("stay", "1.0", false)], fetch);
  assert(await exists("mover/only_in_1.py") && !(await exists("mover/only_in_2.py")));
  out = await fx.python("import mover; print(mover.VERSION)");
  assertEquals(out.stdout.trim(), "1.0", out.stderr);
  assertEquals((await installed(fx)).map((d) => [d.name, d.version, d.requested]), [
    ["mover", "1.0", true],
    ["stay", "1.0", false],
  ]);
  // An exact sync without `stay` removes it.
  await sync(fx, [want("mover", "1.0")], fetch);
  assertEquals((await installed(fx)).map((d) => d.name), ["mover"]);
});

async function treeWithTimes(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const line of await treeListing(root)) {
    const stat = await Deno.lstat(join(root, line.slice(2)));
    out.push(`${line} ${stat.mtime?.getTime()} ${stat.ino}`);
  }
  return out;
}

Deno.test("applyPlan() with nothing to do fetches nothing and writes nothing", async () => {
  await using fx = await createInstallFixture();
  const { fetch, fetched } = await wheelSet(fx, [pkg("steady", "1.0", ["a.py"])]);
  await sync(fx, [want("steady", "1.0")], fetch);
  assertEquals(fetched, ["steady 1.0"]);
  const before = await treeWithTimes(fx.target.layout.root);
  const { plan, result } = await sync(fx, [want("steady", "1.0")], fetch);
  assertEquals([plan.install, plan.remove], [[], []]);
  assertEquals(result, { installed: [], removed: [], linkMode: null });
  assertEquals(fetched, ["steady 1.0"], "fetch was not called again");
  assertEquals(await treeWithTimes(fx.target.layout.root), before);
});

Deno.test("applyPlan() changes nothing when a fetch fails", async () => {
  await using fx = await createInstallFixture();
  const { fetch } = await wheelSet(fx, [pkg("kept", "1.0", []), pkg("kept", "2.0", [])]);
  await sync(fx, [want("kept", "1.0")], fetch);
  const before = await treeWithTimes(fx.target.layout.root);
  await assertRejects(
    () => sync(fx, [want("kept", "2.0"), want("missing", "1.0")], fetch),
    Error,
    "no wheel missing",
  );
  assertEquals(await treeWithTimes(fx.target.layout.root), before);
  assertEquals(await readPendingInstall(fx.target), null);
});

const CHILD = `
import { applyPlan, planInstall } from "${new URL("./mod.ts", import.meta.url).href}";
import { readInstalledDistributions } from "${
  new URL("../distribution/mod.ts", import.meta.url).href
}";
const { target, desired, wheels, store } = JSON.parse(Deno.args[0]);
const installed = await readInstalledDistributions(target.layout.sitePackages);
const plan = planInstall(desired, installed, { exact: true });
const storedFile = (h) => store + "/" + h.slice(0, 2) + "/" + h;
await applyPlan(target, plan, (d) => Promise.resolve({ ...wheels[d.source.filename], storedFile }), {
  linkMode: "hardlink",
  concurrency: 1,
});
`;

Deno.test("applyPlan() killed at each step leaves a record, and running again completes it", async (t) => {
  const child = join(await Deno.makeTempDir(), "child.js");
  await Deno.writeTextFile(child, CHILD);
  for (
    const point of [
      "installer.after_record",
      "installer.uninstall.before_record",
      "installer.after_remove",
      "installer.before_record",
      "installer.after_install",
    ]
  ) {
    await t.step(point, async () => {
      await using fx = await createInstallFixture();
      const { wheels, fetch } = await wheelSet(fx, [
        pkg("alpha", "1.0", ["one.py"]),
        pkg("alpha", "2.0", ["two.py"]),
        pkg("beta", "1.0", []),
        pkg("gamma", "1.0", []),
      ]);
      await sync(fx, [want("alpha", "1.0"), want("beta", "1.0")], fetch);
      const desired = [want("alpha", "2.0"), want("beta", "1.0"), want("gamma", "1.0")];
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          "--no-lock",
          `--config=${new URL("../../deno.json", import.meta.url).pathname}`,
          child,
          JSON.stringify({
            target: fx.target,
            desired,
            wheels: Object.fromEntries(wheels),
            store: fx.store,
          }),
        ],
        env: { GESTVENV_FAILPOINT: `${point}:exit` },
        stdout: "piped",
        stderr: "piped",
      }).output();
      assertEquals(out.signal, "SIGKILL", new TextDecoder().decode(out.stderr));
      const pending = await readPendingInstall(fx.target);
      assert(pending !== null, "the record of the plan stays");
      assertEquals(pending.remove.map((d) => `${d.name} ${d.version}`), ["alpha 1.0"]);
      assertEquals(pending.install.map((d) => `${d.name} ${d.version}`), [
        "alpha 2.0",
        "gamma 1.0",
      ]);

      const { result } = await sync(fx, desired, fetch, { reinstall: namesToRepair(pending) });
      assert(result.installed.length >= 1);
      assertEquals(await readPendingInstall(fx.target), null);
      assert(
        !(await Deno.lstat(join(fx.target.layout.root, PENDING_INSTALL_FILE)).then(
          () => true,
          () => false,
        )),
      );
      assertEquals((await installed(fx)).map((d) => `${d.name} ${d.version}`), [
        "alpha 2.0",
        "beta 1.0",
        "gamma 1.0",
      ]);
      const site = fx.target.layout.sitePackages[0]!;
      assert(!(await Deno.lstat(join(site, "alpha", "one.py")).then(() => true, () => false)));
      const run = await fx.python("import alpha, beta, gamma; print(alpha.VERSION)");
      assertEquals(run.stdout.trim(), "2.0", run.stderr);
    });
  }
  await Deno.remove(join(child, ".."), { recursive: true });
});

Deno.test("applyPlan() installs many wheels in parallel and byte-compiles them once", async () => {
  await using fx = await createInstallFixture();
  const specs = Array.from({ length: 8 }, (_, i) => pkg(`many-${i}`, "1.0", ["extra.py"]));
  const { fetch } = await wheelSet(fx, specs);
  const { result } = await sync(fx, specs.map((s) => want(s.name, "1.0")), fetch, {
    compile: true,
  });
  assertEquals(result.installed.length, 8);
  const site = fx.target.layout.sitePackages[0]!;
  const pyc = (await treeListing(site)).filter((p) => p.endsWith(".pyc"));
  assertEquals(pyc.length, 16, pyc.join("\n"));
  const out = await fx.python(
    "import importlib; print(sum(importlib.import_module(f'many_{i}.extra') is not None for i in range(8)))",
  );
  assertEquals(out.stdout.trim(), "8", out.stderr);
});

Deno.test("checkDependencies() reports what pip check reports", async () => {
  await using fx = await createInstallFixture();
  const { fetch } = await wheelSet(fx, [
    pkg("app", "1.0", [], [
      "lib>=2",
      "absent-dep",
      "tool[extra]",
      "never; python_version < '3'",
      "only-with-extra; extra == 'cli'",
    ]),
    pkg("lib", "1.0", []),
    pkg("tool", "0.5", [], ["app"]),
  ]);
  await sync(fx, [want("app", "1.0"), want("lib", "1.0"), want("tool", "0.5")], fetch);
  const interpreter = await findInterpreter(undefined);
  const ours = await checkDependencies(fx.target.layout.sitePackages, interpreter.info.markers);
  assertEquals(ours, [
    "app 1.0 has requirement lib>=2, but you have lib 1.0.",
    "app 1.0 requires absent-dep, which is not installed.",
  ]);
  const pip = await fx.run("python3", ["-m", "pip", "--python", fx.target.layout.python, "check"]);
  assertEquals(
    pip.stdout.trim().split("\n").sort(),
    [...ours].sort(),
    `pip check says:\n${pip.stdout}${pip.stderr}`,
  );
  // Consistent once fixed.
  const fixed = await wheelSet(fx, [
    pkg("app", "1.0", [], ["lib>=2", "tool"]),
    pkg("lib", "2.0", []),
    pkg("tool", "0.5", [], ["app"]),
  ]);
  await sync(fx, [want("app", "1.0"), want("lib", "2.0"), want("tool", "0.5")], fixed.fetch, {
    reinstall: new Set(["app"]),
  });
  assertEquals(
    await checkDependencies(fx.target.layout.sitePackages, interpreter.info.markers),
    [],
  );
});

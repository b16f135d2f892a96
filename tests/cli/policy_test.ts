/**
 * Policies (issue 12 §3): each refusal path (blocked package, licence, Python, source, pins,
 * strict mode without an audit) leaves the environment's tree and lock byte-identical; policy
 * file errors are snapshotted; `policy check --all` and `policy report` as JSON.
 */
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { buildWheel } from "../helpers/build_wheel.ts";
import { assertSnapshot, filterText } from "../helpers/snapshot.ts";
import {
  assertOk,
  createTestContext,
  standardWheels,
  type TestContext,
} from "../helpers/test_context.ts";
import { treeDigest } from "../helpers/tree_digest.ts";
import { serveOsv } from "../helpers/osv_server.ts";

function wheels() {
  return [
    ...standardWheels(),
    buildWheel({ name: "mit-pkg", version: "1.0", metadataFields: ["License-Expression: MIT"] }),
    buildWheel({
      name: "gpl-pkg",
      version: "1.0",
      metadataFields: ["License-Expression: GPL-3.0-only"],
    }),
    buildWheel({
      name: "dual-pkg",
      version: "1.0",
      metadataFields: ["License-Expression: GPL-3.0-only OR MIT"],
    }),
    buildWheel({
      name: "both-pkg",
      version: "1.0",
      metadataFields: ["License-Expression: GPL-3.0-only AND MIT"],
    }),
    buildWheel({
      name: "classified-pkg",
      version: "1.0",
      metadataFields: ["Classifier: License :: OSI Approved :: MIT License"],
    }),
  ];
}

async function globalPolicy(cli: TestContext, name: string, text: string): Promise<void> {
  await Deno.mkdir(join(cli.home, "policies"), { recursive: true });
  await Deno.writeTextFile(join(cli.home, "policies", name), text);
}

/** Runs `args`, expects a refusal with `code`, and proves the environment did not change. */
async function refusedUnchanged(
  cli: TestContext,
  env: string,
  args: string[],
  code = 1,
): Promise<string> {
  const before = await treeDigest(cli.envPath(env));
  const lock = await Deno.readFile(join(cli.envPath(env), "pylock.toml")).catch(() => null);
  const result = await cli.run(args);
  assertEquals(result.code, code, `${result.stdout}\n${result.stderr}`);
  assertEquals(await treeDigest(cli.envPath(env)), before, "the environment's tree is unchanged");
  assertEquals(
    await Deno.readFile(join(cli.envPath(env), "pylock.toml")).catch(() => null),
    lock,
    "the lock is byte-identical",
  );
  return result.stderr;
}

const shown = (cli: TestContext, text: string) =>
  filterText(text, [[cli.home, "<home>"], [cli.work, "<work>"]]);

Deno.test("policy: a blocked package (PEP 508, markers evaluated) is refused with nothing changed", async (t) => {
  await using cli = await createTestContext(wheels());
  assertOk(await cli.run(["create", "app", "--packages", "other-pkg"]));
  await globalPolicy(
    cli,
    "team.toml",
    `version = 1\n[packages]\nblocked = ["demo-dep>=2", "third-pkg; sys_platform == 'no-such-os'"]\n`,
  );
  const stderr = await refusedUnchanged(cli, "app", ["install", "demo-pkg", "--env", "app"]);
  assertStringIncludes(stderr, "[packages.blocked] demo-dep 2.0.0 is blocked (`demo-dep>=2`)");
  await assertSnapshot(t, shown(cli, stderr));
  // The version the rule does not match installs, and a marker that is false blocks nothing.
  assertOk(await cli.run(["install", "demo-pkg", "demo-dep<2", "third-pkg", "--env", "app"]));
});

Deno.test("policy: licences — allowed list, OR passes on one side, AND needs both, unknown warns or refuses", async () => {
  await using cli = await createTestContext(wheels());
  assertOk(await cli.run(["create", "app"]));
  await globalPolicy(cli, "licences.toml", `version = 1\n[licenses]\nallowed = ["MIT"]\n`);
  let stderr = await refusedUnchanged(cli, "app", ["install", "gpl-pkg", "--env", "app"]);
  assertStringIncludes(stderr, "[licenses.allowed] gpl-pkg 1.0 is licensed GPL-3.0-only");
  stderr = await refusedUnchanged(cli, "app", ["install", "both-pkg", "--env", "app"]);
  assertStringIncludes(stderr, "GPL-3.0-only AND MIT");
  assertOk(await cli.run(["install", "dual-pkg", "mit-pkg", "classified-pkg", "--env", "app"]));
  // No licence in its metadata: a warning, the install goes on.
  const warned = await cli.run(["install", "other-pkg", "--env", "app"]);
  assertOk(warned);
  assertStringIncludes(warned.stderr, "other-pkg 2.0.0: licence unknown");
  // With require_known it is a violation.
  await globalPolicy(
    cli,
    "licences.toml",
    `version = 1\n[licenses]\nallowed = ["MIT"]\nrequire_known = true\n`,
  );
  stderr = await refusedUnchanged(cli, "app", ["install", "third-pkg", "--env", "app"]);
  assertStringIncludes(stderr, "[licenses.require_known] third-pkg 0.3.0: licence unknown");
});

Deno.test("policy: [python] allowed refuses an install, and a create (with or without packages) leaves nothing", async () => {
  await using cli = await createTestContext(wheels());
  assertOk(await cli.run(["create", "app"]));
  await globalPolicy(cli, "py.toml", `version = 1\n[python]\nallowed = "<3"\n`);
  const stderr = await refusedUnchanged(cli, "app", ["install", "mit-pkg", "--env", "app"]);
  assertStringIncludes(stderr, "[python.allowed] Python 3.");
  assertStringIncludes(stderr, "is not allowed (`<3`)");
  const created = await cli.run(["create", "other", "--packages", "mit-pkg"]);
  assertEquals(created.code, 1, created.stderr);
  assertEquals(await Deno.stat(cli.envPath("other")).then(() => true, () => false), false);
  assert(!("other" in (await cli.registry()).environments));
  // Without packages too: the interpreter is judged before anything is made.
  const bare = await cli.run(["create", "bare"]);
  assertEquals(bare.code, 1, bare.stderr);
  assertStringIncludes(bare.stderr, "[python.allowed]");
  assertEquals(await Deno.stat(cli.envPath("bare")).then(() => true, () => false), false);
  assert(!("bare" in (await cli.registry()).environments));
});

Deno.test("policy: [sources] allowed and [requirements] require_pins refuse, nothing changed", async () => {
  await using cli = await createTestContext(wheels());
  assertOk(await cli.run(["create", "app"]));
  await globalPolicy(cli, "src.toml", `version = 1\n[sources]\nallowed = ["pypi.org"]\n`);
  let stderr = await refusedUnchanged(cli, "app", ["install", "mit-pkg", "--env", "app"]);
  assertStringIncludes(stderr, "[sources.allowed] mit-pkg 1.0 comes from http://127.0.0.1:");
  await Deno.remove(join(cli.home, "policies", "src.toml"));
  await globalPolicy(cli, "pins.toml", `version = 1\n[requirements]\nrequire_pins = true\n`);
  stderr = await refusedUnchanged(cli, "app", ["install", "mit-pkg", "--env", "app"]);
  assertStringIncludes(stderr, "[requirements.require_pins] `mit-pkg` is not pinned");
  assertOk(await cli.run(["install", "mit-pkg==1.0", "--env", "app"]));
});

Deno.test("policy: a project's [tool.gestvenv.policy] applies to installs run in it", async () => {
  await using cli = await createTestContext(wheels());
  assertOk(await cli.run(["create", "app"]));
  await Deno.writeTextFile(
    join(cli.work, "pyproject.toml"),
    `[project]\nname = "x"\nversion = "1"\n[tool.gestvenv.policy]\nversion = 1\n[tool.gestvenv.policy.packages]\nblocked = ["mit-pkg"]\n`,
  );
  const stderr = await refusedUnchanged(cli, "app", ["install", "mit-pkg", "--env", "app"]);
  assertStringIncludes(stderr, "pyproject.toml [tool.gestvenv.policy])");
});

Deno.test("policy: [vulnerabilities] and strict mode audit the plan through OSV; no source is said, never a pass", async (t) => {
  await using cli = await createTestContext(wheels());
  const osv = serveOsv([{
    id: "GHSA-dual-0001",
    aliases: ["CVE-2099-0001"],
    summary: "dual-pkg runs what it is told",
    affected: [{
      package: { ecosystem: "PyPI", name: "dual-pkg" },
      versions: ["1.0"],
    }],
    database_specific: { severity: "HIGH" },
  }]);
  try {
    await Deno.mkdir(cli.home, { recursive: true });
    await Deno.writeTextFile(join(cli.home, "config.toml"), `[audit]\nosv_url = "${osv.url}"\n`);
    assertOk(await cli.run(["create", "app"]));
    await globalPolicy(
      cli,
      "vuln.toml",
      `version = 1\n[vulnerabilities]\nmax_severity = "MEDIUM"\n`,
    );
    // A HIGH finding in the plan: refused, nothing changed.
    let stderr = await refusedUnchanged(cli, "app", ["install", "dual-pkg", "--env", "app"]);
    assertStringIncludes(stderr, "GHSA-dual-0001 (CVE-2099-0001) is HIGH, above MEDIUM");
    await assertSnapshot(t, shown(cli, stderr));
    // Nothing known: installed.
    assertOk(await cli.run(["install", "mit-pkg", "--env", "app"]));
    // OSV down and no offline database: the rule says it could not be checked (not a pass).
    osv.setMode("error");
    const warned = await cli.run(["install", "classified-pkg", "--env", "app"]);
    assertOk(warned);
    assertStringIncludes(warned.stderr, "could not be checked: OSV could not be reached");

    // Strict mode: the same audit at HIGH; without a source the install is refused (exit 5).
    await Deno.remove(join(cli.home, "policies", "vuln.toml"));
    await Deno.writeTextFile(
      join(cli.home, "config.toml"),
      `[audit]\nosv_url = "${osv.url}"\n[security]\nmode = "strict"\n` +
        `allowed_sources = ["${new URL(cli.index.url).host}"]\n`,
    );
    stderr = await refusedUnchanged(cli, "app", ["install", "both-pkg", "--env", "app"], 5);
    assertStringIncludes(stderr, "Strict mode");
    assertStringIncludes(stderr, "the audit could not run");
    osv.setMode("ok");
    stderr = await refusedUnchanged(cli, "app", ["install", "dual-pkg", "--env", "app"]);
    assertStringIncludes(stderr, "GHSA-dual-0001 is HIGH");
    assertOk(await cli.run(["install", "both-pkg", "--env", "app"]));
    const run = await cli.exec(join(cli.envPath("app"), "bin", "python"), [
      "-c",
      "import both_pkg",
    ]);
    assertEquals(run.code, 0, run.stderr);
  } finally {
    await osv.close();
  }
});

Deno.test("policy: file errors name line and column with a did-you-mean; nothing is applied", async (t) => {
  await using cli = await createTestContext(wheels());
  const cases: Array<[string, string]> = [
    ["unknown-table.toml", `version = 1\n\n[pakages]\nblocked = ["six"]\n`],
    ["unknown-key.toml", `version = 1\n[licenses]\nalowed = ["MIT"]\n`],
    ["version.toml", `version = 2\n[packages]\nblocked = []\n`],
    ["no-version.toml", `[packages]\nblocked = []\n`],
    ["bad-type.toml", `version = 1\n[requirements]\nrequire_pins = "yes"\n`],
    ["bad-requirement.toml", `version = 1\n[packages]\nblocked = ["six >> 1"]\n`],
    ["bad-severity.toml", `version = 1\n[vulnerabilities]\nmax_severity = "SEVERE"\n`],
    ["not-toml.toml", `version = 1\n[packages\n`],
  ];
  for (const [name, text] of cases) {
    await Deno.writeTextFile(join(cli.work, name), text);
    const result = await cli.run(["policy", "apply", name]);
    assertEquals(result.code, 10, `${name}: ${result.stderr}`);
    await assertSnapshot(t, shown(cli, result.stderr));
  }
  assertEquals(await Deno.stat(join(cli.home, "policies")).then(() => true, () => false), false);
});

Deno.test("policy: apply --to-env keeps a copy in the record; check --all and report as JSON", async () => {
  await using cli = await createTestContext(wheels());
  assertOk(await cli.run(["create", "web", "--packages", "gpl-pkg mit-pkg"]));
  assertOk(await cli.run(["create", "api", "--packages", "gpl-pkg"]));
  const file = join(cli.work, "team.json");
  await Deno.writeTextFile(
    file,
    JSON.stringify({ version: 1, licenses: { allowed: ["MIT"] }, python: { allowed: ">=3" } }),
  );
  const dry = await cli.run(["policy", "apply", file, "--to-env", "web", "--dry-run"]);
  assertOk(dry);
  assertEquals((await cli.registry()).environments.web!.policy, undefined);
  const applied = await cli.run(["policy", "apply", file, "--to-env", "web"]);
  assertOk(applied);
  assertStringIncludes(applied.stderr, "1 violation");
  const policy = (await cli.registry()).environments.web!.policy!;
  assertEquals(policy.file, file);
  // A copy: editing the file afterwards changes nothing until it is applied again.
  await Deno.writeTextFile(file, "{}");

  const check = await cli.run(["policy", "check", "--all", "--format", "json"]);
  assertEquals(check.code, 1, check.stderr);
  const data = JSON.parse(check.stdout).data;
  assertEquals(data.violations, 1);
  const byName = Object.fromEntries(
    data.environments.map((e: { environment: string }) => [e.environment, e]),
  );
  assertEquals(byName.api.policies, []);
  assertEquals(byName.api.compliant, true);
  assertEquals(byName.web.compliant, false);
  assertEquals(byName.web.violations[0].package, "gpl-pkg");
  assertEquals(byName.web.violations[0].rule, "licenses.allowed");
  assertEquals(byName.web.violations[0].policy, `${file} (applied to web)`);

  const one = await cli.run(["policy", "check", "--env", "api"]);
  assertOk(one);
  const report = await cli.run(["policy", "report", "violations", "--format", "json"]);
  assertOk(report);
  const rules = JSON.parse(report.stdout).data.rules;
  assertEquals(Object.keys(rules), ["licenses.allowed"]);
  assertEquals(rules["licenses.allowed"][0].environment, "web");
});

Deno.test("policy: apply --global copies the file atomically; it then governs every environment", async () => {
  await using cli = await createTestContext(wheels());
  assertOk(await cli.run(["create", "app"]));
  await Deno.writeTextFile(
    join(cli.work, "team.toml"),
    `version = 1\n[packages]\nblocked = ["gpl-pkg"]\n`,
  );
  assertOk(await cli.run(["policy", "apply", "team.toml", "--dry-run"]));
  assertEquals(await Deno.stat(join(cli.home, "policies")).then(() => true, () => false), false);
  assertOk(await cli.run(["policy", "apply", "team.toml", "--global"]));
  assertEquals(
    await Deno.readTextFile(join(cli.home, "policies", "team.toml")),
    await Deno.readTextFile(join(cli.work, "team.toml")),
  );
  await refusedUnchanged(cli, "app", ["install", "gpl-pkg", "--env", "app"]);
});

Deno.test("policy: doctor reports each violation as an error with the change that ends it", async () => {
  await using cli = await createTestContext(wheels());
  assertOk(await cli.run(["create", "app", "--packages", "gpl-pkg mit-pkg"]));
  const healthy = await cli.run(["doctor", "app", "--format", "json"]);
  const none = JSON.parse(healthy.stdout).data.checks.filter((c: { id: string }) =>
    c.id.startsWith("policy.")
  );
  assertEquals(none, [], "no policy: no policy finding");
  await globalPolicy(cli, "team.toml", `version = 1\n[licenses]\nblocked = ["GPL-3.0-only"]\n`);
  const result = await cli.run(["doctor", "app", "--format", "json"]);
  assertEquals(result.code, 1, result.stderr);
  const found = JSON.parse(result.stdout).data.checks.filter((c: { id: string }) =>
    c.id === "policy.violations"
  );
  assertEquals(found.length, 1);
  assertEquals(found[0].severity, "error");
  assertEquals(found[0].items, ["gpl-pkg"]);
  assertStringIncludes(found[0].message, "[licenses.blocked] gpl-pkg 1.0 is licensed GPL-3.0-only");
  assertStringIncludes(found[0].fix.command, "gestvenv uninstall gpl-pkg --env app");
  assertEquals(found[0].fix.auto, undefined, "no automatic fix");
});

Deno.test("allowed sources: doctor reports a configured index outside the list and never asks it", async () => {
  await using cli = await createTestContext(wheels());
  await Deno.mkdir(cli.home, { recursive: true });
  await Deno.writeTextFile(
    join(cli.home, "config.toml"),
    `index_url = "${cli.index.url}"\n[security]\nallowed_sources = ["pypi.org"]\n`,
  );
  const requests = cli.index.requests.length;
  const result = await cli.run(["doctor", "--config", "--format", "json"]);
  const found = JSON.parse(result.stdout).data.checks.filter((c: { id: string }) =>
    c.id === "policy.sources"
  );
  assertEquals(found.length, 1, result.stdout);
  assertEquals(found[0].severity, "error");
  assertEquals(cli.index.requests.length, requests, "the index was not probed");
});

/** A `uv` that logs its arguments (one call a line) and succeeds without doing anything. */
async function fakeUv(cli: TestContext): Promise<{ env: Record<string, string>; log: string }> {
  const bin = join(cli.work, "fake-bin");
  const log = join(cli.work, "uv.log");
  await Deno.mkdir(bin, { recursive: true });
  await Deno.writeTextFile(
    join(bin, "uv"),
    `#!/bin/sh\necho "$*" >> '${log}'\ncase "$*" in *--version*) echo "uv 0.5.0";; esac\nexit 0\n`,
  );
  await Deno.chmod(join(bin, "uv"), 0o755);
  return { env: { GESTVENV_UV: join(bin, "uv") }, log };
}

Deno.test("policy: create --backend uv|pip --seed seeds pip through the lock, judged like any install", async () => {
  await using cli = await createTestContext([
    ...wheels(),
    buildWheel({ name: "pip", version: "24.0" }),
  ]);
  const uv = await fakeUv(cli);
  await globalPolicy(cli, "team.toml", `version = 1\n[packages]\nblocked = ["pip"]\n`);
  for (const backend of ["uv", "pip"]) {
    const name = `seeded-${backend}`;
    const refused = await cli.run(["create", name, "--backend", backend, "--seed"], {
      env: uv.env,
    });
    assertEquals(refused.code, 1, refused.stderr);
    assertStringIncludes(refused.stderr, "[packages.blocked] pip 24.0 is blocked");
    assertEquals(await Deno.stat(cli.envPath(name)).then(() => true, () => false), false);
    const registry = await cli.registry().catch(() => ({ environments: {} }));
    assert(!(name in registry.environments), "no registry entry");
  }
  const calls = await Deno.readTextFile(uv.log).catch(() => "");
  assert(!/install/.test(calls), `uv installed nothing:\n${calls}`);

  // Allowed: uv installs the file gestvenv locked and verified (sha256) in its cache, not a
  // `uv pip install pip` of its own, and never reads a uv.toml of the current directory.
  await globalPolicy(cli, "team.toml", `version = 1\n`);
  await cli.run(["create", "seeded", "--backend", "uv", "--seed"], { env: uv.env });
  const install = (await Deno.readTextFile(uv.log)).split("\n").find((l) => /install/.test(l));
  assert(install !== undefined, "uv was asked to install");
  assert(/\/cache\/artifacts-v1\/\S+\/pip-24\.0-py3-none-any\.whl /.test(install), install);
  assertStringIncludes(install, "--no-deps");
  assertStringIncludes(install, "--no-config");
  assert(!/ install pip /.test(` ${install} `), `not a bare \`uv pip install pip\`: ${install}`);
});

Deno.test("policy: clone by copy (a pip environment) is judged like an install; a refusal leaves nothing", async () => {
  await using cli = await createTestContext(wheels());
  assertOk(await cli.run(["create", "p", "--backend", "pip", "--packages", "demo-pkg"]));
  await globalPolicy(cli, "team.toml", `version = 1\n[packages]\nblocked = ["demo-dep"]\n`);
  const before = await treeDigest(cli.envPath("p"));
  const refused = await cli.run(["clone", "p", "p2"]);
  assertEquals(refused.code, 1, refused.stderr);
  assertStringIncludes(refused.stderr, "Policy refused to install into p2");
  assertStringIncludes(refused.stderr, "[packages.blocked] demo-dep 2.0.0 is blocked");
  assertEquals(await Deno.stat(cli.envPath("p2")).then(() => true, () => false), false);
  assert(!("p2" in (await cli.registry()).environments), "no registry entry");
  const left = (await Array.fromAsync(Deno.readDir(join(cli.home, "environments"))))
    .map((e) => e.name).sort();
  assertEquals(left.filter((n) => n !== "environments.json" && !n.startsWith(".")), ["p"]);
  assertEquals(await treeDigest(cli.envPath("p")), before, "the source is untouched");
  // What the policy allows is copied, licences and hashes read from the copy and its lock.
  await globalPolicy(
    cli,
    "team.toml",
    `version = 1\n[packages]\nblocked = ["gpl-pkg"]\n[requirements]\nrequire_hashes = true\n`,
  );
  const copied = await cli.run(["clone", "p", "p2"]);
  assertOk(copied);
  assertStringIncludes(copied.stderr, "by copy");
});

Deno.test("policy: --dry-run judges the plan like the real run (exit 1, strict 5), changes nothing, says what it could not check", async () => {
  await using cli = await createTestContext(wheels());
  const osv = serveOsv([]);
  try {
    await Deno.mkdir(cli.home, { recursive: true });
    await Deno.writeTextFile(join(cli.home, "config.toml"), `[audit]\nosv_url = "${osv.url}"\n`);
    assertOk(await cli.run(["create", "app", "--packages", "mit-pkg"]));
    await globalPolicy(cli, "team.toml", `version = 1\n[packages]\nblocked = ["demo-dep"]\n`);
    let stderr = await refusedUnchanged(cli, "app", [
      "install",
      "demo-pkg",
      "--env",
      "app",
      "--dry-run",
    ]);
    assertStringIncludes(stderr, "[packages.blocked] demo-dep 2.0.0 is blocked");
    // sync --dry-run of a lock that would bring the blocked package in: refused too.
    const lock = join(cli.work, "other.toml");
    assertOk(await cli.run(["create", "other"]));
    await globalPolicy(cli, "team.toml", `version = 1\n`);
    assertOk(await cli.run(["install", "demo-pkg", "--env", "other"]));
    await Deno.copyFile(join(cli.envPath("other"), "pylock.toml"), lock);
    await globalPolicy(cli, "team.toml", `version = 1\n[packages]\nblocked = ["demo-dep"]\n`);
    stderr = await refusedUnchanged(cli, "app", [
      "sync",
      "app",
      "--locked",
      "--lock-file",
      lock,
      "--dry-run",
    ]);
    assertStringIncludes(stderr, "demo-dep 2.0.0 is blocked");
    // Licences are read from files a dry run does not fetch: said, not guessed.
    await globalPolicy(cli, "team.toml", `version = 1\n[licenses]\nallowed = ["MIT"]\n`);
    const dry = await cli.run(["install", "gpl-pkg", "--env", "app", "--dry-run"]);
    assertOk(dry);
    assertStringIncludes(dry.stderr, "Licences not checked in a dry run");
    assertStringIncludes(dry.stderr, "gpl-pkg");
    // Strict mode without an audit source: the dry run exits 5 as the real run does; a removal
    // needs no audit.
    await Deno.remove(join(cli.home, "policies", "team.toml"));
    osv.setMode("error");
    await Deno.writeTextFile(
      join(cli.home, "config.toml"),
      `[audit]\nosv_url = "${osv.url}"\n[security]\nmode = "strict"\n` +
        `allowed_sources = ["${new URL(cli.index.url).host}"]\n`,
    );
    stderr = await refusedUnchanged(
      cli,
      "app",
      ["install", "other-pkg", "--env", "app", "--dry-run"],
      5,
    );
    assertStringIncludes(stderr, "the audit could not run");
    const before = await treeDigest(cli.envPath("app"));
    assertOk(await cli.run(["uninstall", "mit-pkg", "--env", "app", "--dry-run"]));
    assertEquals(await treeDigest(cli.envPath("app")), before);
  } finally {
    await osv.close();
  }
});

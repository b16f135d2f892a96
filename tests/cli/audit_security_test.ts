/**
 * `gestvenv audit [security]`: vulnerabilities of environments, requirements files and locks,
 * from a local OSV API (tests/helpers/osv_server.ts) and from an offline database the test
 * builds; `--fix` choosing the smallest fixed version that resolves and refusing what a pin
 * blocks (the environment byte-identical); the spec's `security scan|report|update` spellings.
 */
import { Validator } from "@cfworker/json-schema";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { normalizeArgs } from "../../commands/mod.ts";
import { buildWheel } from "../helpers/build_wheel.ts";
import { buildZip } from "../helpers/hostile_wheel.ts";
import { cycloneDxErrors } from "../helpers/sbom_schemas.ts";
import { treeDigest } from "../helpers/tree_digest.ts";
import { type OsvServer, serveOsv } from "../helpers/osv_server.ts";
import { assertSnapshot, filterText } from "../helpers/snapshot.ts";
import {
  assertOk,
  createTestContext,
  runDenyNet,
  standardWheels,
  type TestContext,
} from "../helpers/test_context.ts";

const CRITICAL = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"; // 9.8
const MEDIUM = "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"; // 6.1
const LOW = "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N"; // 1.6

const range = (events: Array<Record<string, string>>) => [{ type: "ECOSYSTEM", events }];

/** The records the tests serve (and import as the offline database). */
function records(): Array<Record<string, unknown>> {
  return [
    {
      id: "PYSEC-2024-1",
      modified: "2024-03-01T00:00:00Z",
      aliases: ["CVE-2024-0001", "GHSA-demo-0001"],
      summary: "demo-pkg runs | arbitrary code",
      severity: [{ type: "CVSS_V3", score: CRITICAL }],
      affected: [{
        package: { ecosystem: "PyPI", name: "demo-pkg" },
        ranges: range([{ introduced: "0" }, { fixed: "1.1.0" }]),
      }],
    },
    {
      id: "GHSA-demo-0001",
      modified: "2024-03-01T00:00:00Z",
      aliases: ["CVE-2024-0001"],
      summary: "Code execution in demo-pkg",
      database_specific: { severity: "CRITICAL" },
      affected: [{
        package: { ecosystem: "PyPI", name: "Demo_Pkg" },
        ranges: range([{ introduced: "0" }, { fixed: "1.1.0" }]),
      }],
    },
    {
      id: "PYSEC-2024-9",
      modified: "2024-04-01T00:00:00Z",
      withdrawn: "2024-04-01T00:00:00Z",
      summary: "Withdrawn: never reported",
      affected: [{
        package: { ecosystem: "PyPI", name: "demo-pkg" },
        ranges: range([{ introduced: "0" }]),
      }],
    },
    {
      id: "GHSA-dep-0002",
      modified: "2024-03-01T00:00:00Z",
      summary: "demo-dep leaks memory",
      database_specific: { severity: "MODERATE" },
      affected: [{
        package: { ecosystem: "PyPI", name: "demo-dep" },
        ranges: range([{ introduced: "0" }, { last_affected: "1.0.0" }]),
      }],
    },
    {
      id: "OSV-2024-77",
      modified: "2024-03-01T00:00:00Z",
      summary: "other-pkg logs a secret",
      severity: [{ type: "CVSS_V3", score: LOW }],
      affected: [{ package: { ecosystem: "PyPI", name: "other-pkg" }, versions: ["2.0.0"] }],
    },
    {
      id: "GHSA-vuln-0001",
      modified: "2024-03-01T00:00:00Z",
      aliases: ["CVE-2024-0100"],
      summary: "vuln-lib trusts its input",
      severity: [{ type: "CVSS_V3", score: MEDIUM }],
      affected: [{
        package: { ecosystem: "PyPI", name: "vuln-lib" },
        ranges: range([{ introduced: "0" }, { fixed: "1.5.0" }]),
      }],
    },
  ];
}

function wheels() {
  return [
    ...standardWheels(),
    ...["1.0.0", "1.5.0", "1.6.0", "2.0.0"].map((version) =>
      buildWheel({ name: "vuln-lib", version })
    ),
    buildWheel({ name: "app-old", version: "1.0.0", dependencies: ["vuln-lib<1.5"] }),
    buildWheel({ name: "app-old", version: "2.0.0", dependencies: ["vuln-lib!=1.5.0"] }),
  ];
}

/** A test context with an OSV server, `audit.osv_url` pointing to it. */
async function setup(): Promise<{ ctx: TestContext; osv: OsvServer } & AsyncDisposable> {
  const ctx = await createTestContext(wheels());
  const osv = serveOsv(records());
  assertOk(await ctx.run(["config", "set", "audit.osv_url", osv.url]));
  return {
    ctx,
    osv,
    async [Symbol.asyncDispose]() {
      await osv.close();
      await ctx[Symbol.asyncDispose]();
    },
  };
}

type Finding = {
  package: string;
  version: string;
  id: string;
  aliases: string[];
  severity: string;
};

function findingsOf(stdout: string): Finding[] {
  const data = JSON.parse(stdout).data;
  return data.targets.flatMap((t: { findings: Finding[] }) => t.findings);
}

const schema = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/audit_report.schema.json", import.meta.url)),
);

/** Asserts that a `--format json` answer follows tests/fixtures/audit_report.schema.json. */
function assertSchema(stdout: string): void {
  const result = new Validator(schema, "7", false).validate(JSON.parse(stdout));
  assert(result.valid, JSON.stringify(result.errors, null, 2));
}

/** Every file under `dir` with its content hash (symlinks by target): an environment's state. */

Deno.test("audit reports an environment's vulnerabilities from OSV: aliases merged, withdrawn skipped, severity, --ignore, exit 1", async (t) => {
  await using s = await setup();
  const { ctx, osv } = s;
  assertOk(await ctx.run(["create", "web", "--packages", "demo-pkg==1.0.0 other-pkg"]));

  const json = await ctx.run(["audit", "web", "--format", "json"]);
  assertEquals(json.code, 1, json.stderr);
  assertSchema(json.stdout);
  const data = JSON.parse(json.stdout).data;
  assertEquals([data.source, data.osv_url], ["osv", osv.url]);
  assertEquals(
    findingsOf(json.stdout).map((f) => [f.package, f.version, f.id, f.aliases, f.severity]),
    [
      ["demo-pkg", "1.0.0", "PYSEC-2024-1", ["GHSA-demo-0001", "CVE-2024-0001"], "CRITICAL"],
      ["other-pkg", "2.0.0", "OSV-2024-77", [], "LOW"],
    ],
  );
  assertEquals(data.targets[0].audited, 3, "demo-pkg, demo-dep and other-pkg were audited");
  // One querybatch, then each distinct id once (withdrawn and unmatched ones included).
  assertEquals(osv.requests.filter((r) => r.startsWith("POST")), ["POST /v1/querybatch"]);

  // The table: every column, the source said.
  const table = await ctx.run(["audit", "web"]);
  assertEquals(table.code, 1);
  for (const part of ["PYSEC-2024-1", "GHSA-demo-0001, CVE-2024-0001", "CRITICAL", "1.1.0"]) {
    assertStringIncludes(table.stdout, part);
  }
  assertStringIncludes(table.stderr, `Vulnerability data: OSV (${osv.url})`);
  assert(!table.stdout.includes("PYSEC-2024-9"), "a withdrawn record is never reported");

  // --severity: LOW is below HIGH (not shown, said); --ignore by an alias.
  const high = await ctx.run(["audit", "web", "--severity", "HIGH", "--format", "json"]);
  assertEquals(findingsOf(high.stdout).map((f) => f.id), ["PYSEC-2024-1"]);
  assertEquals(JSON.parse(high.stdout).data.targets[0].below_threshold, 1);
  const ignored = await ctx.run([
    "audit",
    "web",
    "--severity",
    "HIGH",
    "--ignore",
    "cve-2024-0001",
  ]);
  assertEquals(ignored.code, 0, ignored.stderr);
  assertStringIncludes(ignored.stderr, "No known vulnerabilities at or above HIGH");
  assertStringIncludes(ignored.stderr, "1 finding(s) in web ignored (--ignore)");

  // Markdown, with the CVSS vectors (a `|` in a summary escaped).
  const md = await ctx.run(["audit", "web", "--format", "markdown"]);
  assertEquals(md.code, 1);
  await assertSnapshot(t, filterText(md.stdout, [[osv.url, "<OSV>"]]));

  // The spec's spellings are the same command.
  const scan = await ctx.run(["security", "scan", "--env", "web", "--format", "json"]);
  assertEquals(findingsOf(scan.stdout), findingsOf(json.stdout));
  const report = await ctx.run(["security", "report", "--env", "web", "--format", "json"]);
  assertEquals([report.code, findingsOf(report.stdout).length], [1, 2]);
  const explicit = await ctx.run(["audit", "security", "web", "--format", "json"]);
  assertEquals(findingsOf(explicit.stdout), findingsOf(json.stdout));

  // No target: a usage error that says what to do; an unknown environment: exit 3.
  const none = await ctx.run(["audit"]);
  assertEquals(none.code, 2, none.stderr);
  assertStringIncludes(none.stderr, "--all");
  assertEquals((await ctx.run(["audit", "nope-nope-nope"])).code, 3);
  // `audit --since` is still the installation audit (spec 001), and so is `audit installations`.
  const since = await ctx.run(["audit", "--since", "2000-01-01", "--format", "json"]);
  assertOk(since);
  assert(Array.isArray(JSON.parse(since.stdout).data.installations));
  assertOk(await ctx.run(["audit", "installations"]));
});

Deno.test("audit --format cyclonedx-json: the environment's SBOM with its findings, valid CycloneDX 1.5", async () => {
  await using s = await setup();
  const { ctx } = s;
  assertOk(await ctx.run(["create", "web", "--packages", "demo-pkg==1.0.0 other-pkg"]));
  const result = await ctx.run(["audit", "web", "--format", "cyclonedx-json"]);
  assertEquals(result.code, 1, result.stderr);
  const bom = JSON.parse(result.stdout);
  assertEquals(await cycloneDxErrors(bom), []);
  const vulnerabilities = bom.vulnerabilities as Array<
    { id: string; affects: Array<{ ref: string }>; ratings: Array<{ severity: string }> }
  >;
  assertEquals(
    vulnerabilities.map((v) => [v.id, v.affects.map((a) => a.ref), v.ratings[0]?.severity]),
    [
      ["PYSEC-2024-1", ["pkg:pypi/demo-pkg@1.0.0"], "critical"],
      ["OSV-2024-77", ["pkg:pypi/other-pkg@2.0.0"], "low"],
    ],
  );
  const refs = new Set((bom.components as Array<{ "bom-ref": string }>).map((c) => c["bom-ref"]));
  for (const v of vulnerabilities) for (const a of v.affects) assert(refs.has(a.ref), a.ref);
  // One environment only, and not with --fix (the document describes findings).
  assertOk(await ctx.run(["create", "api"]));
  const all = await ctx.run(["audit", "--all", "--format", "cyclonedx-json"]);
  assertEquals(all.code, 2, all.stderr);
  assertStringIncludes(all.stderr, "describes one environment");
  const fix = await ctx.run(["audit", "web", "--fix", "--format", "cyclonedx-json"]);
  assertEquals(fix.code, 2, fix.stderr);
});

Deno.test("audit --all, -r (pinned, then resolved) and --lock inputs", async () => {
  await using s = await setup();
  const { ctx } = s;
  assertOk(await ctx.run(["create", "a", "--packages", "demo-pkg==1.1.0"]));
  assertOk(await ctx.run(["create", "b", "--packages", "other-pkg"]));
  const all = await ctx.run(["audit", "--all", "--format", "json"]);
  assertEquals(all.code, 1);
  assertSchema(all.stdout);
  const targets = JSON.parse(all.stdout).data.targets as Array<
    { name: string; findings: Finding[] }
  >;
  assertEquals(targets.map((t) => [t.name, t.findings.map((f) => f.id)]), [
    ["a", []],
    ["b", ["OSV-2024-77"]],
  ]);
  const allTable = await ctx.run(["audit", "--all"]);
  assertStringIncludes(allTable.stdout, "target");
  // A broken environment does not stop --all; it is named as not audited.
  assertOk(await ctx.run(["create", "c"]));
  await Deno.remove(join(ctx.envPath("c"), "pyvenv.cfg"));
  const broken = await ctx.run(["audit", "--all", "--format", "json"]);
  assertEquals(broken.code, 1, broken.stderr);
  const brokenData = JSON.parse(broken.stdout).data;
  assertEquals(brokenData.targets.map((t: { name: string }) => t.name), ["a", "b", "c"]);
  assertEquals(brokenData.not_audited.map((n: { name: string }) => n.name), ["c"]);
  assertEquals(typeof brokenData.targets[2].error, "string");

  const pinned = join(ctx.work, "pinned.txt");
  await Deno.writeTextFile(pinned, "demo-dep==1.0.0\nDemo_Pkg==1.0.0  # old\n");
  const fromFile = await ctx.run(["audit", "-r", pinned, "--format", "json"]);
  assertSchema(fromFile.stdout);
  assertEquals(findingsOf(fromFile.stdout).map((f) => [f.package, f.id, f.severity]), [
    ["demo-dep", "GHSA-dep-0002", "MEDIUM"],
    ["Demo_Pkg", "PYSEC-2024-1", "CRITICAL"],
  ]);
  assertEquals(JSON.parse(fromFile.stdout).data.notes, []);

  const loose = join(ctx.work, "loose.txt");
  await Deno.writeTextFile(loose, "demo-pkg<1.1\n");
  const resolved = await ctx.run(["audit", "-r", loose, "--format", "json"]);
  assertEquals(resolved.code, 1, resolved.stderr);
  assertEquals(findingsOf(resolved.stdout).map((f) => [f.package, f.version]), [
    ["demo-pkg", "1.0.0"],
  ]);
  assertStringIncludes(
    JSON.parse(resolved.stdout).data.notes[0],
    "resolved with gestvenv's resolver",
  );

  const lock = join(ctx.work, "pylock.toml");
  assertOk(await ctx.run(["export", "b", lock, "--format", "pylock"]));
  const fromLock = await ctx.run(["audit", "--lock", lock, "--format", "json"]);
  assertSchema(fromLock.stdout);
  assertEquals(findingsOf(fromLock.stdout).map((f) => f.id), ["OSV-2024-77"]);
  assertEquals(JSON.parse(fromLock.stdout).data.targets[0].kind, "lock");
  // One target at a time; --fix only on environments.
  assertEquals((await ctx.run(["audit", "a", "--lock", lock])).code, 2);
  assertEquals((await ctx.run(["audit", "--lock", lock, "--fix"])).code, 2);
});

Deno.test("audit with OSV down: exit 5 and what to do; the offline database answers, offline too", async () => {
  await using s = await setup();
  const { ctx, osv } = s;
  assertOk(await ctx.run(["create", "web", "--packages", "demo-pkg==1.0.0"]));
  const fast = { GESTVENV_HTTP_CONNECT_TIMEOUT: "1", GESTVENV_HTTP_READ_TIMEOUT: "1" };

  osv.setMode("error");
  const down = await ctx.run(["audit", "web"]);
  assertEquals(down.code, 5, down.stderr);
  assertStringIncludes(down.stderr, "no offline vulnerability database");
  assertStringIncludes(down.stderr, "gestvenv audit db update");
  assert(!down.stderr.includes("No known vulnerabilities"), "never a silent all-clear");
  osv.setMode("hang");
  const hung = await ctx.run(["audit", "web"], { env: fast });
  assertEquals(hung.code, 5, hung.stderr);
  osv.setMode("garbage");
  assertEquals((await ctx.run(["audit", "web", "--source", "osv"])).code, 5);
  const offline = await runDenyNet(ctx, ["audit", "web", "--offline"]);
  assertEquals(offline.code, 5, offline.stderr);
  assertStringIncludes(offline.stderr, "--offline");

  // The offline database from OSV's export format (a zip of records).
  const zip = join(ctx.work, "all.zip");
  await Deno.writeFile(
    zip,
    buildZip(records().map((r) => ({ name: `${r.id}.json`, data: JSON.stringify(r) }))),
  );
  const update = await ctx.run(["audit", "db", "update", "--from", zip]);
  assertOk(update);
  assertStringIncludes(update.stderr, "Imported 6 records for 4 packages");
  const info = await ctx.run(["audit", "db", "info", "--format", "json"]);
  const db = JSON.parse(info.stdout).data.database;
  assertEquals([db.records, db.packages, db.source, db.age_days, db.stale], [6, 4, zip, 0, false]);
  assertEquals(db.sha256, createHash("sha256").update(await Deno.readFile(zip)).digest("hex"));

  // OSV hangs: the database answers, and the report says why.
  osv.setMode("hang");
  const fallback = await ctx.run(["audit", "web", "--format", "json"], { env: fast });
  assertEquals(fallback.code, 1, fallback.stderr);
  assertSchema(fallback.stdout);
  const data = JSON.parse(fallback.stdout).data;
  assertEquals(data.source, "db");
  assertStringIncludes(data.fallback_reason, "OSV could not be reached");
  assertEquals(findingsOf(fallback.stdout).map((f) => [f.id, f.aliases]), [
    ["PYSEC-2024-1", ["GHSA-demo-0001", "CVE-2024-0001"]],
  ]);
  // Offline, with no network permission at all: the database.
  const airgap = await runDenyNet(ctx, ["audit", "web", "--offline"]);
  assertEquals(airgap.code, 1, airgap.stderr);
  assertStringIncludes(airgap.stderr, "the offline database");
  assertStringIncludes(airgap.stdout, "PYSEC-2024-1");
  // A hostile archive is refused; the database stays what it was.
  const dbFile = join(ctx.home, "cache", "audit", "osv-pypi-v1.json");
  const before = await Deno.readFile(dbFile);
  const evil = join(ctx.work, "evil.zip");
  await Deno.writeFile(
    evil,
    buildZip([
      { name: "PYSEC-2024-1.json", data: JSON.stringify(records()[0]) },
      { name: "../../escape.json", data: "{}" },
    ]),
  );
  const refused = await ctx.run(["audit", "db", "update", "--from", evil]);
  assertEquals(refused.code, 1, refused.stderr);
  assertStringIncludes(refused.stderr, "refused as a vulnerability database");
  assertEquals(await Deno.readFile(dbFile), before);
  const notJson = join(ctx.work, "notjson.zip");
  await Deno.writeFile(notJson, buildZip([{ name: "a.json", data: "<html>" }]));
  assertEquals((await ctx.run(["audit", "db", "update", "--from", notJson])).code, 1);
  assertEquals(await Deno.readFile(dbFile), before);
  // An explicit `--source db` with OSV fine uses the database.
  osv.setMode("ok");
  const fromDb = await ctx.run(["audit", "web", "--source", "db", "--format", "json"]);
  assertEquals(JSON.parse(fromDb.stdout).data.source, "db");
});

Deno.test("audit --fix: the smallest fixed version that resolves; a pin refuses and changes nothing", async () => {
  await using s = await setup();
  const { ctx } = s;
  // `smallest`: vuln-lib 1.0.0 installed, asked for as a bare name.
  assertOk(await ctx.run(["create", "smallest", "--packages", "vuln-lib<1.5"]));
  assertOk(await ctx.run(["install", "vuln-lib", "--env", "smallest"]));
  // `resolves`: app-old 1.0.0 needs vuln-lib<1.5; app-old 2.0.0 refuses 1.5.0 exactly.
  assertOk(await ctx.run(["create", "resolves", "--packages", "app-old==1.0.0"]));
  assertOk(await ctx.run(["install", "app-old", "--env", "resolves"]));
  // `pinned`: the user pinned the vulnerable version.
  assertOk(await ctx.run(["create", "pinned", "--packages", "vuln-lib==1.0.0"]));
  for (const env of ["smallest", "resolves", "pinned"]) {
    const packages = (await ctx.registry()).environments[env]!.packages;
    assert(packages.some((p) => p.name === "vuln-lib" && p.version === "1.0.0"), env);
  }

  // --dry-run: the plan, nothing changed.
  const tree = await treeDigest(ctx.envPath("smallest"));
  const dry = await ctx.run(["audit", "smallest", "--fix", "--dry-run", "--format", "json"]);
  assertEquals(dry.code, 1, dry.stderr);
  assertSchema(dry.stdout);
  const planned = JSON.parse(dry.stdout).data.fixes[0];
  assertEquals([planned.applied, planned.plan], [false, [{
    name: "vuln-lib",
    from: "1.0.0",
    to: "1.5.0",
    fixes: ["GHSA-vuln-0001"],
  }]]);
  assertEquals(await treeDigest(ctx.envPath("smallest")), tree);

  // Applied: 1.5.0 (the smallest fix), not 2.0.0 (the newest); recorded in the operation log.
  const fixed = await ctx.run(["audit", "smallest", "--fix"]);
  assertEquals(fixed.code, 0, fixed.stderr);
  assertStringIncludes(fixed.stderr, "fixed in `smallest`: vuln-lib 1.0.0 → 1.5.0");
  const smallest = (await ctx.registry()).environments["smallest"]!;
  assertEquals(smallest.packages.find((p) => p.name === "vuln-lib")?.version, "1.5.0");
  assertEquals(smallest.requirements, ["vuln-lib"], "the user's requirements are kept");
  assertStringIncludes(
    await Deno.readTextFile(join(ctx.envPath("smallest"), "pylock.toml")),
    'version = "1.5.0"',
  );
  const log = await Deno.readTextFile(join(ctx.home, "logs", "operations.jsonl"));
  const last = JSON.parse(log.trim().split("\n").at(-1)!);
  assertEquals(
    last.changes.map((c: { name: string; before: string; after: string }) => [
      c.name,
      c.before,
      c.after,
    ]),
    [["vuln-lib", "1.0.0", "1.5.0"]],
  );
  assertOk(await ctx.run(["audit", "smallest"]));

  // 1.5.0 does not resolve with app-old: the next fixed version that does (1.6.0, not 2.0.0).
  const moved = await ctx.run(["security", "update", "--env", "resolves", "--auto-fix"]);
  assertEquals(moved.code, 0, moved.stderr);
  const resolves = (await ctx.registry()).environments["resolves"]!.packages;
  assertEquals(
    ["vuln-lib", "app-old"].map((n) => resolves.find((p) => p.name === n)?.version),
    ["1.6.0", "2.0.0"],
  );

  // A pin blocks it: said with the pin, exit 1, the environment byte-identical.
  const pinnedTree = await treeDigest(ctx.envPath("pinned"));
  const registry = await Deno.readFile(join(ctx.home, "environments.json"));
  const refused = await ctx.run(["audit", "pinned", "--fix"]);
  assertEquals(refused.code, 1, refused.stderr);
  assertStringIncludes(refused.stderr, "cannot fix vuln-lib 1.0.0 in `pinned` (GHSA-vuln-0001)");
  assertStringIncludes(refused.stderr, "your requirement `vuln-lib==1.0.0` excludes 1.5.0");
  assertEquals(await treeDigest(ctx.envPath("pinned")), pinnedTree);
  assertEquals(await Deno.readFile(join(ctx.home, "environments.json")), registry);
  // `security update` without --auto-fix only plans.
  const plan = await ctx.run(["security", "update", "--env", "pinned", "--format", "json"]);
  assertEquals(JSON.parse(plan.stdout).data.fixes[0].unfixable[0].ids, ["GHSA-vuln-0001"]);
  assertEquals(await treeDigest(ctx.envPath("pinned")), pinnedTree);
});

Deno.test("cache export carries the offline database; cache import installs it, refuses a changed one", async () => {
  await using s = await setup();
  const { ctx } = s;
  assertOk(await ctx.run(["create", "web", "--packages", "demo-pkg==1.0.0"]));
  const zip = join(ctx.work, "all.zip");
  await Deno.writeFile(
    zip,
    buildZip(records().map((r) => ({ name: `${r.id}.json`, data: JSON.stringify(r) }))),
  );
  assertOk(await ctx.run(["audit", "db", "update", "--from", zip]));
  const bundle = join(ctx.work, "cache.tar");
  const exported = await ctx.run(["cache", "export", bundle]);
  assertOk(exported);
  assertStringIncludes(exported.stderr, "with the offline vulnerability database");

  // A changed byte in the database: the whole bundle is refused, nothing installed.
  const other = { GESTVENV_HOME: join(ctx.work, "other-home") };
  const bytes = await Deno.readFile(bundle);
  const marker = new TextEncoder().encode("gestvenv-osv-db 1 sha256=");
  const at = bytes.findIndex((_, i) => marker.every((b, j) => bytes[i + j] === b));
  assert(at > 0, "the database is in the bundle");
  const changed = bytes.slice();
  changed[at + marker.length + 100] = changed[at + marker.length + 100]! ^ 1;
  const bad = join(ctx.work, "changed.tar");
  await Deno.writeFile(bad, changed);
  const refused = await ctx.run(["cache", "import", bad], { env: other });
  assertEquals(refused.code, 30, refused.stderr);
  const none = await ctx.run(["audit", "db", "info", "--format", "json"], { env: other });
  assertEquals(JSON.parse(none.stdout).data.present, false);

  // The bundle as written: the other home audits offline with no network at all.
  const imported = await ctx.run(["cache", "import", bundle], { env: other });
  assertOk(imported);
  assertStringIncludes(imported.stderr, "offline vulnerability database was imported");
  const info = await ctx.run(["audit", "db", "info", "--format", "json"], { env: other });
  assertEquals(JSON.parse(info.stdout).data.database.records, 6);
  const req = join(ctx.work, "req.txt");
  await Deno.writeTextFile(req, "demo-pkg==1.0.0\n");
  const offline = await runDenyNet(
    ctx,
    ["audit", "-r", req, "--offline", "--format", "json"],
    other,
  );
  assertEquals(offline.code, 1, offline.stderr);
  assertEquals(findingsOf(offline.stdout).map((f) => f.id), ["PYSEC-2024-1"]);
  // Importing it again keeps the one there (not newer).
  const again = await ctx.run(["cache", "import", bundle], { env: other });
  assertStringIncludes(again.stderr, "not newer");
});

Deno.test("audit --fix: a fix inside another range of a record is passed over; the audit after the upgrade decides the exit code", async () => {
  const osvRecord = (id: string, events: Array<Record<string, string>>) => ({
    id,
    modified: "2024-01-01T00:00:00Z",
    summary: `vuln ${id}`,
    database_specific: { severity: "HIGH" },
    affected: [{ package: { ecosystem: "PyPI", name: "vuln-lib" }, ranges: range(events) }],
  });
  await using ctx = await createTestContext([
    ...standardWheels(),
    ...["0.5", "1.0", "1.6", "2.0"].map((version) => buildWheel({ name: "vuln-lib", version })),
  ]);
  // A: [0, 1.0) ∪ [1.5, 2.0); B: [0, 1.6). 1.6 fixes B but sits inside A's second range.
  const osv = serveOsv([
    osvRecord("PYSEC-A", [{ introduced: "0" }, { fixed: "1.0" }, { introduced: "1.5" }, {
      fixed: "2.0",
    }]),
    osvRecord("PYSEC-B", [{ introduced: "0" }, { fixed: "1.6" }]),
  ]);
  try {
    assertOk(await ctx.run(["config", "set", "audit.osv_url", osv.url]));
    assertOk(await ctx.run(["create", "app", "--packages", "vuln-lib<1"]));
    assertOk(await ctx.run(["install", "vuln-lib", "--env", "app"]));
    await ctx.run(["install", "vuln-lib==0.5", "--env", "app"]);
    const regPath = join(ctx.home, "environments.json");
    const reg = await Deno.readTextFile(regPath);
    await Deno.writeTextFile(regPath, reg.replaceAll('"vuln-lib==0.5"', '"vuln-lib"'));
    const before = await ctx.run(["audit", "app", "--format", "json"]);
    const found = findingsOf(before.stdout);
    assertEquals(found.map((f) => [f.version, f.id]), [["0.5", "PYSEC-A"], ["0.5", "PYSEC-B"]]);
    // Only the fix of the interval holding 0.5 (1.0), not 2.0 that closes A's other interval.
    const fixedVersions = (JSON.parse(before.stdout).data.targets[0].findings as Array<
      { id: string; fixed_versions: string[] }
    >).map((f) => [f.id, f.fixed_versions]);
    assertEquals(fixedVersions, [["PYSEC-A", ["1.0"]], ["PYSEC-B", ["1.6"]]]);
    const fixed = await ctx.run(["audit", "app", "--fix", "--format", "json"]);
    assertSchema(fixed.stdout);
    const data = JSON.parse(fixed.stdout).data;
    assertEquals(data.fixes[0].plan[0].to, "2.0", fixed.stderr);
    assertEquals(data.targets[0].findings_after_fix, []);
    assertEquals(fixed.code, 0, fixed.stderr);
    assertOk(await ctx.run(["audit", "app"]), "the next audit agrees");
  } finally {
    await osv.close();
  }
});

Deno.test("audit: an environment that cannot be audited fails (exit 1, not_audited); an unfinished .dist-info is audited by its name", async (t) => {
  await using s = await setup();
  const { ctx } = s;
  assertOk(await ctx.run(["create", "app", "--packages", "other-pkg==2.0.0"]));
  assertOk(await ctx.run(["create", "gone", "--packages", "other-pkg==2.0.0"]));
  await Deno.remove(ctx.envPath("gone"), { recursive: true });
  const all = await ctx.run(["audit", "--all", "--severity", "HIGH"]);
  assertEquals(all.code, 1, all.stderr);
  assert(!all.stderr.includes("No known vulnerabilities"), all.stderr);
  await assertSnapshot(t, filterText(all.stderr, [[ctx.home, "[HOME]"], [s.osv.url, "<OSV>"]]));
  const json = await ctx.run(["audit", "--all", "--severity", "HIGH", "--format", "json"]);
  assertEquals(json.code, 1);
  assertSchema(json.stdout);
  const result = JSON.parse(json.stdout);
  assertEquals(result.status, "error");
  assertEquals(result.data.not_audited.map((n: { name: string }) => n.name), ["gone"]);

  // vuln-lib 1.0.0 with its RECORD deleted: still importable, still audited.
  assertOk(await ctx.run(["install", "vuln-lib==1.0.0", "--env", "app"]));
  const lib = join(ctx.envPath("app"), "lib");
  let sp = "";
  for await (const e of Deno.readDir(lib)) {
    if (e.name.startsWith("python")) sp = join(lib, e.name, "site-packages");
  }
  await Deno.remove(join(sp, "vuln_lib-1.0.0.dist-info", "RECORD"));
  const broken = await ctx.run(["audit", "app", "--format", "json"]);
  assertEquals(broken.code, 1, broken.stderr);
  assert(findingsOf(broken.stdout).some((f) => f.id === "GHSA-vuln-0001"), broken.stdout);
  assert(
    JSON.parse(broken.stdout).data.notes.some((n: string) =>
      n.includes("vuln-lib 1.0.0 in app is an unfinished installation (no RECORD")
    ),
    broken.stdout,
  );
});

Deno.test("audit routing: bare `audit db` is help and exit 2; global flags before the route word; --env names an environment called like a route", async () => {
  assertEquals(normalizeArgs(["audit", "--offline", "security"]), [
    "audit",
    "security",
    "--offline",
  ]);
  assertEquals(normalizeArgs(["audit", "--log-file", "x.log", "db", "info"]), [
    "audit",
    "db",
    "info",
    "--log-file",
    "x.log",
  ]);
  assertEquals(normalizeArgs(["audit", "--env", "db"]), ["audit", "security", "--env", "db"]);
  await using s = await setup();
  const { ctx } = s;
  const bare = await ctx.run(["audit", "db"]);
  assertEquals(bare.code, 2);
  assertStringIncludes(bare.stderr, "`gestvenv audit db` needs a command");
  assertStringIncludes(bare.stderr, "update");
  assertOk(await ctx.run(["create", "security", "--packages", "other-pkg==2.0.0"]));
  const named = await ctx.run(["audit", "--env", "security", "--format", "json"]);
  assertEquals(named.code, 1, named.stderr);
  assertEquals(JSON.parse(named.stdout).data.targets[0].name, "security");
  const routed = await ctx.run(["audit", "--offline", "security", "--env", "security"]);
  assertEquals(routed.code, 5, routed.stderr);
  assertStringIncludes(routed.stderr, "no offline vulnerability database");
  const help = await ctx.run(["audit", "security", "--help"]);
  assertStringIncludes(help.stdout + help.stderr, "gestvenv audit --env db");
});

import { join } from "node:path";
import { assertEquals, assertRejects, assertStringIncludes } from "../../tests/helpers/assert.ts";
import { assertOk, createTestContext, type TestContext } from "../../tests/helpers/test_context.ts";
import { treeDigest } from "../../tests/helpers/tree_digest.ts";
import { type GestvenvConfig, resolveSettings } from "../config/mod.ts";
import type { EnvironmentContext } from "../environments/mod.ts";
import { NetworkError, OperationError } from "../errors/mod.ts";
import { SILENT_REPORTER } from "../events/mod.ts";
import { installPackages, uninstallPackages } from "../packages/mod.ts";
import { resolveHome } from "../paths/mod.ts";
import type { AuditFinding, AuditFunction } from "./evaluate_policy.ts";
import { operationOf, policyListener, PolicyViolationError } from "./policy_listener.ts";

function context(cli: TestContext, config: GestvenvConfig, audit?: AuditFunction) {
  const home = resolveHome((name) => name === "GESTVENV_HOME" ? cli.home : undefined);
  const ctx: EnvironmentContext = {
    home,
    settings: resolveSettings(home, { index_url: cli.index.url, ...config }, {
      env: () => undefined,
    }),
    creatorVersion: "test",
    reporter: SILENT_REPORTER,
  };
  ctx.lifecycle = policyListener(ctx, { audit });
  return ctx;
}

const high = (name: string, version: string): AuditFinding => ({
  package: name,
  version,
  id: "GHSA-test",
  aliases: [],
  severity: "HIGH",
  cvss: "CVSS:3.1/AV:N",
  summary: "remote code execution",
  fixed_versions: [],
});

Deno.test("strict mode audits the plan through the injected audit: clean installs, HIGH refuses with nothing changed", async () => {
  await using cli = await createTestContext();
  assertOk(await cli.run(["create", "app"]));
  const strict: GestvenvConfig = {
    "security.mode": "strict",
    "security.allowed_sources": [new URL(cli.index.url).host],
  };
  const audited: string[][] = [];
  const clean: AuditFunction = (dists) => {
    audited.push(dists.map((d) => `${d.name}==${d.version}`).sort());
    return Promise.resolve([]);
  };
  await installPackages(context(cli, strict, clean), "app", { requirements: ["demo-dep==1.0.0"] });
  assertEquals(audited, [["demo-dep==1.0.0"]], "the plan was audited before it was applied");

  const before = await treeDigest(cli.envPath("app"));
  const lock = await Deno.readFile(join(cli.envPath("app"), "pylock.toml"));
  const vulnerable: AuditFunction = (dists) =>
    Promise.resolve(dists.filter((d) => d.name === "demo-pkg").map((d) => high(d.name, d.version)));
  const error = await assertRejects(
    () => installPackages(context(cli, strict, vulnerable), "app", { requirements: ["demo-pkg"] }),
    PolicyViolationError,
    "Policy refused to install into app: 1 violation",
  );
  assertStringIncludes(
    (error as PolicyViolationError).details ?? "",
    "demo-pkg 1.1.0: GHSA-test is HIGH: remote code execution",
  );
  assertEquals(await treeDigest(cli.envPath("app")), before);
  assertEquals(await Deno.readFile(join(cli.envPath("app"), "pylock.toml")), lock);

  // No audit at all: strict mode refuses rather than install unchecked.
  await assertRejects(
    () => installPackages(context(cli, strict), "app", { requirements: ["demo-pkg"] }),
    OperationError,
    "no vulnerability audit is available",
  );
  assertEquals(await treeDigest(cli.envPath("app")), before);
});

Deno.test("a policy's [vulnerabilities] rule uses the injected audit; without strict mode a clean plan installs", async () => {
  await using cli = await createTestContext();
  assertOk(await cli.run(["create", "app"]));
  await Deno.mkdir(join(cli.home, "policies"), { recursive: true });
  await Deno.writeTextFile(
    join(cli.home, "policies", "vuln.toml"),
    `version = 1\n[vulnerabilities]\nmax_severity = "MEDIUM"\n`,
  );
  const before = await treeDigest(cli.envPath("app"));
  const vulnerable: AuditFunction = (dists) =>
    Promise.resolve(dists.filter((d) => d.name === "demo-dep").map((d) => high(d.name, d.version)));
  const error = await assertRejects(
    () => installPackages(context(cli, {}, vulnerable), "app", { requirements: ["demo-pkg"] }),
    PolicyViolationError,
  );
  assertStringIncludes(
    (error as PolicyViolationError).details ?? "",
    "[vulnerabilities.max_severity] demo-dep 2.0.0",
  );
  assertEquals(await treeDigest(cli.envPath("app")), before);
  await installPackages(context(cli, {}, () => Promise.resolve([])), "app", {
    requirements: ["demo-pkg"],
  });
});

Deno.test("strict mode audits only what a plan adds or changes: a removal is never refused for want of an audit", async () => {
  await using cli = await createTestContext();
  assertOk(await cli.run(["create", "app", "--packages", "demo-dep==1.0.0"]));
  const strict: GestvenvConfig = {
    "security.mode": "strict",
    "security.allowed_sources": [new URL(cli.index.url).host],
  };
  const audited: string[][] = [];
  const recording: AuditFunction = (dists) => {
    audited.push(dists.map((d) => `${d.name}==${d.version}`).sort());
    return Promise.resolve([]);
  };
  await installPackages(context(cli, strict, recording), "app", {
    requirements: ["other-pkg"],
  });
  assertEquals(audited.length, 1);
  assertEquals(
    audited[0]!.some((d) => d.startsWith("demo-dep==")),
    false,
    `what stays is not audited again: ${audited[0]}`,
  );
  // OSV down, no database: the audit cannot run, and removing a package is still allowed.
  const unreachable: AuditFunction = () =>
    Promise.reject(new NetworkError("OSV could not be reached"));
  await uninstallPackages(context(cli, strict, unreachable), "app", ["other-pkg"]);
  await uninstallPackages(context(cli, strict), "app", ["demo-dep"]);
  const left = await Deno.readTextFile(join(cli.envPath("app"), "pylock.toml"));
  assertEquals(left.includes("other-pkg"), false);
  assertEquals(left.includes("demo-dep"), false);
  // An install still needs the audit.
  await assertRejects(
    () => installPackages(context(cli, strict, unreachable), "app", { requirements: ["demo-dep"] }),
    NetworkError,
    "The install into app is refused",
  );
});

Deno.test("operationOf(): removal-only plans are uninstalls, mixed plans changes", () => {
  const change = (name: string, before: string | null, after: string | null) => ({
    name,
    before,
    after,
    artifact: null,
    url: null,
    directory: null,
  });
  const event = (changes: ReturnType<typeof change>[]) => ({
    event: "pre-install" as const,
    environment: "app",
    path: "/x/app",
    changes,
  });
  assertEquals(operationOf(event([change("a", "1", null)])), "uninstall from app");
  assertEquals(operationOf(event([change("a", "1", null), change("b", null, "2")])), "change app");
  assertEquals(operationOf(event([change("b", null, "2")])), "install into app");
});

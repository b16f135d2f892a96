import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { join } from "node:path";
import { buildWheel } from "../helpers/build_wheel.ts";
import { serveIndex } from "../helpers/local_index.ts";
import { provenanceFor } from "../helpers/provenance.ts";
import { assertSnapshot, filterText } from "../helpers/snapshot.ts";
import {
  assertOk,
  createTestContext,
  runDenyNet,
  standardWheels,
} from "../helpers/test_context.ts";

interface Report {
  ok: boolean;
  distributions: {
    package: string;
    files_checked: number;
    artifact: { file: string; sha256: string } | null;
    artifact_cached: boolean | null;
    source: { kind: string; index: string | null; url: string | null };
  }[];
  files: { package: string; file: string; expected: string; actual: string }[];
  artifacts: { package: string; kind: string; file: string; expected: string; actual: string }[];
  sources: { package: string; source: string | null; why: string }[];
  signatures: {
    package: string;
    status: string;
    detail: string;
    publishers: Record<string, string>[];
    signature_verified: boolean;
  }[] | null;
}

async function verifyJson(
  ctx: Awaited<ReturnType<typeof createTestContext>>,
  args: string[],
): Promise<{ code: number; report: Report; stderr: string }> {
  const result = await ctx.run(["verify", ...args, "--format", "json"]);
  return { code: result.code, report: JSON.parse(result.stdout).data, stderr: result.stderr };
}

async function sitePackages(envPath: string): Promise<string> {
  const lib = join(envPath, "lib");
  for await (const e of Deno.readDir(lib)) {
    if (e.name.startsWith("python")) return join(lib, e.name, "site-packages");
  }
  throw new Error("no site-packages");
}

Deno.test("verify: a sound environment passes; every file hashed, every artifact found in the cache", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "app", "--packages", "demo-pkg==1.0.0"]));
  const { code, report } = await verifyJson(ctx, ["--env", "app"]);
  assertEquals(code, 0);
  assertEquals(report.ok, true);
  assertEquals(report.distributions.map((d) => d.package), ["demo-dep", "demo-pkg"]);
  for (const d of report.distributions) {
    assert(d.files_checked >= 2, `${d.package}: ${d.files_checked} files`);
    assertEquals(d.artifact_cached, true);
    assertEquals(d.source.kind, "lock");
    assertEquals(d.source.index, ctx.index.url);
  }
  const wheel = standardWheels().find((w) => w.name === "demo-pkg" && w.version === "1.0.0")!;
  assertEquals(
    report.distributions.find((d) => d.package === "demo-pkg")!.artifact!.sha256,
    wheel.sha256,
  );
  // No network: everything (a), (b) and (c) read is local.
  const text = await runDenyNet(ctx, ["verify", "packages", "demo-pkg", "--env", "app"]);
  assertOk(text);
  assertStringIncludes(text.stderr, "`app` verified: 1 distribution(s)");
  // A distribution that is not installed is exit 4, not a silent pass.
  const missing = await ctx.run(["verify", "packages", "nope", "--env", "app"]);
  assertEquals(missing.code, 4);
  assertStringIncludes(missing.stderr, "`nope` is not installed in `app`");
});

Deno.test("verify: an edited installed file is named with RECORD's hash and the one found; a hard-linked cache copy is reported too", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "app", "--packages", "demo-pkg==1.0.0"]));
  const site = await sitePackages(ctx.envPath("app"));
  const file = join(site, "demo_pkg", "__init__.py");
  const before = await Deno.stat(file);
  await Deno.writeTextFile(file, "\nprint('tampered')\n", { append: true });
  const { code, report } = await verifyJson(ctx, ["--env", "app"]);
  assertEquals(code, 1);
  assertEquals(report.ok, false);
  assertEquals(report.files.length, 1);
  const [mismatch] = report.files;
  assertEquals(mismatch!.package, "demo-pkg");
  assertEquals(mismatch!.file, file);
  assert(mismatch!.expected.startsWith("sha256=") && mismatch!.actual.startsWith("sha256="));
  assert(mismatch!.expected !== mismatch!.actual);
  // The downloaded wheel in the cache is intact: only the installed file changed...
  assertEquals(report.artifacts.filter((a) => a.kind === "artifact"), []);
  // ...but when the environment links the cache's unpacked copy (same inode), that copy changed
  // with it, and verify says so.
  const stored = report.artifacts.filter((a) => a.kind === "stored-file");
  if ((before.nlink ?? 1) > 1) {
    assertEquals(stored.length, 1, JSON.stringify(report.artifacts));
    assertEquals((await Deno.stat(stored[0]!.file)).ino, before.ino);
    assertEquals(stored[0]!.package, "demo-pkg");
  } else {
    assertEquals(stored, []);
  }
  // demo-dep alone is sound.
  assertEquals((await verifyJson(ctx, ["packages", "demo-dep", "--env", "app"])).code, 0);
  // A deleted file is `missing`.
  await Deno.remove(join(site, "demo_dep", "__init__.py"));
  const again = await verifyJson(ctx, ["demo-dep", "--env", "app"]);
  assertEquals(again.code, 1);
  assertEquals(again.report.files[0]!.actual, "missing");
});

Deno.test("verify: an edited cached artifact is named with the lock's sha256; installed files still match", async (t) => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "app", "--packages", "demo-pkg==1.0.0"]));
  const wheel = standardWheels().find((w) => w.name === "demo-pkg" && w.version === "1.0.0")!;
  const artifact = join(
    ctx.home,
    "cache",
    "artifacts-v1",
    wheel.sha256.slice(0, 2),
    wheel.sha256,
    wheel.filename,
  );
  const installed = join(await sitePackages(ctx.envPath("app")), "demo_pkg", "__init__.py");
  const installedBefore = await Deno.readFile(installed);
  await Deno.chmod(artifact, 0o644).catch(() => {});
  await Deno.writeFile(artifact, new Uint8Array([1, 2, 3]), { append: true });
  const result = await ctx.run(["verify", "--env", "app"]);
  assertEquals(result.code, 1);
  assertEquals(
    await Deno.readFile(installed),
    installedBefore,
    "the installed file did not change",
  );
  const { report } = await verifyJson(ctx, ["--env", "app"]);
  assertEquals(report.files, []);
  assertEquals(report.artifacts.length, 1);
  assertEquals(report.artifacts[0]!.kind, "artifact");
  assertEquals(report.artifacts[0]!.package, "demo-pkg");
  assertEquals(report.artifacts[0]!.file, artifact);
  assertEquals(report.artifacts[0]!.expected, wheel.sha256);
  assertStringIncludes(report.artifacts[0]!.actual, "hash to sha256");
  await assertSnapshot(
    t,
    filterText(result.stdout + result.stderr, [[ctx.home, "[HOME]"]])
      .replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:[PORT]")
      .replace(/\/[0-9a-f]{2}\/[0-9a-f]{64}\//g, "/[SHARD]/[SHA256]/")
      .replace(/[0-9a-f]{64}/g, "[SHA256]"),
  );
});

Deno.test("verify --source-only: a distribution from an index that is not configured is refused, naming the index", async (t) => {
  const elsewhere = serveIndex([buildWheel({ name: "rogue-pkg", version: "1.0" })]);
  try {
    await using ctx = await createTestContext();
    assertOk(await ctx.run(["create", "app", "--packages", "demo-pkg==1.0.0"]));
    assertOk(
      // Installed with a second index that only this command was given (pip's variable).
      await ctx.run(["install", "rogue-pkg", "--env", "app"], {
        env: { PIP_EXTRA_INDEX_URL: elsewhere.url },
      }),
    );
    const { code, report } = await verifyJson(ctx, ["--source-only", "--env", "app"]);
    assertEquals(code, 1);
    assertEquals(report.files, [], "--source-only hashes nothing");
    assertEquals(report.sources.map((s) => s.package), ["rogue-pkg"]);
    assertEquals(report.sources[0]!.source, elsewhere.url);
    assertStringIncludes(report.sources[0]!.why, "configured indexes");
    // Only the named distributions are judged.
    assertEquals((await verifyJson(ctx, ["--source-only", "demo-pkg", "--env", "app"])).code, 0);
    const text = await ctx.run(["verify", "--source-only", "--env", "app", "rogue-pkg"]);
    assertEquals(text.code, 1);
    await assertSnapshot(
      t,
      filterText(text.stdout + text.stderr, [[ctx.home, "[HOME]"]])
        .replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:[PORT]"),
    );
    // With security.allowed_sources, that list decides, matched as installs are (host:port).
    const hostOf = (url: string) => new URL(url).host;
    assertOk(
      await ctx.run(["config", "set", "security.allowed_sources", hostOf(ctx.index.url)]),
    );
    const listed = await verifyJson(ctx, ["--source-only", "--env", "app"]);
    assertEquals(listed.code, 1);
    assertEquals(listed.report.sources.map((s) => s.package), ["rogue-pkg"]);
    assertStringIncludes(listed.report.sources[0]!.why, "security.allowed_sources");
    assertOk(
      await ctx.run([
        "config",
        "set",
        "security.allowed_sources",
        `${hostOf(ctx.index.url)},${hostOf(elsewhere.url)}`,
      ]),
    );
    assertEquals((await verifyJson(ctx, ["--source-only", "--env", "app"])).code, 0);
    assertOk(await ctx.run(["config", "unset", "security.allowed_sources"]));
    // A distribution nothing records (no lock entry, no direct_url.json) is not taken on trust.
    await Deno.remove(join(ctx.envPath("app"), "pylock.toml"));
    const unknown = await verifyJson(ctx, ["--source-only", "demo-dep", "--env", "app"]);
    assertEquals(unknown.code, 1);
    assertStringIncludes(unknown.report.sources[0]!.why, "not recorded");
  } finally {
    await elsewhere.close();
  }
});

Deno.test("verify --signatures: PEP 740 statements checked against the installed artifact; a wrong digest fails, no provenance is said plainly", async (t) => {
  const wheels = standardWheels();
  const pkg = wheels.find((w) => w.name === "demo-pkg" && w.version === "1.0.0")!;
  const dep = wheels.find((w) => w.name === "demo-dep" && w.version === "2.0.0")!;
  await using ctx = await createTestContext(wheels, {
    json: true,
    provenance: {
      [pkg.filename]: provenanceFor(pkg.filename, pkg.sha256),
      // An attestation for other bytes than the ones the index served and gestvenv installed.
      [dep.filename]: provenanceFor(dep.filename, "0".repeat(64)),
    },
  });
  assertOk(await ctx.run(["create", "app", "--packages", "demo-pkg==1.0.0 other-pkg"]));

  const text = await ctx.run(["verify", "--signatures", "--env", "app"]);
  assertEquals(text.code, 1);
  await assertSnapshot(
    t,
    filterText(text.stdout + text.stderr, [[ctx.home, "[HOME]"]])
      .replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:[PORT]")
      .replace(/[0-9a-f]{64}/g, "[SHA256]"),
  );
  assert(!/\bverified\b/.test(text.stdout), "nothing is called verified on stdout");

  const { report } = await verifyJson(ctx, ["--signatures", "--env", "app"]);
  const byName = new Map(report.signatures!.map((s) => [s.package, s]));
  assertEquals(byName.get("demo-pkg")!.status, "subject-matches");
  assertEquals(byName.get("demo-pkg")!.signature_verified, false);
  assertEquals(byName.get("demo-pkg")!.publishers, [{
    kind: "GitHub",
    repository: "ann/demo",
    workflow: "release.yml",
    environment: "pypi",
  }]);
  assertEquals(byName.get("demo-dep")!.status, "mismatch");
  assertStringIncludes(byName.get("demo-dep")!.detail, dep.sha256);
  assertEquals(byName.get("other-pkg")!.status, "no-provenance");

  // A matching attestation passes; the provenance is read back from the cache, not fetched again.
  const before = ctx.index.requests.filter((p) => p.startsWith("/provenance/")).length;
  const only = await verifyJson(ctx, ["packages", "demo-pkg", "--signatures", "--env", "app"]);
  assertEquals(only.code, 0);
  assertEquals(ctx.index.requests.filter((p) => p.startsWith("/provenance/")).length, before);
  const offline = await runDenyNet(ctx, ["verify", "demo-pkg", "--signatures", "--env", "app"]);
  assertOk(offline, "a cached provenance needs no network");
  assertStringIncludes(offline.stderr, "subject-matches");
  // Without provenance, --signatures alone only reports it.
  assertEquals((await verifyJson(ctx, ["other-pkg", "--signatures", "--env", "app"])).code, 0);
  const required = await verifyJson(ctx, ["other-pkg", "--require-signatures", "--env", "app"]);
  assertEquals(required.code, 1);
  assertEquals(required.report.signatures![0]!.status, "no-provenance");
});

Deno.test("verify --require-signatures refuses even a matching statement (no Sigstore verifier); security.require_signatures and GESTVENV_VERIFY_SIGNATURES turn it on", async () => {
  const wheels = standardWheels();
  const pkg = wheels.find((w) => w.name === "other-pkg")!;
  // A forged bundle: the statement names the served bytes, the "signature" is nothing.
  const forged = provenanceFor(pkg.filename, pkg.sha256) as {
    attestation_bundles: { attestations: { envelope: { signature: string } }[] }[];
  };
  forged.attestation_bundles[0]!.attestations[0]!.envelope.signature = "AAAA";
  await using ctx = await createTestContext(wheels, {
    json: true,
    provenance: { [pkg.filename]: forged },
  });
  assertOk(await ctx.run(["create", "app", "--packages", "other-pkg==2.0.0"]));
  // security.allowed_sources applies to the index page and provenance fetches: refused before
  // any request, reported as unavailable with the rule.
  assertOk(await ctx.run(["config", "set", "security.allowed_sources", "pypi.org"]));
  const pages = ctx.index.requests.length;
  const refused = await verifyJson(ctx, ["--signatures", "--env", "app"]);
  assertEquals(refused.report.signatures![0]!.status, "unavailable");
  assertStringIncludes(refused.report.signatures![0]!.detail, "allowed");
  assertEquals(ctx.index.requests.length, pages);
  assertOk(await ctx.run(["config", "unset", "security.allowed_sources"]));
  const gate = await ctx.run(["verify", "--require-signatures", "--env", "app"]);
  assertEquals(gate.code, 1);
  assertStringIncludes(gate.stderr, "signature verification (Sigstore) is not implemented");
  assertStringIncludes(gate.stderr, "claims publisher GitHub ann/demo");
  assert(!gate.stderr.includes("published by"), gate.stderr);
  assert(!/✔|\bverified:/.test(gate.stderr), gate.stderr);
  // The report alone still passes (statements checked, nothing required).
  assertEquals((await ctx.run(["verify", "--signatures", "--env", "app"])).code, 0);
  // The setting is read, through each of its sources.
  const byVariable = await ctx.run(["verify", "--env", "app", "--format", "json"], {
    env: { GESTVENV_VERIFY_SIGNATURES: "1" },
  });
  assertEquals(byVariable.code, 1);
  const data = JSON.parse(byVariable.stdout).data;
  assertEquals(data.ok, false);
  assertEquals(data.signatures_required, true);
  assertEquals(data.signatures[0].status, "subject-matches");
  assertOk(await ctx.run(["config", "set", "security.require_signatures", "true"]));
  assertEquals((await ctx.run(["verify", "--env", "app"])).code, 1);
  // The flag wins over the configuration.
  assertOk(await ctx.run(["verify", "--require-signatures=false", "--env", "app"]));
  assertOk(await ctx.run(["config", "unset", "security.require_signatures"]));
  assertOk(await ctx.run(["verify", "--env", "app"]));
});

Deno.test("verify: a .dist-info without RECORD is a failure, not a silent pass over its edited files", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "app", "--packages", "third_pkg==0.3.0"]));
  const sp = await sitePackages(ctx.envPath("app"));
  await Deno.writeTextFile(join(sp, "third_pkg", "__init__.py"), "import os\n");
  await Deno.remove(join(sp, "third_pkg-0.3.0.dist-info", "RECORD"));
  const text = await ctx.run(["verify", "--env", "app"]);
  assertEquals(text.code, 1);
  assertStringIncludes(text.stdout, "third-pkg 0.3.0: no RECORD");
  assertStringIncludes(text.stdout, "its files cannot be verified");
  const { code, report } = await verifyJson(ctx, ["packages", "third_pkg", "--env", "app"]);
  assertEquals(code, 1);
  assertEquals(report.ok, false);
  assertEquals(
    (report as unknown as { broken: { package: string }[] }).broken.map((b) => b.package),
    ["third-pkg"],
  );
});

Deno.test("verify --source-only: a wheel installed from a local file is judged by its PEP 610 direct_url.json", async () => {
  await using ctx = await createTestContext();
  const local = buildWheel({ name: "local-pkg", version: "0.1" });
  const path = join(ctx.work, local.filename);
  await Deno.writeFile(path, local.bytes);
  assertOk(await ctx.run(["create", "app"]));
  assertOk(await ctx.run(["install", path, "--env", "app"]));
  const { code, report } = await verifyJson(ctx, ["--source-only", "--env", "app"]);
  assertEquals(code, 1);
  assertEquals(report.distributions[0]!.source.kind, "direct_url");
  assertEquals(report.sources.map((s) => s.package), ["local-pkg"]);
  assertStringIncludes(report.sources[0]!.why, "installed from file://");
  assertStringIncludes(report.sources[0]!.why, "configured indexes");
  // Its files still match RECORD: only the source check fails.
  assertEquals((await verifyJson(ctx, ["--env", "app"])).code, 0);
});

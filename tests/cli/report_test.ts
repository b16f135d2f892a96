/**
 * `gestvenv report daily|weekly|security`: a home with a failed operation, an environment whose
 * interpreter is gone and a vulnerable distribution (an offline database built here, as
 * audit_security_test does) lists each with the command that fixes it; Markdown and HTML
 * snapshots; hostile advisory text escaped in HTML; no vulnerability source is never an
 * all-clear; `-o` writes the file; `--slack` posts to a local receiver; `--email` goes through
 * a local SMTP server with STARTTLS.
 */
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { buildZip } from "../helpers/hostile_wheel.ts";
import { makeTestCa, startSmtpServer } from "../helpers/smtp_server.ts";
import { assertSnapshot, filterText } from "../helpers/snapshot.ts";
import { assertOk, createTestContext, type TestContext } from "../helpers/test_context.ts";
import { treeDigest } from "../helpers/tree_digest.ts";
import { startWebhookReceiver } from "../helpers/webhook_receiver.ts";

const CRITICAL = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
const HOSTILE = `<script>alert("x")</script> & <img src=x onerror=alert(1)> | \`rm -rf\``;

/** OSV records: demo-pkg < 1.1.0 is vulnerable, with a hostile summary. */
function records(): Array<Record<string, unknown>> {
  return [{
    id: "PYSEC-2024-1",
    modified: "2024-03-01T00:00:00Z",
    aliases: ["CVE-2024-0001"],
    summary: HOSTILE,
    severity: [{ type: "CVSS_V3", score: CRITICAL }],
    affected: [{
      package: { ecosystem: "PyPI", name: "demo-pkg" },
      ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "1.1.0" }] }],
    }],
  }];
}

async function importDatabase(ctx: TestContext): Promise<void> {
  const zip = join(ctx.work, "osv.zip");
  await Deno.writeFile(
    zip,
    buildZip(records().map((r) => ({ name: `${r.id}.json`, data: JSON.stringify(r) }))),
  );
  assertOk(await ctx.run(["audit", "db", "update", "--from", zip]));
}

/** A home with each kind of problem: a failed install, a broken interpreter, a vulnerability. */
async function troubledHome(ctx: TestContext): Promise<void> {
  assertOk(await ctx.run(["create", "web", "--packages", "demo-pkg==1.0.0"]));
  assertOk(await ctx.run(["create", "broken"]));
  const failed = await ctx.run(["install", "no-such-package", "--env", "web"]);
  assertEquals(failed.code, 4, failed.stderr);
  await Deno.remove(join(ctx.envPath("broken"), "bin", "python"));
  await importDatabase(ctx);
}

/** Temp paths, the index's port, dates, times and byte counts replaced, for snapshots. */
function stable(ctx: TestContext, text: string): string {
  return filterText(text, [[ctx.home, "<HOME>"], [ctx.work, "<WORK>"], [ctx.index.url, "<INDEX>"]])
    .replace(/\d{4}-\d\d-\d\d/g, "<DATE>")
    .replace(/-?\+?\d+(\.\d)? (B|KiB|MiB)\b/g, "<SIZE>")
    .replace(/\d+\.\d% served/g, "<RATE> served");
}

type Problem = { kind: string; environment: string | null; title: string; fix: string | null };

Deno.test("report daily: a failed operation, an unhealthy and a vulnerable environment, each with its fix", async (t) => {
  await using ctx = await createTestContext();
  await troubledHome(ctx);
  // A size recorded by an earlier report at the period's start: the growth is measured from it.
  const startTime = new Date(Date.now() - 86_400_000 + 60_000).toISOString();
  await Deno.mkdir(join(ctx.home, "reports"), { recursive: true });
  await Deno.writeTextFile(
    join(ctx.home, "reports", "cache_sizes.json"),
    JSON.stringify({ format: 1, samples: [{ time: startTime, bytes: 100 }] }),
  );

  const json = await ctx.run(["report", "daily", "--format", "json", "--offline"]);
  assertEquals(json.code, 1, json.stderr);
  const envelope = JSON.parse(json.stdout);
  assertEquals([envelope.command, envelope.status], ["report", "error"]);
  const doc = envelope.data;
  assertEquals([doc.report_version, doc.report, doc.period.name, doc.clean], [
    1,
    "daily",
    "day",
    false,
  ]);
  const problems: Problem[] = doc.problems;
  const brief = problems.map((p) => [p.kind, p.environment, p.fix]);
  assertEquals(brief, [
    ["unhealthy", "broken", "gestvenv repair broken --fix env.interpreter"],
    ["failed_operation", "web", "gestvenv logs --env web --level error --since 1d"],
    ["vulnerable", "web", "gestvenv install 'demo-pkg>=1.1.0' --env web"],
  ]);
  assertEquals(doc.vulnerabilities.source, "db");
  assertEquals(
    doc.vulnerabilities.findings.map((f: Record<string, unknown>) => [
      f.environment,
      f.package,
      f.version,
      f.id,
      f.fixed_versions,
    ]),
    [["web", "demo-pkg", "1.0.0", "PYSEC-2024-1", ["1.1.0"]]],
  );
  assertEquals(doc.changes.failed, 1);
  assertEquals(doc.changes.created.sort(), ["broken", "web"]);
  const web = doc.changes.by_environment.find((a: { environment: string }) =>
    a.environment === "web"
  );
  assertEquals(web.added.sort(), ["demo-dep==2.0.0", "demo-pkg==1.0.0"]);
  assertEquals(doc.health.errors, 1);
  // The cache: now, at the period's start (the recorded sample), and the growth between.
  const info = JSON.parse((await ctx.run(["cache", "info", "--format", "json"])).stdout).data;
  assertEquals(doc.cache.bytes_now, info.total_bytes);
  assertEquals([doc.cache.bytes_at_start, doc.cache.start_measured_at], [100, startTime]);
  assertEquals(doc.cache.growth_bytes, info.total_bytes - 100);
  assert(doc.cache.downloaded_bytes > 0, "the installs downloaded wheels");
  // The report recorded today's size for the next one.
  const samples = JSON.parse(
    await Deno.readTextFile(join(ctx.home, "reports", "cache_sizes.json")),
  ).samples;
  assertEquals(samples.length, 2);
  assertEquals(samples[1].bytes, info.total_bytes);

  // Markdown (the default) and HTML, snapshotted.
  const markdown = await ctx.run(["report", "daily", "--offline"]);
  assertEquals(markdown.code, 1, markdown.stderr);
  assertStringIncludes(markdown.stdout, "`gestvenv install 'demo-pkg>=1.1.0' --env web`");
  await assertSnapshot(t, stable(ctx, markdown.stdout));
  const html = await ctx.run(["report", "daily", "--format", "html", "--offline"]);
  assertEquals(html.code, 1, html.stderr);
  await assertSnapshot(t, stable(ctx, html.stdout));
  // The advisory's hostile summary is text, not markup.
  assert(!html.stdout.includes("<script>alert"), "a script tag got through");
  assert(!html.stdout.includes("<img src=x"), "an img tag got through");
  assertStringIncludes(html.stdout, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
  assertEquals([...html.stdout.matchAll(/<(script|img|link|iframe|a|object)\b/gi)].length, 0);
  // In Markdown too: no raw tag, and the table is not broken by its `|`.
  assert(!markdown.stdout.includes("<script>"), "a raw tag in Markdown");
  assertStringIncludes(markdown.stdout, "\\<script\\>");

  // -o writes the file atomically (nothing on stdout); a JSON file holds the document itself.
  const out = join(ctx.work, "daily.json");
  const written = await ctx.run(["report", "daily", "--format", "json", "-o", out, "--offline"]);
  assertEquals(written.code, 1, written.stderr);
  assertEquals(written.stdout, "");
  const file = JSON.parse(await Deno.readTextFile(out));
  assertEquals(file.problems.map((p: Problem) => p.kind), problems.map((p) => p.kind));
  const page = join(ctx.work, "weekly.html");
  assertEquals(
    (await ctx.run(["report", "weekly", "--format", "html", "-o", page, "--offline"])).code,
    1,
  );
  assert((await Deno.readTextFile(page)).startsWith("<!DOCTYPE html>"));
  const leftovers = (await Array.fromAsync(Deno.readDir(ctx.work)))
    .filter((e) => e.name.includes(".tmp"));
  assertEquals(leftovers, []);

  // Running the fixes the report gave clears those problems; the failure stays in the day's log.
  assertOk(await ctx.run(["repair", "broken", "--fix", "env.interpreter"]));
  assertOk(await ctx.run(["install", "demo-pkg>=1.1.0", "--env", "web"]));
  const after = await ctx.run(["report", "daily", "--format", "json", "--offline"]);
  assertEquals(
    JSON.parse(after.stdout).data.problems.map((p: Problem) => p.kind),
    ["failed_operation"],
  );
  // The security report: vulnerabilities only, none left: exit 0.
  const security = await ctx.run(["report", "security", "--format", "json", "--offline"]);
  assertOk(security);
  const sec = JSON.parse(security.stdout).data;
  assertEquals([sec.report, sec.period.name, sec.changes, sec.health, sec.cache, sec.clean], [
    "security",
    "week",
    null,
    null,
    null,
    true,
  ]);
  assertEquals(sec.vulnerabilities.environments_audited, 2);
  assertEquals(
    JSON.parse(
      (await ctx.run(["report", "security", "--daily", "--json", "--offline"])).stdout,
    ).data.period.name,
    "day",
  );
});

Deno.test("report with no vulnerability source says it is unknown, never an all-clear", async (t) => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "web", "--packages", "other-pkg"]));
  const json = await ctx.run(["report", "security", "--format", "json", "--offline"]);
  assertEquals(json.code, 1, json.stderr);
  const doc = JSON.parse(json.stdout).data;
  assertEquals(doc.vulnerabilities.available, false);
  assertStringIncludes(doc.vulnerabilities.error, "no offline vulnerability database");
  assertEquals(doc.problems.map((p: Problem) => [p.kind, p.fix]), [
    ["section_unavailable", "gestvenv audit db update"],
  ]);
  const text = await ctx.run(["report", "security", "--offline"]);
  assertEquals(text.code, 1);
  assertStringIncludes(text.stdout, "this is not an all-clear");
  assert(!text.stdout.includes("No known vulnerabilities"), "an all-clear without a source");
  await assertSnapshot(t, stable(ctx, text.stdout));
  // With a database that knows nothing about other-pkg: a clean report, exit 0.
  await importDatabase(ctx);
  const clean = await ctx.run(["report", "security", "--offline"]);
  assertOk(clean);
  assertStringIncludes(clean.stdout, "No problems.");
  assertStringIncludes(clean.stdout, "No known vulnerabilities.");
  // --dry-run: no file, no recorded cache size.
  const dry = join(ctx.work, "dry.md");
  assertOk(await ctx.run(["report", "daily", "-o", dry, "--offline", "--dry-run"]));
  assertEquals(await Deno.stat(dry).then(() => true, () => false), false);
  assertEquals(await Deno.stat(join(ctx.home, "reports")).then(() => true, () => false), false);
  // Usage errors.
  assertEquals((await ctx.run(["report", "monthly"])).code, 2);
  assertEquals((await ctx.run(["report", "daily", "--weekly"])).code, 2);
  assertEquals((await ctx.run(["report", "daily", "--slack", "http://example.com/x"])).code, 2);
  assertEquals((await ctx.run(["report", "daily", "--email", "ops@example.org"])).code, 2);
});

Deno.test("report never repairs a damaged registry nor records the last check; --dry-run writes nothing", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "a"]));
  assertOk(await ctx.run(["create", "b"]));
  await importDatabase(ctx);
  // A registry cut in the middle of b's entry: a's still parses.
  const registry = join(ctx.home, "environments.json");
  const full = await Deno.readTextFile(registry);
  await Deno.writeTextFile(registry, full.slice(0, full.indexOf('"b"') + 8));
  const before = await treeDigest(ctx.home);
  const dry = await ctx.run(["report", "daily", "--format", "json", "--offline", "--dry-run"]);
  assertEquals(dry.code, 1, dry.stderr);
  assertEquals(await treeDigest(ctx.home), before, "--dry-run changed the home");
  const doc = JSON.parse(dry.stdout).data;
  assert(
    doc.problems.some((p: Problem) => p.title.includes("registry.damaged")),
    JSON.stringify(doc.problems),
  );
  assertEquals(doc.vulnerabilities.available, false);
  assertStringIncludes(doc.vulnerabilities.error, "the registry is damaged");
  // Without --dry-run: the registry is still the damaged one (no entry dropped, no file moved
  // aside), and the report's health check is not recorded as the last check.
  const run = await ctx.run(["report", "security", "--offline"]);
  assertEquals(run.code, 1, run.stderr);
  assertStringIncludes(run.stdout, "the registry is damaged");
  assertOk(
    await ctx.run(["report", "daily", "--offline", "-o", join(ctx.work, "r.md")]).then(
      (r) => ({ ...r, code: r.code === 1 ? 0 : r.code }),
    ),
  );
  assertEquals(await Deno.readTextFile(registry), full.slice(0, full.indexOf('"b"') + 8));
  assertEquals(
    (await Array.fromAsync(Deno.readDir(ctx.home))).filter((e) => e.name.includes("corrupt")),
    [],
  );
  assertEquals(
    await Deno.stat(join(ctx.home, "monitor", "last_check.json")).then(() => true, () => false),
    false,
    "the report's health check became the last check",
  );
});

Deno.test("report -o where no file can be written exits 10 naming the path", async () => {
  await using ctx = await createTestContext();
  await Deno.writeTextFile(join(ctx.work, "a-file"), "");
  const out = join(ctx.work, "a-file", "r.md");
  const result = await ctx.run(["report", "security", "-o", out, "--offline"]);
  assertEquals(result.code, 10, result.stderr);
  assertStringIncludes(result.stderr, out);
  assertStringIncludes(result.stderr, "hint:");
});

Deno.test("report --slack posts the problems and their fixes; a refusing webhook exits 5", async () => {
  await using ctx = await createTestContext();
  await troubledHome(ctx);
  const receiver = startWebhookReceiver("ok");
  try {
    const url = `${receiver.url}/services/T000/B000/secret`;
    const sent = await ctx.run(["report", "security", "--weekly", "--slack", url, "--offline"]);
    assertEquals(sent.code, 1, sent.stderr);
    assertStringIncludes(sent.stderr, "Posted the report to Slack");
    assert(!sent.stderr.includes("secret"), "the webhook URL is a secret");
    assertEquals(receiver.requests.length, 1);
    const body = receiver.requests[0]!.json as { text: string; blocks: unknown[] };
    assertStringIncludes(body.text, "gestvenv security report");
    // The fallback text is mrkdwn too: `>` escaped as Slack asks.
    assertStringIncludes(body.text, "fix: gestvenv install 'demo-pkg&gt;=1.1.0' --env web");
    assert(!body.text.includes("<script>"), "raw markup in Slack's text");
    assertStringIncludes(JSON.stringify(body.blocks), "PYSEC-2024-1");
    // Slack's mrkdwn: the hostile summary is escaped there too.
    assert(!JSON.stringify(body.blocks).includes("<script>"), "raw markup sent to Slack");
    // A revoked webhook: exit 5 (the report was still printed).
    receiver.setMode("gone");
    const refused = await ctx.run(["report", "security", "--slack", url, "--offline"]);
    assertEquals(refused.code, 5, refused.stderr);
    assertStringIncludes(refused.stdout, "PYSEC-2024-1");
    // --dry-run sends nothing.
    const before = receiver.requests.length;
    await ctx.run(["report", "security", "--slack", url, "--offline", "--dry-run"]);
    assertEquals(receiver.requests.length, before);
  } finally {
    await receiver.close();
  }
});

Deno.test({
  name: "report --email sends it through SMTP with STARTTLS to the address given",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await using ctx = await createTestContext();
    await troubledHome(ctx);
    const certs = await makeTestCa(join(ctx.work, "tls"));
    const server = await startSmtpServer(certs);
    try {
      const smtp = join(ctx.work, "smtp.json");
      await Deno.writeTextFile(
        smtp,
        JSON.stringify({
          host: "127.0.0.1",
          port: server.port,
          from: "gestvenv@example.org",
          to: ["nobody@example.org"],
          ca_file: "tls/ca.pem",
        }),
      );
      const sent = await ctx.run([
        "report",
        "daily",
        "--email",
        "team@example.org",
        "--smtp-config",
        smtp,
        "--offline",
        "-o",
        join(ctx.work, "daily.md"),
      ]);
      assertEquals(sent.code, 1, sent.stderr);
      assertStringIncludes(sent.stderr, "Emailed the report to team@example.org");
      assertEquals(server.messages.length, 1);
      const mail = server.messages[0]!;
      assert(mail.secure, "upgraded with STARTTLS");
      assertEquals(mail.to, ["team@example.org"]);
      const text = mail.data.replace(/=\r?\n/g, ""); // quoted-printable soft line breaks
      assertStringIncludes(text, "gestvenv daily report");
      assertStringIncludes(text, "fix: gestvenv repair broken --fix env.interpreter");
      // Without --smtp-config: the server `monitor alert email` registered.
      const none = await ctx.run(["report", "daily", "--email", "team@example.org", "--offline"]);
      assertEquals(none.code, 2, none.stderr);
      assertStringIncludes(none.stderr, "monitor alert email");
      const added = await ctx.run(["monitor", "alert", "email", "--smtp-config", smtp]);
      assertEquals(added.code, 0, added.stderr);
      const viaChannel = await ctx.run(
        [
          "report",
          "daily",
          "--email",
          "ops@example.org",
          "--offline",
          "-o",
          join(ctx.work, "d2.md"),
        ],
      );
      assertEquals(viaChannel.code, 1, viaChannel.stderr);
      assertEquals(server.messages.length, 2);
      assertEquals(server.messages[1]!.to, ["ops@example.org"]);
      // A Slack webhook that refuses does not stop the email; the exit code is Slack's (5).
      const receiver = startWebhookReceiver("gone");
      try {
        const both = await ctx.run([
          "report",
          "daily",
          "--email",
          "ops@example.org",
          "--slack",
          `${receiver.url}/services/T/B/secret`,
          "--offline",
          "-o",
          join(ctx.work, "d3.md"),
        ]);
        assertEquals(both.code, 5, both.stderr);
        assertEquals(server.messages.length, 3);
        assert(!both.stderr.includes("secret"), both.stderr);
      } finally {
        await receiver.close();
      }
    } finally {
      await server.close();
    }
  },
});

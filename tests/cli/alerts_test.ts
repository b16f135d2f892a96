/**
 * `health-check --alert-on-issues` alerting through `monitor alert` channels: Slack and generic
 * webhooks against a receiver on 127.0.0.1 (the Slack JSON shape asserted), email through an SMTP
 * server on 127.0.0.1 with STARTTLS on a certificate of a test CA (given as `ca_file`). At most
 * one alert per finding: a second run sends nothing, a new finding sends only itself, a finding
 * that went away and came back alerts again. Failure paths: a receiver answering 500 (the other
 * channels still get the alert, the exit code says so, the next run retries it), one that hangs
 * (timeout), an SMTP server without STARTTLS, a smtp.json missing a field (exit 10 naming it).
 * Vulnerabilities come from the offline database (`audit db update`).
 */
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { buildWheel } from "../helpers/build_wheel.ts";
import { buildZip } from "../helpers/hostile_wheel.ts";
import { makeTestCa, startSmtpServer } from "../helpers/smtp_server.ts";
import { startWebhookReceiver } from "../helpers/webhook_receiver.ts";
import {
  assertOk,
  createTestContext,
  runDenyNet,
  standardWheels,
  type TestContext,
} from "../helpers/test_context.ts";

/** Breaks `name`'s interpreter link (`env.interpreter` error); returns the function that repairs it. */
async function breakInterpreter(ctx: TestContext, name: string): Promise<() => Promise<void>> {
  const python = join(ctx.envPath(name), "bin", "python");
  const target = await Deno.readLink(python);
  await Deno.remove(python);
  await Deno.symlink("/nonexistent/python3", python);
  return async () => {
    await Deno.remove(python);
    await Deno.symlink(target, python);
  };
}

const lastCheck = async (ctx: TestContext) =>
  JSON.parse(await Deno.readTextFile(join(ctx.home, "monitor", "last_check.json")));

interface SlackBody {
  text: string;
  blocks: Array<{ type: string; text?: { type: string; text: string } }>;
}

Deno.test("Slack and webhook alerts: sent once per finding, a new finding alone, a finding that comes back again; URLs kept secret", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "web"]));
  assertOk(await ctx.run(["create", "api"]));
  const slack = startWebhookReceiver();
  const hook = startWebhookReceiver();
  try {
    const slackUrl = `${slack.url}/services/T000/B000/SLACKSECRET`;
    const added = await ctx.run(["monitor", "alert", "slack", "--webhook-url", slackUrl]);
    assertOk(added);
    assertOk(
      await ctx.run(["monitor", "alert", "webhook", "--url", `${hook.url}/in?token=HOOKSECRET`]),
    );
    const plain = await ctx.run(["monitor", "alert", "webhook", "--url", "http://example.com/x"]);
    assertEquals(plain.code, 2, "http only to loopback");
    const alerts = join(ctx.home, "monitor", "alerts.json");
    assertEquals((await Deno.stat(alerts)).mode! & 0o777, 0o600);
    const list = await ctx.run(["monitor", "alert", "list", "--format", "json"]);
    const channels = JSON.parse(list.stdout).data.channels;
    assertEquals(channels.map((c: { kind: string }) => c.kind), ["slack", "webhook"]);
    assertEquals(channels[0].destination, `${slack.url}/…`);
    for (const out of [added.stdout, added.stderr, list.stdout, list.stderr]) {
      assert(!out.includes("SLACKSECRET") && !out.includes("HOOKSECRET"), out);
    }

    const healthy = await ctx.run(["health-check", "--alert-on-issues"]);
    assertEquals(healthy.code, 0, healthy.stderr);
    assertEquals([slack.requests.length, hook.requests.length], [0, 0]);

    const repairWeb = await breakInterpreter(ctx, "web");
    const first = await ctx.run(["health-check", "--alert-on-issues"]);
    assertEquals(first.code, 1, first.stderr);
    assertEquals([slack.requests.length, hook.requests.length], [1, 1]);
    const body = slack.requests[0]!.json as SlackBody;
    assertEquals(slack.requests[0]!.path, "/services/T000/B000/SLACKSECRET");
    assertStringIncludes(body.text, "1 new problem");
    assertEquals(body.blocks[0]!.type, "header");
    assertEquals(body.blocks.length, 2);
    assertStringIncludes(body.blocks[1]!.text!.text, "*[error]* environment web:");
    assertStringIncludes(body.blocks[1]!.text!.text, "(`web`)");
    const doc = hook.requests[0]!.json as Record<string, unknown>;
    assertEquals(doc.source, "gestvenv");
    assertEquals(doc.version, 1);
    assertEquals(doc.event, "health-check");
    assertEquals(
      (doc.findings as Array<{ fingerprint: string }>).map((f) => f.fingerprint),
      ["check:env.interpreter:environment web"],
    );
    assertEquals(
      (await lastCheck(ctx)).alerts.map((a: { status: string }) => a.status),
      ["sent", "sent"],
    );

    // Nothing new: nothing sent.
    assertEquals((await ctx.run(["health-check", "--alert-on-issues"])).code, 1);
    assertEquals([slack.requests.length, hook.requests.length], [1, 1]);
    assertEquals(
      (await lastCheck(ctx)).alerts.map((a: { status: string }) => a.status),
      ["nothing new", "nothing new"],
    );

    // A new finding: sent alone.
    await breakInterpreter(ctx, "api");
    assertEquals((await ctx.run(["health-check", "--alert-on-issues"])).code, 1);
    assertEquals([slack.requests.length, hook.requests.length], [2, 2]);
    assertEquals(
      (hook.requests[1]!.json as { findings: Array<{ fingerprint: string }> }).findings.map((f) =>
        f.fingerprint
      ),
      ["check:env.interpreter:environment api"],
    );

    // Gone, then back: alerted again.
    await repairWeb();
    assertEquals((await ctx.run(["health-check", "--alert-on-issues"])).code, 1);
    assertEquals([slack.requests.length, hook.requests.length], [2, 2]);
    await breakInterpreter(ctx, "web");
    assertEquals((await ctx.run(["health-check", "--alert-on-issues"])).code, 1);
    assertEquals([slack.requests.length, hook.requests.length], [3, 3]);
    assertStringIncludes((slack.requests[2]!.json as SlackBody).text, "environment web");

    // A plain health-check records the result and alerts nobody; it keeps what the last
    // alerting run sent, with that run's time.
    const alertedRun = await lastCheck(ctx);
    assertEquals((await ctx.run(["health-check"])).code, 1);
    assertEquals([slack.requests.length, hook.requests.length], [3, 3]);
    const plainRun = await lastCheck(ctx);
    assertEquals(plainRun.alerts, alertedRun.alerts);
    assertEquals(plainRun.alerts_time, alertedRun.time);
    assert(plainRun.time > alertedRun.time);

    const test = await ctx.run(["monitor", "alert", "test"]);
    assertOk(test);
    assertEquals([slack.requests.length, hook.requests.length], [4, 4]);
    assertEquals((hook.requests[3]!.json as { event: string }).event, "test");
    assert(!test.stderr.includes("SECRET"));

    assertOk(await ctx.run(["monitor", "alert", "remove", channels[0].id]));
    const after = JSON.parse((await ctx.run(["monitor", "alert", "list", "--json"])).stdout);
    assertEquals(after.data.channels.map((c: { id: string }) => c.id), [channels[1].id]);
    assertEquals((await ctx.run(["monitor", "alert", "remove", "nope"])).code, 2);
  } finally {
    await slack.close();
    await hook.close();
  }
});

Deno.test({
  name: "email alerts over STARTTLS with a private CA: the mail carries the findings, once",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await using ctx = await createTestContext();
    assertOk(await ctx.run(["create", "web"]));
    assertOk(await ctx.run(["create", "api"]));
    const certs = await makeTestCa(join(ctx.work, "tls"));
    const smtp = await startSmtpServer(certs, { auth: { user: "alerts", pass: "pa55word" } });
    try {
      const config = {
        host: "127.0.0.1",
        port: smtp.port,
        from: "gestvenv@example.org",
        to: ["ops@example.org"],
        username: "alerts",
        password_env: "SMTP_PASSWORD",
        ca_file: "tls/ca.pem",
      };
      const file = join(ctx.work, "smtp.json");
      await Deno.writeTextFile(file, JSON.stringify(config));
      const env = { SMTP_PASSWORD: "pa55word" };

      const { from: _from, ...noFrom } = config;
      await Deno.writeTextFile(join(ctx.work, "bad.json"), JSON.stringify(noFrom));
      const bad = await ctx.run(["monitor", "alert", "email", "--smtp-config", "bad.json"], {
        env,
      });
      assertEquals(bad.code, 10, bad.stderr);
      assertStringIncludes(bad.stderr, 'missing field "from"');
      const unset = await ctx.run(["monitor", "alert", "email", "--smtp-config", "smtp.json"]);
      assertEquals(unset.code, 10);
      assertStringIncludes(unset.stderr, "SMTP_PASSWORD, which is not set");
      assertOk(await ctx.run(["monitor", "alert", "email", "--smtp-config", "smtp.json"], { env }));

      await breakInterpreter(ctx, "web");
      const first = await ctx.run(["health-check", "--alert-on-issues"], { env });
      assertEquals(first.code, 1, first.stderr);
      assertEquals(smtp.messages.length, 1);
      const mail = smtp.messages[0]!;
      assert(mail.secure, "sent after STARTTLS");
      assertEquals(mail.user, "alerts");
      assertEquals(mail.to, ["ops@example.org"]);
      assertStringIncludes(mail.data, "new problem");
      assertStringIncludes(mail.data, "[error] environment web:");
      assert(!mail.data.includes("pa55word"));

      assertEquals((await ctx.run(["health-check", "--alert-on-issues"], { env })).code, 1);
      assertEquals(smtp.messages.length, 1, "nothing new, nothing sent");

      await breakInterpreter(ctx, "api");
      assertEquals((await ctx.run(["health-check", "--alert-on-issues"], { env })).code, 1);
      assertEquals(smtp.messages.length, 2);
      assertStringIncludes(smtp.messages[1]!.data, "environment api");
      assert(!smtp.messages[1]!.data.includes("environment web"), "only the new finding");
    } finally {
      await smtp.close();
    }
  },
});

Deno.test({
  name:
    "alert failures: a 500 does not stop the other channels and exits 5 (retried next run), a hang times out, no STARTTLS is refused",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await using ctx = await createTestContext();
    assertOk(await ctx.run(["create", "web"]));
    assertOk(await ctx.run(["create", "api"]));
    assertOk(await ctx.run(["create", "db"]));
    await Deno.writeTextFile(join(ctx.home, "config.toml"), "[performance]\nmax_retries = 1\n");
    const good = startWebhookReceiver();
    const flaky = startWebhookReceiver("error");
    const certs = await makeTestCa(join(ctx.work, "tls"));
    const plain = await startSmtpServer(certs, { starttls: false });
    try {
      assertOk(await ctx.run(["monitor", "alert", "webhook", "--url", `${flaky.url}/a`]));
      assertOk(await ctx.run(["monitor", "alert", "slack", "--webhook-url", `${good.url}/b`]));
      await breakInterpreter(ctx, "web");
      const failed = await ctx.run(["health-check", "--alert-on-issues"]);
      assertEquals(failed.code, 5, failed.stderr);
      assertEquals(flaky.requests.length, 2, "one retry (performance.max_retries = 1)");
      assertEquals(good.requests.length, 1, "the other channel got it");
      assertStringIncludes(failed.stderr, "HTTP 500");
      let last = await lastCheck(ctx);
      assertEquals(last.exit_code, 5);
      assertEquals(last.alerts.map((a: { status: string }) => a.status), ["failed", "sent"]);

      // The failed channel gets the finding on the next run; the other one nothing new.
      flaky.setMode("ok");
      assertEquals((await ctx.run(["health-check", "--alert-on-issues"])).code, 1);
      assertEquals([flaky.requests.length, good.requests.length], [3, 1]);

      // A receiver that never answers: each attempt times out.
      flaky.setMode("hang");
      await breakInterpreter(ctx, "api");
      const started = Date.now();
      const hung = await ctx.run(["health-check", "--alert-on-issues"], {
        env: { GESTVENV_HTTP_CONNECT_TIMEOUT: "1" },
      });
      assertEquals(hung.code, 5, hung.stderr);
      assert(Date.now() - started < 30_000);
      assertStringIncludes(hung.stderr, "no answer within 1000 ms");
      assertEquals(good.requests.length, 2);

      // SMTP without STARTTLS: refused, nothing sent in clear.
      flaky.setMode("ok");
      const channels = JSON.parse((await ctx.run(["monitor", "alert", "list", "--json"])).stdout)
        .data.channels as Array<{ id: string }>;
      assertOk(await ctx.run(["monitor", "alert", "remove", ...channels.map((c) => c.id)]));
      await Deno.writeTextFile(
        join(ctx.work, "smtp.json"),
        JSON.stringify({
          host: "127.0.0.1",
          port: plain.port,
          from: "g@example.org",
          to: "o@example.org",
          ca_file: "tls/ca.pem",
        }),
      );
      assertOk(await ctx.run(["monitor", "alert", "email", "--smtp-config", "smtp.json"]));
      await breakInterpreter(ctx, "db");
      const refused = await ctx.run(["health-check", "--alert-on-issues"]);
      assertEquals(refused.code, 5, refused.stderr);
      assertStringIncludes(refused.stderr, "No TLS with the SMTP server");
      assertEquals(plain.messages.length, 0);
      last = await lastCheck(ctx);
      assertEquals(last.alerts[0].status, "failed");
    } finally {
      await good.close();
      await flaky.close();
      await plain.close();
    }
  },
});

Deno.test("vulnerabilities from the offline database alert once; the Prometheus export counts them", async () => {
  const wheels = [
    ...standardWheels(),
    buildWheel({ name: "vuln-lib", version: "1.0.0" }),
    buildWheel({ name: "vuln-lib", version: "1.5.0" }),
  ];
  await using ctx = await createTestContext(wheels);
  assertOk(await ctx.run(["create", "web", "--packages", "vuln-lib==1.0.0"]));
  const hook = startWebhookReceiver();
  try {
    assertOk(await ctx.run(["monitor", "alert", "webhook", "--url", `${hook.url}/v`]));
    const without = await ctx.run(["health-check", "--alert-on-issues", "--format", "json"]);
    assertEquals(without.code, 0, without.stderr);
    const scan = JSON.parse(without.stdout).data.vulnerabilities;
    assertEquals(scan.checked, false);
    assertStringIncludes(scan.reason, "audit db update");

    const record = {
      id: "GHSA-vuln-0001",
      modified: "2024-03-01T00:00:00Z",
      aliases: ["CVE-2024-0100"],
      summary: "vuln-lib trusts its input",
      severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" }],
      affected: [{
        package: { ecosystem: "PyPI", name: "vuln-lib" },
        ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "1.5.0" }] }],
      }],
    };
    const zip = join(ctx.work, "all.zip");
    await Deno.writeFile(
      zip,
      buildZip([{ name: "GHSA-vuln-0001.json", data: JSON.stringify(record) }]),
    );
    assertOk(await ctx.run(["audit", "db", "update", "--from", zip]));

    const found = await ctx.run(["health-check", "--alert-on-issues"]);
    assertEquals(found.code, 1, found.stderr);
    assertStringIncludes(found.stdout, "vuln-lib 1.0.0 GHSA-vuln-0001 (web)");
    assertEquals(hook.requests.length, 1);
    const findings = (hook.requests[0]!.json as {
      findings: Array<{ fingerprint: string; severity: string; fix?: string }>;
    }).findings;
    assertEquals(findings.map((f) => [f.fingerprint, f.severity, f.fix]), [[
      "vuln:web:vuln-lib:1.0.0:GHSA-vuln-0001",
      "critical",
      'gestvenv install "vuln-lib>=1.5.0" --env web',
    ]]);
    const last = await lastCheck(ctx);
    assertEquals(last.vulnerabilities.checked, true);
    assertEquals(last.vulnerabilities.source, "db");

    assertEquals((await ctx.run(["health-check", "--alert-on-issues"])).code, 1);
    assertEquals(hook.requests.length, 1, "nothing new");

    const metrics = await ctx.run(["monitor", "export", "prometheus"]);
    assertStringIncludes(metrics.stdout, 'gestvenv_vulnerabilities{severity="critical"} 1\n');
    assertStringIncludes(metrics.stdout, 'gestvenv_vulnerabilities{severity="high"} 0\n');
    const audited = (await lastCheck(ctx)).vulnerabilities.time;
    assert(typeof audited === "string", "the audit's time is recorded");

    // A plain health-check does not audit: it keeps the last audit (with its time) and what was
    // sent, so the exposition and `monitor status` still have them.
    assertEquals((await ctx.run(["health-check"])).code, 0);
    const plain = await lastCheck(ctx);
    assertEquals(plain.vulnerabilities.checked, true);
    assertEquals(plain.vulnerabilities.time, audited);
    assertEquals(plain.vulnerabilities.findings.length, 1);
    assertEquals(plain.alerts.map((a: { status: string }) => a.status), ["nothing new"]);
    assert(plain.alerts_time < plain.time, "the alerts' own time");
    const kept = await ctx.run(["monitor", "export", "prometheus"]);
    assertStringIncludes(kept.stdout, 'gestvenv_vulnerabilities{severity="critical"} 1\n');
    const status = await ctx.run(["monitor", "status"]);
    assertStringIncludes(status.stdout, "1 (offline database");

    // The database gone for a run: the vulnerability was not looked for, so it is not forgotten;
    // back, it does not alert again.
    const db = join(ctx.home, "cache", "audit", "osv-pypi-v1.json");
    await Deno.rename(db, `${db}.away`);
    const blind = await ctx.run(["health-check", "--alert-on-issues"]);
    assertEquals(blind.code, 0, blind.stderr);
    const alerted = JSON.parse(
      await Deno.readTextFile(join(ctx.home, "monitor", "alerted.json")),
    );
    assertEquals(Object.keys(Object.values(alerted.channels)[0] as object), [
      "vuln:web:vuln-lib:1.0.0:GHSA-vuln-0001",
    ]);
    await Deno.rename(`${db}.away`, db);
    assertEquals((await ctx.run(["health-check", "--alert-on-issues"])).code, 1);
    assertEquals(hook.requests.length, 1, "not alerted again");

    // Fixed: the finding is gone, the check is clean again.
    assertOk(await ctx.run(["install", "vuln-lib==1.5.0", "--env", "web"]));
    const fixed = await ctx.run(["health-check", "--alert-on-issues"]);
    assertEquals(fixed.code, 0, fixed.stdout + fixed.stderr);
    assertEquals(hook.requests.length, 1);
  } finally {
    await hook.close();
  }
});

Deno.test("--offline: no connection is made, the alert waits for the next online run (exit 5 meanwhile)", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "web"]));
  const hook = startWebhookReceiver();
  try {
    assertOk(await ctx.run(["monitor", "alert", "webhook", "--url", `${hook.url}/o`]));
    await breakInterpreter(ctx, "web");
    const offline = await runDenyNet(ctx, ["health-check", "--alert-on-issues", "--offline"]);
    assertEquals(offline.code, 5, offline.stderr);
    assertStringIncludes(offline.stderr, "offline mode");
    assertEquals(hook.requests.length, 0);
    assertEquals((await lastCheck(ctx)).alerts[0].status, "failed");
    assertEquals((await ctx.run(["health-check", "--alert-on-issues"])).code, 1);
    assertEquals(hook.requests.length, 1);
  } finally {
    await hook.close();
  }
});

Deno.test("webhook URLs never reach the operation log, --log-file, logs or doctor --export", async () => {
  await using ctx = await createTestContext();
  const hook = startWebhookReceiver();
  try {
    const logFile = join(ctx.work, "run.log");
    const runs = [
      ["monitor", "alert", "slack", "--webhook-url", `${hook.url}/services/T0/B0/SLACKPATHSECRET`],
      ["monitor", "alert", "webhook", `--url=${hook.url}/hook?token=QUERYSECRET`],
      ["monitor", "alert", "webhook", "--url", "https://alice:USERINFOSECRET@example.com/h"],
    ];
    for (const args of runs) assertOk(await ctx.run([...args, "--log-file", logFile]));
    const report = await ctx.run([
      "report",
      "daily",
      "--slack",
      `${hook.url}/services/REPORTSECRET`,
      "--log-file",
      logFile,
    ]);
    assert(report.code === 0 || report.code === 1, report.stderr);
    // A line written before this redaction existed: `logs` and the export hide it too.
    const old = {
      time: new Date(Date.now() - 60_000).toISOString(),
      command: "monitor alert slack",
      command_line:
        "gestvenv monitor alert slack --webhook-url https://hooks.slack.com/services/OLDLINESECRET",
      environments: [],
      changes: [],
      duration_ms: 5,
      exit_code: 0,
      error: null,
      version: "0.1.0",
    };
    const oplogPath = join(ctx.home, "logs", "operations.jsonl");
    const written = await Deno.readTextFile(oplogPath);
    await Deno.writeTextFile(oplogPath, JSON.stringify(old) + "\n", { append: true });
    const diag = join(ctx.work, "diag.json");
    const exported = await ctx.run(["doctor", "--export", diag]);
    assert(exported.code === 0 || exported.code === 1, exported.stderr);
    const logs = await ctx.run(["logs", "--format", "json"]);
    assertOk(logs);
    const table = await ctx.run(["logs"]);
    assertStringIncludes(table.stdout, "hooks.slack.com/…");
    const texts = [written, await Deno.readTextFile(logFile)];
    const readers = [await Deno.readTextFile(diag), logs.stdout, table.stdout];
    for (const text of [...texts, ...readers]) {
      const secrets = ["SLACKPATHSECRET", "QUERYSECRET", "USERINFOSECRET", "REPORTSECRET"];
      for (const secret of readers.includes(text) ? [...secrets, "OLDLINESECRET"] : secrets) {
        assert(!text.includes(secret), `${secret} in ${text}`);
      }
    }
    // What is written still says which flag and which host.
    assertStringIncludes(texts[1]!, `--webhook-url ${hook.url}/…`);
    assertStringIncludes(texts[0]!, `--url=${hook.url}/…`);
    assertStringIncludes(texts[0]!, "--url https://example.com/…");
  } finally {
    await hook.close();
  }
});

import { assert, assertEquals, assertRejects } from "../../tests/helpers/assert.ts";
import { startWebhookReceiver } from "../../tests/helpers/webhook_receiver.ts";
import { ConfigError, InterruptedError } from "../errors/mod.ts";
import type { AlertFinding } from "../notify/mod.ts";
import {
  type AlertChannel,
  deliverAlerts,
  monitorFiles,
  readLastCheck,
  withMonitorLock,
} from "./mod.ts";

const finding: AlertFinding = {
  fingerprint: "check:env.interpreter:environment web",
  severity: "error",
  title: "environment web: interpreter missing",
};

function channel(id: string, url: string): AlertChannel {
  return { id, kind: "webhook", url, added: "2026-01-01T00:00:00.000Z" };
}

async function alerted(path: string): Promise<Record<string, Record<string, string>>> {
  return JSON.parse(await Deno.readTextFile(path)).channels;
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert(cond(), "timed out waiting");
}

Deno.test("deliverAlerts records each channel as soon as it took the alert; the lock is free while sending", async () => {
  const home = await Deno.makeTempDir();
  const ok = startWebhookReceiver();
  const hang = startWebhookReceiver("hang");
  const files = monitorFiles(home);
  await Deno.mkdir(files.dir, { recursive: true });
  try {
    const controller = new AbortController();
    const run = deliverAlerts(
      files,
      [channel("webhook-aaaaaa", `${ok.url}/a`), channel("webhook-bbbbbb", `${hang.url}/b`)],
      [finding],
      { event: "health-check", signal: controller.signal, timeoutMs: 30_000, maxRetries: 0 },
    );
    await until(() => hang.requests.length === 1);
    // The second channel is still sending: someone else takes the monitoring lock at once.
    const took = await Promise.race([
      withMonitorLock(files, () => Promise.resolve("took the lock")),
      new Promise<string>((r) => setTimeout(() => r("lock held while sending"), 3_000)),
    ]);
    assertEquals(took, "took the lock");
    // Interrupted during the second send: the first channel's alert is on record.
    controller.abort("SIGINT");
    await assertRejects(() => run, InterruptedError);
    const record = await alerted(files.alerted);
    assertEquals(Object.keys(record["webhook-aaaaaa"] ?? {}), [finding.fingerprint]);
    assertEquals(Object.keys(record["webhook-bbbbbb"] ?? {}), []);
  } finally {
    await ok.close();
    await hang.close();
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("deliverAlerts keeps vulnerabilities already sent when the run did not audit, expires them when it did", async () => {
  const home = await Deno.makeTempDir();
  const ok = startWebhookReceiver();
  const files = monitorFiles(home);
  await Deno.mkdir(files.dir, { recursive: true });
  try {
    const vuln: AlertFinding = {
      fingerprint: "vuln:web:jinja2:2.10:GHSA-1",
      severity: "high",
      title: "jinja2 2.10: GHSA-1",
    };
    const channels = [channel("webhook-aaaaaa", `${ok.url}/a`)];
    await deliverAlerts(files, channels, [finding, vuln], { event: "health-check" });
    assertEquals(ok.requests.length, 1);
    // Not audited: the check finding is gone (forgotten), the vulnerability is kept.
    await deliverAlerts(files, channels, [], {
      event: "health-check",
      vulnerabilitiesChecked: false,
    });
    assertEquals(Object.keys((await alerted(files.alerted))["webhook-aaaaaa"]!), [
      vuln.fingerprint,
    ]);
    await deliverAlerts(files, channels, [vuln], { event: "health-check" });
    assertEquals(ok.requests.length, 1, "not sent again");
    // Audited and gone: forgotten.
    await deliverAlerts(files, channels, [], { event: "health-check" });
    assertEquals(Object.keys((await alerted(files.alerted))["webhook-aaaaaa"]!), []);
  } finally {
    await ok.close();
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("readLastCheck: a file of the wrong shape is damaged (ConfigError naming the field)", async () => {
  const home = await Deno.makeTempDir();
  const files = monitorFiles(home);
  await Deno.mkdir(files.dir, { recursive: true });
  try {
    const sound = {
      format: 1,
      time: "2026-01-01T00:00:00.000Z",
      exit_code: 0,
      healthy: true,
      errors: 0,
      warnings: 0,
      environments: { web: "ok" },
      checks: [],
      vulnerabilities: { checked: false, source: null, reason: "x", findings: [] },
      findings: [],
      alerts: [],
    };
    await Deno.writeTextFile(files.lastCheck, JSON.stringify(sound));
    assertEquals((await readLastCheck(files))?.time, sound.time);
    const broken: Array<[Record<string, unknown>, string]> = [
      [{ ...sound, vulnerabilities: undefined }, "vulnerabilities"],
      [{ ...sound, vulnerabilities: { checked: true, findings: [{ id: 1 }] } }, "vulnerabilities"],
      [{ ...sound, alerts: "none" }, "alerts"],
      [{ ...sound, checks: [null] }, "checks"],
      [{ ...sound, environments: [] }, "environments"],
      [{ ...sound, time: 5 }, "time"],
    ];
    for (const [data, field] of broken) {
      await Deno.writeTextFile(files.lastCheck, JSON.stringify(data));
      await assertRejects(() => readLastCheck(files), ConfigError, `(field \`${field}\`)`);
    }
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

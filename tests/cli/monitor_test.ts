/**
 * `monitor start|stop|status` and `health-check --schedule` against fake `systemctl`, `crontab`
 * and `launchctl` programs written by the test (they record their argv and stdin; this machine has
 * no user systemd bus and no cron): the exact unit, crontab and plist texts, `stop` removing
 * exactly what `start` installed, the user's own crontab lines kept byte for byte, and the
 * scheduled command line run as cron would run it (last_check.json written, the alert delivered).
 * `monitor export prometheus` parsed with prometheus-client's text-format parser (the reference
 * implementation, from `.tools/py`) and compared with `stats --format json`, `cache info` and
 * the operation log; `--port` serving the same text on /metrics.
 */
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { PERMISSION_FLAGS, V8_FLAGS } from "../../commands/_self.ts";
import { startWebhookReceiver } from "../helpers/webhook_receiver.ts";
import { assertOk, createTestContext, type TestContext } from "../helpers/test_context.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
/** Proxy variables blanked: the scheduled job carries them when set, and these texts are exact. */
const NO_PROXIES = {
  HTTPS_PROXY: "",
  https_proxy: "",
  HTTP_PROXY: "",
  http_proxy: "",
  NO_PROXY: "",
  no_proxy: "",
};
const MARKER = "Written by `gestvenv monitor start`; removed by `gestvenv monitor stop`.";

/** The argv the scheduled job runs: this deno, the release flags, main.ts, the check. */
const JOB_ARGV = [
  Deno.execPath(),
  "run",
  "--quiet",
  ...V8_FLAGS,
  ...PERMISSION_FLAGS,
  MAIN,
  "health-check",
  "--alert-on-issues",
];

/**
 * Writes a fake scheduler program: each call appends its arguments (one line, tab-separated) to
 * `<dir>/<name>.argv`; `crontab -l` prints `<dir>/crontab.txt` (or "no crontab" and exit 1), `crontab -`
 * stores stdin there, `crontab -r` removes it; `systemctl --user show-environment` exits
 * `showExit`.
 */
async function fakeProgram(dir: string, name: string, showExit = 0): Promise<string> {
  const path = join(dir, name);
  const log = join(dir, `${name}.argv`);
  const tab = join(dir, "crontab.txt");
  await Deno.writeTextFile(
    path,
    `#!/bin/sh
(IFS='\t'; printf '%s\\n' "$*") >> '${log}'
case "$*" in
  *show-environment*) exit ${showExit};;
esac
if [ "${name}" = crontab ]; then
  case "$1" in
    -l) if [ -f '${tab}' ]; then cat '${tab}'; else echo "no crontab for tester" >&2; exit 1; fi;;
    -) cat > '${tab}';;
    -r) rm -f '${tab}';;
  esac
fi
exit 0
`,
  );
  await Deno.chmod(path, 0o755);
  return path;
}

const calls = async (dir: string, name: string) =>
  (await Deno.readTextFile(join(dir, `${name}.argv`)).catch(() => "")).split("\n")
    .filter((l) => l !== "").map((l) => l.split("\t"));

const exists = (path: string) => Deno.lstat(path).then(() => true, () => false);

/** Breaks `name`'s interpreter link: the health check's `env.interpreter` error. */
async function breakInterpreter(ctx: TestContext, name: string): Promise<void> {
  const python = join(ctx.envPath(name), "bin", "python");
  await Deno.remove(python);
  await Deno.symlink("/nonexistent/python3", python);
}

Deno.test("monitor start/stop with a systemd user timer: exact units, systemctl calls, stop removes only them; health-check --schedule", async () => {
  await using ctx = await createTestContext();
  const bin = join(ctx.work, "bin");
  await Deno.mkdir(bin);
  const systemctl = await fakeProgram(bin, "systemctl");
  const config = join(ctx.work, "config");
  const units = join(config, "systemd", "user");
  const env = { GESTVENV_SYSTEMCTL: systemctl, XDG_CONFIG_HOME: config, ...NO_PROXIES };
  await Deno.mkdir(units, { recursive: true });
  const mine = join(units, "mine.service");
  await Deno.writeTextFile(mine, "[Service]\nExecStart=/bin/true\n");

  const start = await ctx.run(["monitor", "start", "--interval", "30m"], { env });
  assertOk(start);
  assertStringIncludes(start.stderr, "Installed a systemd user timer");
  assertStringIncludes(start.stderr, "No alert channel yet");
  const q = (s: string) => `"${s}"`;
  assertEquals(
    await Deno.readTextFile(join(units, "gestvenv-monitor.service")),
    `# ${MARKER}\n[Unit]\nDescription=gestvenv scheduled health check\n\n[Service]\nType=oneshot\n` +
      `Environment="GESTVENV_HOME=${ctx.home}"\nExecStart=${JOB_ARGV.map(q).join(" ")}\n`,
  );
  assertEquals(
    await Deno.readTextFile(join(units, "gestvenv-monitor.timer")),
    `# ${MARKER}\n[Unit]\nDescription=Run gestvenv's health check every 30m\n\n[Timer]\n` +
      `OnActiveSec=1800s\nOnUnitActiveSec=1800s\nUnit=gestvenv-monitor.service\n\n` +
      `[Install]\nWantedBy=timers.target\n`,
  );
  assertEquals(await calls(bin, "systemctl"), [
    ["--user", "show-environment"],
    ["--user", "daemon-reload"],
    ["--user", "enable", "--now", "gestvenv-monitor.timer"],
  ]);

  const status = JSON.parse((await ctx.run(["monitor", "status", "--json"], { env })).stdout).data;
  assertEquals(status.schedule.scheduler, "systemd");
  assertEquals(status.schedule.interval, "30m");
  assertEquals(status.schedule.argv, JOB_ARGV);
  assertEquals(status.in_place, true);
  assertEquals(status.last_check, null);

  // health-check --schedule daily replaces it: one timer, on the calendar.
  assertOk(await ctx.run(["health-check", "--schedule", "daily"], { env }));
  assertStringIncludes(
    await Deno.readTextFile(join(units, "gestvenv-monitor.timer")),
    "[Timer]\nOnCalendar=daily\nPersistent=true\n",
  );
  const bad = await ctx.run(["health-check", "--schedule", "monthly"], { env });
  assertEquals(bad.code, 2);

  await Deno.writeTextFile(join(bin, "systemctl.argv"), "");
  const stop = await ctx.run(["health-check", "--schedule", "off"], { env });
  assertOk(stop);
  assertEquals(await calls(bin, "systemctl"), [
    ["--user", "disable", "--now", "gestvenv-monitor.timer"],
    ["--user", "daemon-reload"],
  ]);
  assertEquals(
    (await Array.fromAsync(Deno.readDir(units))).map((e) => e.name),
    ["mine.service"],
    "only gestvenv's units go",
  );
  assertEquals(await Deno.readTextFile(mine), "[Service]\nExecStart=/bin/true\n");
  assert(!(await exists(join(ctx.home, "monitor", "schedule.json"))));
  const again = await ctx.run(["monitor", "stop"], { env });
  assertOk(again);
  assertStringIncludes(again.stderr, "nothing to remove");

  // A unit of the same name that is not gestvenv's is never overwritten.
  const foreign = join(units, "gestvenv-monitor.service");
  await Deno.writeTextFile(foreign, "[Service]\nExecStart=/usr/bin/mine\n");
  await Deno.writeTextFile(join(bin, "systemctl.argv"), "");
  const refused = await ctx.run(["monitor", "start"], { env });
  assertEquals(refused.code, 10, refused.stderr);
  assertStringIncludes(refused.stderr, "was not written by gestvenv");
  assertEquals(await Deno.readTextFile(foreign), "[Service]\nExecStart=/usr/bin/mine\n");
  assert(!(await exists(join(ctx.home, "monitor", "schedule.json"))));
  // The user's own timer of that name is left running: nothing of ours was written.
  assert(
    !(await calls(bin, "systemctl")).some((c) => c.includes("disable")),
    JSON.stringify(await calls(bin, "systemctl")),
  );
  const foreignTimer = join(units, "gestvenv-monitor.timer");
  await Deno.remove(foreign);
  await Deno.writeTextFile(foreignTimer, "[Timer]\nOnCalendar=daily\n");
  assertEquals((await ctx.run(["monitor", "start"], { env })).code, 10);
  assert(!(await calls(bin, "systemctl")).some((c) => c.includes("disable")));
  assertEquals(
    (await Array.fromAsync(Deno.readDir(units))).map((e) => e.name).sort(),
    ["gestvenv-monitor.timer", "mine.service"],
    "our service written before the refusal is removed, the user's timer kept",
  );
  await Deno.remove(foreignTimer);

  // --dry-run installs nothing.
  const dry = await ctx.run(["monitor", "start", "--dry-run"], { env });
  assertOk(dry);
  assertStringIncludes(dry.stderr, "Would install a systemd user timer");
  assert(!(await exists(foreign)));
});

Deno.test("monitor start with cron (no user systemd): the marked block, other lines byte-identical, the scheduled command run as cron runs it alerts once", async () => {
  await using ctx = await createTestContext();
  const bin = join(ctx.work, "bin");
  await Deno.mkdir(bin);
  const env = {
    // systemctl answers but the user's systemd does not: cron is chosen.
    GESTVENV_SYSTEMCTL: await fakeProgram(bin, "systemctl", 1),
    GESTVENV_CRONTAB: await fakeProgram(bin, "crontab"),
    ...NO_PROXIES,
  };
  const user = 'MAILTO=""\r\n# my backups\n15 3 * * * tar czf /tmp/b-$(date +\\%F).tgz ~/docs\n';
  await Deno.writeTextFile(join(bin, "crontab.txt"), user);
  assertOk(await ctx.run(["create", "web"]));
  const receiver = startWebhookReceiver();
  try {
    assertOk(
      await ctx.run(["monitor", "alert", "webhook", "--url", `${receiver.url}/hook/s3cr3t`]),
    );
    const start = await ctx.run(["monitor", "start", "--interval", "1h"], { env });
    assertOk(start);
    assertStringIncludes(start.stderr, "Installed a cron entry");
    const sh = (s: string) => `'${s}'`;
    const line = `0 * * * * GESTVENV_HOME=${sh(ctx.home)} ${JOB_ARGV.map(sh).join(" ")} ` +
      `>${sh(join(ctx.home, "monitor", "scheduled.log"))} 2>&1`;
    const installed = await Deno.readTextFile(join(bin, "crontab.txt"));
    assertEquals(
      installed,
      `${user}# BEGIN gestvenv-monitor (${MARKER})\n${line}\n# END gestvenv-monitor\n`,
    );
    assertEquals((await calls(bin, "systemctl"))[0], ["--user", "show-environment"]);

    // Cron's way: `sh -c` the command after the five time fields, with another home in the
    // environment (the line sets its own).
    await breakInterpreter(ctx, "web");
    const command = line.split(" ").slice(5).join(" ");
    const run = await ctx.exec("sh", ["-c", command], { env: { GESTVENV_HOME: "/nonexistent" } });
    assertEquals(run.code, 1, run.stderr);
    const last = JSON.parse(await Deno.readTextFile(join(ctx.home, "monitor", "last_check.json")));
    assertEquals(last.exit_code, 1);
    assertEquals(last.environments, { web: "error" });
    assertEquals(last.alerts.map((a: { status: string }) => a.status), ["sent"]);
    assertStringIncludes(
      await Deno.readTextFile(join(ctx.home, "monitor", "scheduled.log")),
      "env.interpreter",
    );
    assertEquals(receiver.requests.length, 1);
    const doc = receiver.requests[0]!.json as {
      event: string;
      findings: Array<{ fingerprint: string }>;
    };
    assertEquals(doc.event, "health-check");
    assertEquals(doc.findings.map((f) => f.fingerprint), ["check:env.interpreter:environment web"]);
    // The next scheduled run finds nothing new: nothing is sent.
    assertEquals((await ctx.exec("sh", ["-c", command])).code, 1);
    assertEquals(receiver.requests.length, 1);

    const status = await ctx.run(["monitor", "status"], { env });
    assertOk(status);
    assertStringIncludes(status.stdout, "cron");
    assertStringIncludes(status.stdout, "1 error");
    assert(!status.stdout.includes("s3cr3t"), "the webhook URL is redacted");

    // Replaced, not duplicated; then stop restores the user's crontab byte for byte.
    assertOk(await ctx.run(["monitor", "start", "--interval", "15m"], { env }));
    const replaced = await Deno.readTextFile(join(bin, "crontab.txt"));
    assertEquals(replaced.split("# BEGIN gestvenv-monitor").length, 2);
    assertStringIncludes(replaced, "\n*/15 * * * * GESTVENV_HOME=");
    assertOk(await ctx.run(["monitor", "stop"], { env }));
    assertEquals(await Deno.readTextFile(join(bin, "crontab.txt")), user);
    const unsupported = await ctx.run(["monitor", "start", "--interval", "45m"], { env });
    assertEquals(unsupported.code, 2);
    assertStringIncludes(unsupported.stderr, "cron cannot run a job every 45m");
    assertEquals(await Deno.readTextFile(join(bin, "crontab.txt")), user);
    // --dry-run refuses what the install would refuse.
    const dry = await ctx.run(["monitor", "start", "--interval", "45m", "--dry-run"], { env });
    assertEquals(dry.code, 2, dry.stderr);
    assertStringIncludes(dry.stderr, "cron cannot run a job every 45m");

    // The block edited by hand (no END line), the user's jobs after it: nothing is removed.
    assertOk(await ctx.run(["monitor", "start", "--interval", "1h"], { env }));
    const edited = (await Deno.readTextFile(join(bin, "crontab.txt")))
      .replace("# END gestvenv-monitor\n", "") +
      "0 1 * * * /usr/bin/job-a\n0 2 * * * /usr/bin/job-b\n";
    await Deno.writeTextFile(join(bin, "crontab.txt"), edited);
    const stopEdited = await ctx.run(["monitor", "stop"], { env });
    assertEquals(stopEdited.code, 10, stopEdited.stderr);
    assertStringIncludes(stopEdited.stderr, "was edited");
    assertEquals(await Deno.readTextFile(join(bin, "crontab.txt")), edited);
    const startEdited = await ctx.run(["monitor", "start", "--interval", "1h"], { env });
    assertEquals(startEdited.code, 10, startEdited.stderr);
    assertEquals(await Deno.readTextFile(join(bin, "crontab.txt")), edited);
  } finally {
    await receiver.close();
  }
});

Deno.test("monitor start with cron and no crontab at all: stop removes the crontab it made", async () => {
  await using ctx = await createTestContext();
  const bin = join(ctx.work, "bin");
  await Deno.mkdir(bin);
  const env = { GESTVENV_SCHEDULER: "cron", GESTVENV_CRONTAB: await fakeProgram(bin, "crontab") };
  assertOk(await ctx.run(["monitor", "start", "--interval", "1d"], { env }));
  assertStringIncludes(
    await Deno.readTextFile(join(bin, "crontab.txt")),
    "\n0 0 * * * GESTVENV_HOME=",
  );
  assertOk(await ctx.run(["monitor", "stop"], { env }));
  assert(!(await exists(join(bin, "crontab.txt"))));
  assertEquals((await calls(bin, "crontab")).at(-1), ["-r"]);
});

Deno.test("monitor start with launchd: the agent's plist and launchctl bootstrap/bootout", async () => {
  await using ctx = await createTestContext();
  const bin = join(ctx.work, "bin");
  await Deno.mkdir(bin);
  const env = {
    GESTVENV_SCHEDULER: "launchd",
    GESTVENV_LAUNCHCTL: await fakeProgram(bin, "launchctl"),
    HOME: ctx.work,
    ...NO_PROXIES,
  };
  assertOk(await ctx.run(["monitor", "start", "--interval", "6h"], { env }));
  const plist = join(ctx.work, "Library", "LaunchAgents", "org.gestvenv.monitor.plist");
  const log = join(ctx.home, "monitor", "scheduled.log");
  assertEquals(
    await Deno.readTextFile(plist),
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
      `<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n` +
      `<!-- ${MARKER} -->\n<plist version="1.0">\n<dict>\n` +
      `  <key>Label</key>\n  <string>org.gestvenv.monitor</string>\n` +
      `  <key>ProgramArguments</key>\n  <array>\n${
        JOB_ARGV.map((a) => `    <string>${a}</string>\n`).join("")
      }  </array>\n` +
      `  <key>EnvironmentVariables</key>\n  <dict>\n    <key>GESTVENV_HOME</key>\n` +
      `    <string>${ctx.home}</string>\n  </dict>\n` +
      `  <key>StartInterval</key>\n  <integer>21600</integer>\n` +
      `  <key>RunAtLoad</key>\n  <false/>\n` +
      `  <key>StandardOutPath</key>\n  <string>${log}</string>\n` +
      `  <key>StandardErrorPath</key>\n  <string>${log}</string>\n</dict>\n</plist>\n`,
  );
  const uid = String(Deno.uid());
  assertEquals(await calls(bin, "launchctl"), [
    ["bootout", `gui/${uid}/org.gestvenv.monitor`],
    ["bootstrap", `gui/${uid}`, plist],
  ]);
  assertOk(await ctx.run(["monitor", "stop"], { env }));
  assert(!(await exists(plist)));
  assertEquals((await calls(bin, "launchctl")).at(-1), [
    "bootout",
    `gui/${uid}/org.gestvenv.monitor`,
  ]);
});

/** The prometheus-client Python of `.ci/run` (`GESTVENV_TEST_PROMETHEUS_PYTHON`), if any. */
async function prometheusPython(): Promise<string | undefined> {
  const candidates = [
    Deno.env.get("GESTVENV_TEST_PROMETHEUS_PYTHON"),
    new URL("../../.tools/py/bin/python", import.meta.url).pathname,
  ];
  for (const python of candidates) {
    if (python === undefined || python === "") continue;
    // A missing interpreter throws when spawned (not a rejected promise): both are "absent".
    const probe = await (async () => {
      try {
        return await new Deno.Command(python, {
          args: ["-c", "import prometheus_client"],
          stdout: "null",
          stderr: "null",
        }).output();
      } catch {
        return undefined;
      }
    })();
    if (probe?.success) return python;
  }
  return undefined;
}

const PARSER = `
import json, sys
from prometheus_client.parser import text_string_to_metric_families
samples = []
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        samples.append({"family": family.name, "type": family.type, "name": s.name, "labels": s.labels, "value": s.value})
print(json.dumps(samples))
`;

interface Sample {
  family: string;
  type: string;
  name: string;
  labels: Record<string, string>;
  value: number;
}

const python = await prometheusPython();

Deno.test({
  name:
    "monitor export prometheus: parsed by prometheus-client, its numbers are stats --format json's; --port serves them on /metrics",
  ignore: python === undefined,
  fn: async () => {
    await using ctx = await createTestContext();
    assertOk(await ctx.run(["create", "web", "--packages", "demo-pkg"]));
    assertOk(await ctx.run(["install", "other-pkg", "--env", "web"]));
    assertOk(await ctx.run(["create", "api", "--packages", "demo-pkg"]));
    assertEquals((await ctx.run(["install", "no-such-pkg", "--env", "web"])).code, 4);
    assertEquals((await ctx.run(["delete", "ghost", "--force"])).code, 3);
    assertOk(await ctx.run(["health-check"]));
    await breakInterpreter(ctx, "api");
    assertEquals((await ctx.run(["health-check"])).code, 1);
    assertOk(await ctx.run(["create", "late"]));

    const exported = await ctx.run(["monitor", "export", "prometheus"]);
    assertOk(exported);
    const child = new Deno.Command(python!, {
      args: ["-c", PARSER],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(exported.stdout));
    await writer.close();
    const out = await child.output();
    assert(out.success, new TextDecoder().decode(out.stderr));
    const samples = JSON.parse(new TextDecoder().decode(out.stdout)) as Sample[];
    const value = (name: string, labels: Record<string, string> = {}) => {
      const found = samples.filter((s) =>
        s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)
      );
      assertEquals(found.length, 1, `${name} ${JSON.stringify(labels)}`);
      return found[0]!.value;
    };

    const stats = JSON.parse(
      (await ctx.run(["stats", "--period", "1970-01-01", "--format", "json"])).stdout,
    ).data;
    assert(stats.operations.by_command.length >= 3);
    for (const c of stats.operations.by_command) {
      assertEquals(
        value("gestvenv_operations_total", { command: c.command, status: "failure" }),
        c.failures,
      );
      assertEquals(
        value("gestvenv_operations_total", { command: c.command, status: "success" }),
        c.count - c.failures,
      );
      assertEquals(
        value("gestvenv_operation_duration_seconds_count", { command: c.command }),
        c.count,
      );
      assertEquals(
        value("gestvenv_operation_duration_seconds", { command: c.command, quantile: "0.5" }),
        c.median_ms / 1000,
      );
      assertEquals(
        value("gestvenv_operation_duration_seconds", { command: c.command, quantile: "0.9" }),
        c.p90_ms / 1000,
      );
    }
    const total = samples.filter((s) => s.name === "gestvenv_operations_total")
      .reduce((n, s) => n + s.value, 0);
    assertEquals(total, stats.operations.total);
    assertEquals(
      samples.filter((s) => s.name === "gestvenv_operations_total" && s.labels.status === "failure")
        .reduce((n, s) => n + s.value, 0),
      stats.operations.failed,
    );
    // _sum: the durations of the log's lines, read here directly.
    const lines = (await Deno.readTextFile(join(ctx.home, "logs", "operations.jsonl"))).trim()
      .split("\n").map((l) => JSON.parse(l) as { command: string; duration_ms: number });
    for (const c of stats.operations.by_command) {
      const sum = lines.filter((l) => l.command === c.command).reduce(
        (n, l) => n + l.duration_ms,
        0,
      );
      assert(
        Math.abs(
          value("gestvenv_operation_duration_seconds_sum", { command: c.command }) - sum / 1000,
        ) < 1e-9,
      );
    }
    assertEquals(value("gestvenv_cache_hits_total"), stats.cache.hits);
    assertEquals(value("gestvenv_cache_misses_total"), stats.cache.misses);
    assert(stats.cache.hits > 0 && stats.cache.misses > 0, "both hits and misses happened");
    assertEquals(value("gestvenv_cache_hit_ratio"), stats.cache.hit_rate);
    assertEquals(value("gestvenv_cache_saved_bytes_total"), stats.cache.bytes_saved);
    const info = JSON.parse((await ctx.run(["cache", "info", "--format", "json"])).stdout).data;
    assertEquals(value("gestvenv_cache_size_bytes"), info.total_bytes);
    // By the last check: web ok, api broken after it ran... the last run saw api in error;
    // `late` was created after it (unknown).
    assertEquals(value("gestvenv_environments", { health: "ok" }), 1);
    assertEquals(value("gestvenv_environments", { health: "error" }), 1);
    assertEquals(value("gestvenv_environments", { health: "unknown" }), 1);
    assertEquals(value("gestvenv_environments", { health: "warning" }), 0);
    assertEquals(
      samples.filter((s) => s.name === "gestvenv_environments").reduce((n, s) => n + s.value, 0),
      stats.environments.count,
    );
    const last = JSON.parse(await Deno.readTextFile(join(ctx.home, "monitor", "last_check.json")));
    assertEquals(value("gestvenv_last_check_timestamp_seconds"), Date.parse(last.time) / 1000);
    assertEquals(value("gestvenv_last_check_healthy"), 0);
    assertEquals(value("gestvenv_last_check_findings", { severity: "error" }), 1);
    assertEquals(
      samples.find((s) => s.name === "gestvenv_operations_total")!.type,
      "counter",
    );

    // --port: the same text on /metrics until SIGINT.
    const server = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        ...PERMISSION_FLAGS,
        MAIN,
        "monitor",
        "export",
        "prometheus",
        "--port",
        "0",
        "--format",
        "json",
      ],
      env: ctx.env,
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const reader = server.stdout.getReader();
    let text = "";
    let url: string | undefined;
    while (url === undefined) {
      const { done, value: chunk } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(chunk);
      try {
        url = JSON.parse(text).data.url;
      } catch { /* not the whole document yet */ }
    }
    assert(url !== undefined && /^http:\/\/127\.0\.0\.1:\d+\/metrics$/.test(url), text);
    const response = await fetch(url);
    assertEquals(response.status, 200);
    assertEquals(response.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    assertEquals(await response.text(), exported.stdout);
    const other = await fetch(url.replace("/metrics", "/other"));
    assertEquals(other.status, 404);
    await other.body?.cancel();
    const post = await fetch(url, { method: "POST" });
    assertEquals(post.status, 405);
    await post.body?.cancel();
    server.kill("SIGINT");
    reader.releaseLock();
    const status = await server.output();
    assertEquals(status.code, 0, new TextDecoder().decode(status.stderr));
  },
});

Deno.test("monitor start killed mid-install (units written, systemctl not run yet): status shows the job, stop removes it", async () => {
  await using ctx = await createTestContext();
  const bin = join(ctx.work, "bin");
  await Deno.mkdir(bin);
  const config = join(ctx.work, "config");
  const units = join(config, "systemd", "user");
  await Deno.mkdir(units, { recursive: true });
  const systemctl = await fakeProgram(bin, "systemctl");
  // `daemon-reload` kills gestvenv (SIGKILL: no cleanup runs), once.
  const killer = join(bin, "systemctl-killer");
  const armed = join(bin, "armed");
  await Deno.writeTextFile(armed, "");
  await Deno.writeTextFile(
    killer,
    `#!/bin/sh
case "$*" in
  *daemon-reload*) if [ -f '${armed}' ]; then rm -f '${armed}'; kill -9 "$PPID"; exit 1; fi;;
esac
exec '${systemctl}' "$@"
`,
  );
  await Deno.chmod(killer, 0o755);
  const env = { GESTVENV_SYSTEMCTL: killer, XDG_CONFIG_HOME: config, ...NO_PROXIES };
  const killed = await ctx.run(["monitor", "start"], { env });
  assert(killed.code !== 0, "killed");
  assert(await exists(join(units, "gestvenv-monitor.service")));
  const status = JSON.parse((await ctx.run(["monitor", "status", "--json"], { env })).stdout).data;
  assertEquals(status.schedule?.scheduler, "systemd", "the half-installed job is on record");
  assertOk(await ctx.run(["monitor", "stop"], { env }));
  assertEquals((await Array.fromAsync(Deno.readDir(units))).map((e) => e.name), []);
  assert(!(await exists(join(ctx.home, "monitor", "schedule.json"))));
});

Deno.test("monitor start with launchd: a plist of the same name that is not ours stays loaded", async () => {
  await using ctx = await createTestContext();
  const bin = join(ctx.work, "bin");
  await Deno.mkdir(bin);
  const env = {
    GESTVENV_SCHEDULER: "launchd",
    GESTVENV_LAUNCHCTL: await fakeProgram(bin, "launchctl"),
    HOME: ctx.work,
    ...NO_PROXIES,
  };
  const agents = join(ctx.work, "Library", "LaunchAgents");
  await Deno.mkdir(agents, { recursive: true });
  const plist = join(agents, "org.gestvenv.monitor.plist");
  await Deno.writeTextFile(plist, "<plist>mine</plist>\n");
  const refused = await ctx.run(["monitor", "start"], { env });
  assertEquals(refused.code, 10, refused.stderr);
  assertEquals(await calls(bin, "launchctl"), [], "no bootout of the user's agent");
  assertEquals(await Deno.readTextFile(plist), "<plist>mine</plist>\n");
});

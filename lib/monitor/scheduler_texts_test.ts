import { assertEquals, assertThrows } from "../../tests/helpers/assert.ts";
import { ConfigError, UsageError } from "../errors/mod.ts";
import {
  checkScheduledJob,
  cronBlock,
  cronFields,
  launchdPlist,
  monitorFiles,
  parseScheduleInterval,
  scheduledJob,
  schtasksCreateArgs,
  shQuote,
  systemdQuote,
  withCronBlock,
  withoutCronBlock,
} from "./mod.ts";

Deno.test("parseScheduleInterval: units normalized, names, bounds", () => {
  assertEquals(parseScheduleInterval("60m"), { label: "1h", seconds: 3600, calendar: "hourly" });
  assertEquals(parseScheduleInterval("daily"), { label: "1d", seconds: 86400, calendar: "daily" });
  assertEquals(parseScheduleInterval("7d"), { label: "1w", seconds: 604800, calendar: "weekly" });
  assertEquals(parseScheduleInterval("90m"), { label: "90m", seconds: 5400 });
  for (const bad of ["1m", "5w", "1h30m", "", "-1h", "monthly"]) {
    assertThrows(() => parseScheduleInterval(bad), UsageError);
  }
});

Deno.test("cronFields: only what cron can express", () => {
  const f = (t: string) => cronFields(parseScheduleInterval(t));
  assertEquals(f("5m"), "*/5 * * * *");
  assertEquals(f("30m"), "*/30 * * * *");
  assertEquals(f("1h"), "0 * * * *");
  assertEquals(f("6h"), "0 */6 * * *");
  assertEquals(f("1d"), "0 0 * * *");
  assertEquals(f("1w"), "0 0 * * 0");
  for (const bad of ["45m", "90m", "5h", "2d", "2w"]) assertThrows(() => f(bad), UsageError);
});

Deno.test("quoting: systemd doubles % and $, sh single-quotes, cron escapes %", () => {
  assertEquals(systemdQuote('a b"c\\d%e$f'), '"a b\\"c\\\\d%%e$$f"');
  assertThrows(() => systemdQuote("a\nb"), UsageError);
  assertEquals(shQuote("it's"), "'it'\\''s'");
  const block = cronBlock({
    argv: ["/opt/my tools/gestvenv", "health-check"],
    env: [["GESTVENV_HOME", "/h/100%"]],
    interval: parseScheduleInterval("1h"),
  });
  assertEquals(
    block.split("\n")[1],
    "0 * * * * GESTVENV_HOME='/h/100\\%' '/opt/my tools/gestvenv' 'health-check' >/dev/null 2>&1",
  );
});

Deno.test("crontab block: added, replaced, removed; other bytes kept", () => {
  const job = { argv: ["/g", "health-check"], env: [], interval: parseScheduleInterval("1h") };
  const user = "# mine\r\n* * * * * true\n";
  const once = withCronBlock(user, job);
  const twice = withCronBlock(once, { ...job, interval: parseScheduleInterval("2h") });
  assertEquals(twice.split("BEGIN gestvenv-monitor").length, 2);
  assertEquals(withoutCronBlock(twice), { text: user, found: true });
  assertEquals(withoutCronBlock(user), { text: user, found: false });
  assertEquals(withCronBlock("no newline", job).startsWith("no newline\n# BEGIN"), true);
});

Deno.test("schtasks /Create arguments: schedule, name, the command through cmd, length limit", () => {
  const job = {
    argv: ["C:\\gestvenv\\gestvenv.exe", "health-check", "--alert-on-issues"],
    env: [["GESTVENV_HOME", "C:\\Users\\me\\.gestvenv"]] as Array<[string, string]>,
    interval: parseScheduleInterval("6h"),
  };
  assertEquals(schtasksCreateArgs(job), [
    "/Create",
    "/F",
    "/SC",
    "HOURLY",
    "/MO",
    "6",
    "/TN",
    "gestvenv-monitor",
    "/TR",
    'cmd /d /c "set "GESTVENV_HOME=C:\\Users\\me\\.gestvenv" && "C:\\gestvenv\\gestvenv.exe" ' +
    '"health-check" "--alert-on-issues""',
  ]);
  assertEquals(
    schtasksCreateArgs({ ...job, interval: parseScheduleInterval("1w") }).slice(2, 6),
    ["/SC", "WEEKLY", "/MO", "1"],
  );
  assertEquals(
    schtasksCreateArgs({ ...job, interval: parseScheduleInterval("30m") }).slice(2, 6),
    ["/SC", "MINUTE", "/MO", "30"],
  );
  assertThrows(
    () => schtasksCreateArgs({ ...job, argv: ["C:\\" + "x".repeat(300)] }),
    UsageError,
  );
});

Deno.test("a newline (or any control character) in a path is refused by every scheduler's text", () => {
  const job = {
    argv: ["/usr/bin/gestvenv", "health-check"],
    env: [["GESTVENV_HOME", "/tmp/x\n* * * * * touch /tmp/PWNED #"]] as Array<[string, string]>,
    interval: parseScheduleInterval("1h"),
  };
  assertThrows(() => cronBlock(job), UsageError, "control character");
  assertThrows(() => launchdPlist(job), UsageError, "control character");
  assertThrows(() => schtasksCreateArgs(job), UsageError, "control character");
  for (const scheduler of ["systemd", "cron", "launchd", "schtasks"] as const) {
    assertThrows(() => checkScheduledJob(scheduler, job), UsageError);
  }
  const ok = { ...job, env: [["GESTVENV_HOME", "/tmp/x"]] as Array<[string, string]> };
  assertThrows(() => cronBlock({ ...ok, argv: ["/a\rb"] }), UsageError);
  assertThrows(() => cronBlock({ ...ok, logFile: "/l\tog" }), UsageError);
});

Deno.test("withoutCronBlock removes only the shape it writes; a block without its END line is refused", () => {
  const job = {
    argv: ["/usr/bin/gestvenv", "health-check"],
    env: [["GESTVENV_HOME", "/h"]] as Array<[string, string]>,
    interval: parseScheduleInterval("1h"),
  };
  const block = cronBlock(job);
  const user = "0 1 * * * job-a\n";
  assertEquals(withoutCronBlock(`${user}${block}0 2 * * * job-b\n`), {
    text: `${user}0 2 * * * job-b\n`,
    found: true,
  });
  const noEnd = `${user}${block.replace("# END gestvenv-monitor\n", "")}0 2 * * * job-b\n`;
  assertThrows(() => withoutCronBlock(noEnd), ConfigError, "edited");
  assertThrows(() => withCronBlock(noEnd, job), ConfigError);
  // BEGIN at the very end, or two lines before END: refused too.
  assertThrows(() => withoutCronBlock(`${user}${block.split("\n")[0]}\n`), ConfigError);
  const lines = block.split("\n");
  assertThrows(
    () => withoutCronBlock(`${lines[0]}\n${lines[1]}\nextra\n${lines[2]}\n`),
    ConfigError,
  );
});

Deno.test("schtasks: an interval /MO cannot take is refused (25h, 36h), not clamped", () => {
  const job = {
    argv: ["C:\\g.exe"],
    env: [] as Array<[string, string]>,
    interval: parseScheduleInterval("25h"),
  };
  assertThrows(() => schtasksCreateArgs(job), UsageError, "every 25h");
  assertThrows(
    () => schtasksCreateArgs({ ...job, interval: parseScheduleInterval("36h") }),
    UsageError,
  );
  assertEquals(
    schtasksCreateArgs({ ...job, interval: parseScheduleInterval("23h") }).slice(2, 6),
    ["/SC", "HOURLY", "/MO", "23"],
  );
  assertEquals(
    schtasksCreateArgs({ ...job, interval: parseScheduleInterval("2d") }).slice(2, 6),
    ["/SC", "DAILY", "/MO", "2"],
  );
});

Deno.test("scheduledJob carries the cache location and credential-free proxies", () => {
  const files = monitorFiles("/h");
  const job = scheduledJob(files, "/h", ["g"], parseScheduleInterval("1h"), {
    GESTVENV_CACHE_DIR: "/big/cache",
    GESTVENV_CACHE_PATH: "",
    HTTPS_PROXY: "http://proxy.example:3128",
    HTTP_PROXY: "http://user:pw@proxy.example:3128",
    NO_PROXY: "localhost",
    UNRELATED: "x",
  });
  assertEquals(job.env, [
    ["GESTVENV_HOME", "/h"],
    ["GESTVENV_CACHE_DIR", "/big/cache"],
    ["HTTPS_PROXY", "http://proxy.example:3128"],
    ["NO_PROXY", "localhost"],
  ]);
  assertEquals(scheduledJob(files, "/h", ["g"], parseScheduleInterval("1h")).env, [[
    "GESTVENV_HOME",
    "/h",
  ]]);
});

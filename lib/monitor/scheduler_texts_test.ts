import { assertEquals, assertThrows } from "../../tests/helpers/assert.ts";
import { UsageError } from "../errors/mod.ts";
import {
  cronBlock,
  cronFields,
  parseScheduleInterval,
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

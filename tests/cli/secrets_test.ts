import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { join } from "node:path";
import { createTestContext, type TestContext } from "../helpers/test_context.ts";
import { commandLine, redactArgs, redactCommandLine } from "../../commands/_command_line.ts";

Deno.test("redactArgs hides secret flags' values and URL credentials, nothing else", () => {
  const cases: Array<[string[], string[]]> = [
    [["cache", "publish", "--password", "s1"], ["cache", "publish", "--password", "***"]],
    [["cache", "publish", "--password=s1"], ["cache", "publish", "--password=***"]],
    [["cache", "publish", "-p", "s1"], ["cache", "publish", "-p", "***"]],
    [["cache", "publish", "-p=s1"], ["cache", "publish", "-p=***"]],
    [["cache", "publish", "-ps1"], ["cache", "publish", "-p***"]],
    // `profile` in front, global flags between: the route is still found.
    [["profile", "--verbose", "cache", "publish", "-p", "s1"], [
      "profile",
      "--verbose",
      "cache",
      "publish",
      "-p",
      "***",
    ]],
    // Any flag named like a secret, whatever the command.
    [["x", "--token", "t", "--api-key=k", "--auth", "a", "--client-secret", "c"], [
      "x",
      "--token",
      "***",
      "--api-key=***",
      "--auth",
      "***",
      "--client-secret",
      "***",
    ]],
    [["x", "--PYPI-CREDENTIALS", "c", "--db-passwd=z"], [
      "x",
      "--PYPI-CREDENTIALS",
      "***",
      "--db-passwd=***",
    ]],
    // `-p` is the Python version elsewhere; `--author` is not `--auth`.
    [["create", "app", "-p", "3.11"], ["create", "app", "-p", "3.11"]],
    [["x", "--author", "me", "--author-email=a@b"], ["x", "--author", "me", "--author-email=a@b"]],
    [["x", "--authorization", "Bearer", "--http-auth=u:p", "--oauth-token", "t"], [
      "x",
      "--authorization",
      "***",
      "--http-auth=***",
      "--oauth-token",
      "***",
    ]],
    // URL credentials, alone or as a flag's value.
    [["install", "--index-url", "https://u:pw@h.example/simple"], [
      "install",
      "--index-url",
      "https://h.example/simple",
    ]],
    [["install", "--index-url=https://tok@h.example/simple"], [
      "install",
      "--index-url=https://h.example/simple",
    ]],
    // A secret flag at the end has no value to hide.
    [["x", "--password"], ["x", "--password"]],
    // Secret URLs (webhooks): origin only, whatever carries the secret (path, query, userinfo).
    [["monitor", "alert", "slack", "--webhook-url", "https://hooks.slack.com/services/T/B/XYZ"], [
      "monitor",
      "alert",
      "slack",
      "--webhook-url",
      "https://hooks.slack.com/…",
    ]],
    [["monitor", "alert", "webhook", "--url=https://a:pw@h.example/hook?token=T"], [
      "monitor",
      "alert",
      "webhook",
      "--url=https://h.example/…",
    ]],
    [["report", "daily", "--slack", "https://hooks.slack.com/services/S", "--webhook", "x"], [
      "report",
      "daily",
      "--slack",
      "https://hooks.slack.com/…",
      "--webhook",
      "…",
    ]],
    // `--url` elsewhere is not a secret URL (only its credentials are).
    [["remote", "add", "--url", "https://u:p@h.example/simple"], [
      "remote",
      "add",
      "--url",
      "https://h.example/simple",
    ]],
  ];
  for (const [args, expected] of cases) assertEquals(redactArgs(args), expected, args.join(" "));
  assertEquals(commandLine(["cache", "publish", "-p", "s"]), "gestvenv cache publish -p ***");
  // An older line, already one string.
  assertEquals(
    redactCommandLine("gestvenv cache publish --to https://u:p@h/ -u me -p pypi-X --password=Y"),
    "gestvenv cache publish --to https://h/ -u me -p *** --password=***",
  );
});

async function operations(ctx: TestContext): Promise<string> {
  return await Deno.readTextFile(join(ctx.home, "logs", "operations.jsonl"));
}

Deno.test("cache publish's password never reaches --log-file, the operation log or doctor --export", async () => {
  await using ctx = await createTestContext();
  const logFile = join(ctx.work, "pub.log");
  const runs = [
    ["--password", "pypi-LONGFLAG"],
    ["--password=pypi-EQUALS"],
    ["-p", "pypi-SHORTFLAG"],
  ];
  for (const secret of runs) {
    const r = await ctx.run([
      "cache",
      "publish",
      "--to",
      "http://127.0.0.1:9/",
      "--username",
      "me",
      ...secret,
      "--log-file",
      logFile,
    ]);
    // The cache is empty: a usage error, after the log file was opened and before the end.
    assertEquals(r.code, 2, r.stderr);
  }
  const log = await Deno.readTextFile(logFile);
  const oplog = await operations(ctx);
  for (const text of [log, oplog]) {
    for (const secret of ["LONGFLAG", "EQUALS", "SHORTFLAG"]) {
      assert(!text.includes(secret), `${secret} in ${text}`);
    }
  }
  // What is written says where the secret was.
  assertStringIncludes(
    log,
    "start gestvenv cache publish --to http://127.0.0.1:9/ --username me --password *** --log-file",
  );
  assertStringIncludes(log, "--password=*** --log-file");
  assertStringIncludes(log, "-p *** --log-file");
  assertEquals(oplog.trimEnd().split("\n").length, 3);
  assertStringIncludes(
    oplog,
    '"command_line":"gestvenv cache publish --to http://127.0.0.1:9/ --username me -p *** --log-file',
  );

  // A line written before secrets were hidden is hidden in the export (the file for bug reports).
  const old = {
    time: new Date(Date.now() - 60_000).toISOString(),
    command: "cache publish",
    command_line: "gestvenv cache publish --to https://u:pw-URL@h.example/ -p pypi-OLDLINE",
    environments: [],
    changes: [],
    duration_ms: 5,
    exit_code: 5,
    error: null,
    version: "0.1.0",
  };
  await Deno.writeTextFile(join(ctx.home, "logs", "operations.jsonl"), JSON.stringify(old) + "\n", {
    append: true,
  });
  const diag = join(ctx.work, "diag.json");
  const exported = await ctx.run(["doctor", "--export", diag]);
  assert(exported.code === 0 || exported.code === 1, exported.stderr);
  const text = await Deno.readTextFile(diag);
  for (const secret of ["LONGFLAG", "EQUALS", "SHORTFLAG", "OLDLINE", "pw-URL"]) {
    assert(!text.includes(secret), `${secret} exported`);
  }
  const lines = (JSON.parse(text).operations as Array<{ command_line: string }>)
    .map((o) => o.command_line);
  assert(lines.includes("gestvenv cache publish --to https://h.example/ -p ***"), String(lines));
});

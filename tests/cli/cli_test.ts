import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { normalizeArgs } from "../../commands/mod.ts";
import { assertOk, createTestContext } from "../helpers/test_context.ts";

Deno.test("normalizeArgs() moves leading global flags after the command and guards `run`", () => {
  assertEquals(normalizeArgs(["-v", "--format", "json", "list"]), [
    "list",
    "-v",
    "--format",
    "json",
  ]);
  assertEquals(normalizeArgs(["--json", "config", "show"]), ["config", "show", "--json"]);
  assertEquals(normalizeArgs(["run", "web", "python", "-V"]), ["run", "--", "web", "python", "-V"]);
  assertEquals(normalizeArgs(["--quiet", "run", "web", "pytest", "-x"]), [
    "run",
    "--quiet",
    "--",
    "web",
    "pytest",
    "-x",
  ]);
  assertEquals(normalizeArgs(["remove", "web", "flask"]), ["uninstall", "web", "flask"]);
  assertEquals(normalizeArgs(["remove", "web"]), ["remove", "web"]);
  assertEquals(normalizeArgs(["-V"]), ["-V"]);
  // `profile [run] [FLAGS] COMMAND ...`: the profiled command's flags stay its own.
  assertEquals(normalizeArgs(["profile", "--detailed", "--format", "json", "install", "-v"]), [
    "profile",
    "run",
    "--detailed",
    "--format",
    "json",
    "--",
    "install",
    "-v",
  ]);
  assertEquals(normalizeArgs(["profile", "run", "--detailed", "list", "-v"]), [
    "profile",
    "run",
    "--detailed",
    "--",
    "list",
    "-v",
  ]);
  assertEquals(normalizeArgs(["-q", "profile", "run", "create", "x", "--json"]), [
    "profile",
    "run",
    "-q",
    "--",
    "create",
    "x",
    "--json",
  ]);
  // The configuration-profile commands are routes of their own.
  assertEquals(normalizeArgs(["-q", "profile", "create", "x", "--json"]), [
    "profile",
    "create",
    "-q",
    "x",
    "--json",
  ]);
  assertEquals(normalizeArgs(["profile", "--json", "list"]), ["profile", "list", "--json"]);
});

Deno.test("every command answers --help with exit 0, and --version prints the version", async () => {
  await using ctx = await createTestContext([]);
  const commands = [
    "create",
    "list",
    "info",
    "delete",
    "run",
    "shell",
    "activate",
    "deactivate",
    "shell-init",
    "install",
    "uninstall",
    "update",
    "check",
    "packages",
    "rename",
    "clone",
    "export",
    "import",
    "cleanup",
    "doctor",
    "repair",
    "health-check",
    "optimize",
    "migrate",
    "config",
    "config set",
    "pyversions",
    "system-info",
    "docs",
    "logs",
    "audit",
    "audit security",
    "audit installations",
    "audit db",
    "audit db update",
    "audit db info",
    "security",
    "security scan",
    "security report",
    "security update",
    "sbom",
    "verify",
    "policy",
    "policy apply",
    "policy check",
    "policy report",
    "stats",
    "profile",
    "profile run",
    "profile activate",
    "config backup",
    "config restore",
    "config reset",
    "benchmark",
    "benchmark install",
    "compare",
    "compare backends",
    "migrate-backend",
    "dashboard",
    "dashboard serve",
    "completion",
    "hook",
    "hook add",
  ];
  const results = await Promise.all(commands.map((c) => ctx.run([...c.split(" "), "--help"])));
  results.forEach((r, i) => {
    assertOk(r, commands[i]);
    assertStringIncludes(r.stdout, "USAGE", commands[i]);
  });
  const version = await ctx.run(["--version"]);
  assertEquals(
    version.stdout.trim(),
    JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url))).version,
  );
  const unknown = await ctx.run(["creat", "x"]);
  assertEquals(unknown.code, 2);
  assertStringIncludes(unknown.stderr, "did you mean `create`");
});

Deno.test("global flags work before and after the command", async () => {
  await using ctx = await createTestContext([]);
  assertOk(await ctx.run(["--quiet", "create", "g1"]));
  const before = await ctx.run(["--format", "json", "list"]);
  const after = await ctx.run(["list", "--json"]);
  assertOk(before);
  assertEquals(JSON.parse(before.stdout).data.environments[0].name, "g1");
  assertEquals(JSON.parse(after.stdout).data, JSON.parse(before.stdout).data);
  const quiet = await ctx.run(["create", "g2", "-q"]);
  assertEquals(quiet.stderr, "");
});

Deno.test("completion prints a script, and the shell protocol completes commands and environment names", async () => {
  await using ctx = await createTestContext([]);
  for (const shell of ["bash", "zsh", "fish", "powershell"]) {
    const script = await ctx.run(["completion", shell]);
    assertOk(script, shell);
    assertStringIncludes(script.stdout, " complete ", shell);
  }
  assertOk(await ctx.run(["create", "alpha"]));
  assertOk(await ctx.run(["create", "alpine"]));
  const commands = await ctx.run(["complete", "--", "cr"]);
  assertOk(commands);
  assertEquals(
    commands.stdout.split("\n").map((l) => l.split("\t")[0]).filter((c) => c?.startsWith("cr")),
    ["create", "create-from-pyproject", "create-from-requirements", "create-from-template"],
  );
  const names = await ctx.run(["complete", "--", "info", "al"]);
  assertEquals(
    names.stdout.split("\n").filter((l) => !l.startsWith(":") && l !== "").map((l) =>
      l.split("\t")[0]
    ),
    ["alpha", "alpine"],
  );
  const flags = await ctx.run(["complete", "--", "create", "x", "--py"]);
  assertStringIncludes(flags.stdout, "--python");
});

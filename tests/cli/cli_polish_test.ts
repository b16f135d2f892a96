/**
 * The CLI as a person meets it: `shell-init` with a `gestvenv` wrapper on `PATH`, `--format yaml`,
 * completion of environment names, help for a bare command, flag suggestions as typed, and no
 * credentials printed by `config`.
 */
import { join } from "node:path";
import { load } from "js-yaml";
import { PERMISSION_FLAGS } from "../../commands/_self.ts";
import { findExecutable } from "../../lib/paths/mod.ts";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { assertSnapshot } from "../helpers/snapshot.ts";
import {
  assertOk,
  type CliResult,
  createTestContext,
  type TestContext,
} from "../helpers/test_context.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const zsh = await findExecutable("zsh");
const fish = await findExecutable("fish");

/** Puts an executable `gestvenv` script that runs the CLI from source first on `PATH`. */
async function wrapperOnPath(ctx: TestContext): Promise<{ PATH: string; wrapper: string }> {
  const bin = join(ctx.work, "bin");
  await Deno.mkdir(bin, { recursive: true });
  const wrapper = join(bin, "gestvenv");
  const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  await Deno.writeTextFile(
    wrapper,
    `#!/bin/sh\nexec ${
      [Deno.execPath(), "run", "--quiet", ...PERMISSION_FLAGS, MAIN].map(quote).join(" ")
    } "$@"\n`,
  );
  await Deno.chmod(wrapper, 0o755);
  return { PATH: `${bin}:${ctx.env.PATH ?? "/usr/bin:/bin"}`, wrapper };
}

/**
 * Runs a program with the test environment under coreutils' `timeout`, which kills its whole
 * process group after `seconds`: a function that calls itself must fail the test, not hang it.
 */
async function execWithin(
  ctx: TestContext,
  program: string,
  args: string[],
  env: Record<string, string>,
  seconds = 30,
): Promise<CliResult> {
  return await ctx.exec("timeout", ["--signal=KILL", String(seconds), program, ...args], { env });
}

async function shellInitThroughWrapper(shell: "bash" | "zsh" | "fish", program: string) {
  await using ctx = await createTestContext([]);
  assertOk(await ctx.run(["create", "act"]));
  const { PATH } = await wrapperOnPath(ctx);
  const init = await ctx.run(["shell-init", shell], { env: { PATH } });
  assertOk(init);
  assertStringIncludes(
    init.stdout,
    shell === "fish" ? "command gestvenv $argv" : 'command gestvenv "$@"',
  );
  const file = join(ctx.work, `init.${shell}`);
  await Deno.writeTextFile(file, init.stdout);
  const script = shell === "fish"
    ? `source '${file}'; gestvenv activate act; echo $VIRTUAL_ENV; gestvenv list --format json | grep -c '"name": "act"'; gestvenv deactivate; set -q VIRTUAL_ENV; and echo still; or echo none`
    : `. '${file}'; gestvenv activate act; echo "$VIRTUAL_ENV"; gestvenv list --format json | grep -c '"name": "act"'; gestvenv deactivate; echo "\${VIRTUAL_ENV:-none}"`;
  const args = shell === "fish"
    ? ["--no-config", "-c", script]
    : shell === "zsh"
    ? ["-f", "-c", script]
    : ["--norc", "--noprofile", "-c", script];
  const result = await execWithin(ctx, program, args, { PATH, HOME: ctx.work });
  assertOk(result, `${shell} through the wrapper`);
  assertEquals(result.stdout.trim().split("\n"), [ctx.envPath("act"), "1", "none"]);
}

Deno.test("shell-init calls the program, not itself, when `gestvenv` is on PATH (bash)", async () => {
  await shellInitThroughWrapper("bash", "bash");
});
Deno.test({
  name: "shell-init calls the program, not itself, when `gestvenv` is on PATH (zsh)",
  ignore: zsh === undefined,
  fn: () => shellInitThroughWrapper("zsh", zsh!),
});
Deno.test({
  name: "shell-init calls the program, not itself, when `gestvenv` is on PATH (fish)",
  ignore: fish === undefined,
  fn: () => shellInitThroughWrapper("fish", fish!),
});

Deno.test("shell-init for PowerShell calls the program by its full path", async () => {
  await using ctx = await createTestContext([]);
  const { PATH, wrapper } = await wrapperOnPath(ctx);
  const init = await ctx.run(["shell-init", "pwsh"], { env: { PATH } });
  assertOk(init);
  assertStringIncludes(init.stdout, `& '${wrapper}' @args`);
  assert(!/& 'gestvenv'/.test(init.stdout), "never by name: the function would call itself");
});

Deno.test("--format yaml prints the JSON envelope as YAML wherever --format json works", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "yes", "--packages", "other-pkg", "--description", "no: 1.0"]));
  const commands = [
    ["list"],
    ["info", "yes"],
    ["packages", "--env", "yes"],
    ["config", "show"],
    ["pyversions"],
    ["resolve", "demo-pkg"],
  ];
  for (const args of commands) {
    const json = await ctx.run([...args, "--format", "json"]);
    const yaml = await ctx.run([...args, "--format", "yaml"]);
    assertOk(json, args.join(" "));
    assertOk(yaml, args.join(" "));
    const doc = load(yaml.stdout) as Record<string, unknown>;
    const expected = JSON.parse(json.stdout);
    assertEquals(doc, expected, `${args.join(" ")}: the same document`);
  }
  const info = load((await ctx.run(["info", "yes", "--format", "yaml"])).stdout) as {
    data: { description: string; name: string };
  };
  assertEquals([info.data.name, info.data.description], ["yes", "no: 1.0"], "strings stay strings");

  // Errors come in the same envelope; a command without JSON output refuses YAML too.
  const missing = await ctx.run(["info", "nowhere", "--format", "yaml"]);
  assertEquals(missing.code, 3);
  const error = load(missing.stdout) as { status: string; errors: Array<{ code: string }> };
  assertEquals([error.status, error.errors[0]!.code], ["error", "environment_not_found"]);
  const install = await ctx.run(["install", "third_pkg", "--env", "yes", "--format", "yaml"]);
  assertOk(install);
  const changes = load(install.stdout) as { data: { changes: Array<{ name: string }> } };
  assertEquals(changes.data.changes.map((c) => c.name), ["third_pkg"]);
  assertEquals(
    (await ctx.registry()).environments["yes"]!.packages.map((p) => p.name),
    ["other-pkg", "third_pkg"],
  );
});

Deno.test("completion offers environment names wherever a command takes one", async () => {
  await using ctx = await createTestContext([]);
  assertOk(await ctx.run(["create", "alpha"]));
  assertOk(await ctx.run(["create", "alpine"]));
  const complete = async (...words: string[]) => {
    const result = await ctx.run(["complete", "--", ...words]);
    assertOk(result, words.join(" "));
    return result.stdout.split("\n").filter((l) => l !== "" && !l.startsWith(":")).map((l) =>
      l.split("\t")[0]!
    );
  };
  const positional = [
    "run",
    "shell",
    "activate",
    "info",
    "delete",
    "rename",
    "clone",
    "export",
    "why",
    "tree",
    "sync",
    "lock",
  ];
  for (const command of positional) {
    assertEquals(await complete(command, "al"), ["alpha", "alpine"], command);
  }
  for (const command of ["install", "uninstall", "update", "packages", "check", "lock"]) {
    assertEquals(await complete(command, "--env", "al"), ["alpha", "alpine"], `${command} --env`);
  }
  assertEquals(await complete("run", "--verbose", "alp"), ["alpha", "alpine"]);
  assertEquals(await complete("packages", "alph"), ["alpha"], "older form of --env");
  assertEquals(await complete("run", "alpha", "al"), [], "the command after NAME is not a name");
  assertEquals(await complete("rename", "alpha", "al"), [], "a new name is not completed");
  assertEquals(await complete("lock", "-o", "x.toml", "al"), ["alpha", "alpine"]);
});

Deno.test("a bare command prints help and exits 2; --help lists every exit code", async (t) => {
  await using ctx = await createTestContext([]);
  for (const args of [[], ["config"], ["-v"], ["--quiet", "config"]]) {
    const bare = await ctx.run(args);
    assertEquals(bare.code, 2, `gestvenv ${args.join(" ")}`);
    assertEquals(bare.stdout, "");
    assertStringIncludes(bare.stderr, "USAGE");
    assertStringIncludes(bare.stderr, "needs a command");
  }
  const root = await ctx.run(["--help"]);
  assertOk(root);
  assertStringIncludes(root.stdout, "30 cache");
  assertStringIncludes(root.stdout, "130 interrupted (Ctrl-C), 143 terminated (SIGTERM)");
  await assertSnapshot(t, root.stdout);
  const install = await ctx.run(["install", "--help"]);
  assertOk(install);
  await assertSnapshot(t, install.stdout);
});

Deno.test("unknown flags are answered with the flag's spelling", async () => {
  await using ctx = await createTestContext([]);
  for (const [typo, meant] of [["--dryrun", "--dry-run"], ["--dry-rn", "--dry-run"]]) {
    const result = await ctx.run(["list", typo!]);
    assertEquals(result.code, 2);
    assertStringIncludes(result.stderr, `did you mean \`${meant}\`?`);
    assert(!result.stderr.includes("dryRun"), result.stderr);
  }
  const update = await ctx.run(["update", "--all", "--force-unpn"]);
  assertEquals(update.code, 2);
  assertStringIncludes(update.stderr, "`--force-unpin`");
});

Deno.test("config show, get and set never print credentials in index URLs", async () => {
  await using ctx = await createTestContext([]);
  const secret = "https://alice:s3cr3t-t0ken@idx.example/simple";
  const env = {
    PIP_EXTRA_INDEX_URL: "https://bob:hunter2@pip.example/simple",
    GESTVENV_BACKEND: "pip",
  };
  const outputs: CliResult[] = [];
  outputs.push(await ctx.run(["config", "set", "index_url", secret]));
  outputs.push(
    await ctx.run(["config", "set", "extra_index_urls", `${secret} https://plain.example/simple`]),
  );
  outputs.push(await ctx.run(["config", "set", "find_links", secret, "--dry-run"]));
  const get = await ctx.run(["config", "get", "index_url"]);
  outputs.push(get, await ctx.run(["config", "get", "extra_index_urls", "--json"]));
  const table = await ctx.run(["config", "show"], { env });
  const json = await ctx.run(["config", "show", "--format", "json"], { env });
  outputs.push(table, json, await ctx.run(["config", "show", "--format", "yaml"], { env }));
  for (const r of outputs) {
    assertOk(r);
    for (const word of ["s3cr3t", "alice", "hunter2"]) {
      assert(!r.stdout.includes(word) && !r.stderr.includes(word), `${word} printed:\n${r.stderr}`);
    }
  }
  assertEquals(get.stdout.trim(), "https://idx.example/simple");
  assertStringIncludes(outputs[0]!.stderr, "index_url = https://idx.example/simple");
  const data = JSON.parse(json.stdout).data;
  assertEquals(data.config.index_url, "https://idx.example/simple");
  assertEquals(data.config.extra_index_urls, [
    "https://idx.example/simple",
    "https://plain.example/simple",
  ]);
  assertEquals(data.pip_index.extraIndexUrls, ["https://pip.example/simple"]);
  // Each effective setting says where it comes from (redacted like the rest).
  assertEquals(data.settings.index_url, {
    value: "https://idx.example/simple",
    source: "config",
    origin: "index_url",
    from: join(ctx.home, "config.toml"),
  });
  assertEquals(data.settings.backend, {
    value: "pip",
    source: "env",
    origin: "GESTVENV_BACKEND",
    from: "GESTVENV_BACKEND",
  });
  assertStringIncludes(table.stdout, "https://idx.example/simple");
  const file = await Deno.readTextFile(join(ctx.home, "config.toml"));
  assertStringIncludes(file, `index_url = "${secret}"`, "the file keeps the real value");
});

Deno.test("progress updates read as a bar with their figures (bytes, items, unknown totals)", async () => {
  const { progressLine } = await import("../../commands/_reporters.ts");
  assertEquals(
    progressLine({
      label: "Exporting",
      done: 3 * 1024 * 1024,
      total: 12 * 1024 * 1024,
      unit: "bytes",
      note: "x.whl",
    }),
    "Exporting [█████░░░░░░░░░░░░░░░]  25% 3.0 MiB/12.0 MiB x.whl",
  );
  assertEquals(
    progressLine({ label: "Fetching", done: 8, total: 8, unit: "items", note: "locked files" }),
    "Fetching [████████████████████] 100% 8/8 locked files",
  );
  assertEquals(
    progressLine({ label: "Downloading", done: 2048, total: 0, unit: "bytes" }),
    "Downloading 2.0 KiB",
  );
});

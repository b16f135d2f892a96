/**
 * `shell-init` + `activate`/`deactivate` in real shells. bash is always there; zsh and fish run
 * when installed (`.ci/run` installs them).
 */
import { assertEquals } from "../helpers/assert.ts";
import { join } from "node:path";
import { findExecutable } from "../../lib/paths/mod.ts";
import { assertOk, createTestContext } from "../helpers/test_context.ts";

const zsh = await findExecutable("zsh");
const fish = await findExecutable("fish");

async function activation(shell: "zsh" | "fish", program: string) {
  await using ctx = await createTestContext([]);
  assertOk(await ctx.run(["create", "act"]));
  const init = await ctx.run(["shell-init", shell]);
  assertOk(init);
  const file = join(ctx.work, `init.${shell}`);
  await Deno.writeTextFile(file, init.stdout);
  const script = shell === "fish"
    ? `source '${file}'; gestvenv activate act; echo $VIRTUAL_ENV; command -v python; gestvenv deactivate; set -q VIRTUAL_ENV; and echo still; or echo none`
    : `. '${file}'; gestvenv activate act; echo "$VIRTUAL_ENV"; command -v python; gestvenv deactivate; echo "\${VIRTUAL_ENV:-none}"`;
  const result = await ctx.exec(
    program,
    shell === "fish" ? ["--no-config", "-c", script] : ["-f", "-c", script],
    { env: { HOME: ctx.work } },
  );
  assertOk(result);
  const path = ctx.envPath("act");
  assertEquals(result.stdout.trim().split("\n"), [path, join(path, "bin", "python"), "none"]);
}

Deno.test({
  name: "shell-init makes `gestvenv activate` work in zsh",
  ignore: zsh === undefined,
  fn: () => activation("zsh", zsh!),
});
Deno.test({
  name: "shell-init makes `gestvenv activate` work in fish",
  ignore: fish === undefined,
  fn: () => activation("fish", fish!),
});

const tcsh = await findExecutable("tcsh");

Deno.test({
  name: "activate.csh activates and deactivates in tcsh",
  ignore: tcsh === undefined,
  async fn() {
    await using ctx = await createTestContext([]);
    assertOk(await ctx.run(["create", "c"]));
    const path = ctx.envPath("c");
    const line = await ctx.run(["activate", "c", "--shell", "tcsh"]);
    assertEquals(line.stdout.trim(), `source '${join(path, "bin", "activate.csh")}'`);
    // csh expands aliases per input line: the alias `source` defines is only seen on later lines.
    const script = join(ctx.work, "check.csh");
    const body = [line.stdout.trim(), "echo $VIRTUAL_ENV", "which python", "deactivate"];
    body.push("if ($?VIRTUAL_ENV) echo still", "if (! $?VIRTUAL_ENV) echo none", "");
    await Deno.writeTextFile(script, body.join("\n"));
    const result = await ctx.exec(tcsh!, ["-f", script]);
    assertOk(result);
    assertEquals(result.stdout.trim().split("\n"), [path, join(path, "bin", "python"), "none"]);
  },
});

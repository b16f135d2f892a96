/**
 * `generate --interactive` on a real terminal: the CLI runs in a pseudo-terminal made by
 * `script` (util-linux), each answer is typed once its question is on screen, and the file holds
 * the answers. Ctrl-C cancels with exit 130 and writes nothing. (Without a terminal, the defaults
 * are used: tests/cli/convert_test.ts.)
 */
import { join } from "node:path";
import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { PERMISSION_FLAGS } from "../../commands/_self.ts";
import { createTestContext } from "../helpers/test_context.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

const hasScript = await new Deno.Command("script", { args: ["--version"], stdout: "null" })
  .output().then((o) => o.success, () => false);

const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

/** Runs `gestvenv ARGS` in a pseudo-terminal, typing each answer after its question appears. */
async function inTerminal(
  env: Record<string, string>,
  cwd: string,
  args: string[],
  dialogue: Array<[question: string, keys: string]>,
): Promise<{ code: number; screen: string }> {
  const command = [Deno.execPath(), "run", "--quiet", ...PERMISSION_FLAGS, MAIN, ...args]
    .map(quote).join(" ");
  const child = new Deno.Command("script", {
    args: ["-qec", `stty cols 120 rows 40; exec ${command}`, "/dev/null"],
    env: { ...env, TERM: "xterm" },
    clearEnv: true,
    cwd,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let screen = "";
  const reading = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of child.stdout) screen += decoder.decode(chunk, { stream: true });
  })();
  const writer = child.stdin.getWriter();
  // deno-lint-ignore no-control-regex -- terminal escape sequences are what is removed
  const plain = () => screen.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
  for (const [question, keys] of dialogue) {
    const deadline = Date.now() + 60_000;
    while (!plain().includes(question)) {
      if (Date.now() > deadline) throw new Error(`no "${question}" on screen:\n${plain()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    // Past this point the question was drawn; wait for the prompt to read keys.
    await new Promise((r) => setTimeout(r, 200));
    await writer.write(new TextEncoder().encode(keys));
    await new Promise((r) => setTimeout(r, 100));
  }
  const status = await child.status;
  await writer.close().catch(() => {});
  await reading;
  await child.stderr.cancel();
  return { code: status.code, screen: plain() };
}

const ERASE = "\x7f".repeat(200);

Deno.test({
  name: "generate --interactive on a terminal: every answer lands in pyproject.toml",
  ignore: !hasScript,
  fn: async () => {
    await using ctx = await createTestContext([]);
    const dir = join(ctx.work, "proj");
    await Deno.mkdir(dir);
    await Deno.writeTextFile(join(dir, "requirements.txt"), "demo-pkg>=1\n");
    const { code, screen } = await inTerminal(
      ctx.env,
      dir,
      ["generate", "pyproject.toml", "--from", "requirements.txt", "--interactive"],
      [
        ["Project name", `${ERASE}my-proj\r`],
        ["Version", `${ERASE}1.2.3\r`],
        ["Description", "A project typed in\r"],
        ["Author", `${ERASE}Ada Lovelace <ada@example.org>\r`],
        ["License", `${ERASE}MIT\r`],
        ["Python", `${ERASE}>=3.10\r`],
      ],
    );
    assertEquals(code, 0, screen);
    assertStringIncludes(screen, "Wrote");
    assertEquals(
      await Deno.readTextFile(join(dir, "pyproject.toml")),
      `[project]
name = "my-proj"
version = "1.2.3"
description = "A project typed in"
requires-python = ">=3.10"
license = "MIT"
authors = [{ name = "Ada Lovelace", email = "ada@example.org" }]
dependencies = [
    "demo-pkg>=1",
]
`,
    );
  },
});

Deno.test({
  name: "generate --interactive: Ctrl-C cancels with exit 130 and writes nothing",
  ignore: !hasScript,
  fn: async () => {
    await using ctx = await createTestContext([]);
    const { code, screen } = await inTerminal(
      ctx.env,
      ctx.work,
      ["generate", "pyproject.toml", "--interactive"],
      [["Project name", "\x03"]],
    );
    assertEquals(code, 130, screen);
    assertStringIncludes(screen, "Nothing was written");
    assertEquals(await Deno.stat(join(ctx.work, "pyproject.toml")).catch(() => null), null);
  },
});

/**
 * `generate --interactive` on a real terminal: the CLI runs in a pseudo-terminal made by
 * `script` (util-linux), each answer is typed once its question is on screen, and the file holds
 * the answers. Ctrl-C cancels with exit 130 and writes nothing. (Without a terminal, the defaults
 * are used: tests/cli/convert_test.ts.)
 */
import { join } from "node:path";
import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { createTestContext } from "../helpers/test_context.ts";
import { ERASE, hasScript, inTerminal } from "../helpers/in_terminal.ts";

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

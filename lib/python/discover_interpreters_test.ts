import { assertEquals } from "../../tests/helpers/assert.ts";
import { join } from "../paths/mod.ts";
import { isScript, pyenvSelectedInterpreter } from "./discover_interpreters.ts";

Deno.test("pyenvSelectedInterpreter() follows PYENV_VERSION, .python-version, then the global file", async () => {
  const root = await Deno.makeTempDir();
  try {
    for (const v of ["3.11.7", "3.12.1"]) {
      await Deno.mkdir(join(root, "versions", v, "bin"), { recursive: true });
      await Deno.writeTextFile(join(root, "versions", v, "bin", "python3"), "");
    }
    await Deno.writeTextFile(join(root, "version"), "3.11.7\n");
    const vars: Record<string, string> = { PYENV_ROOT: root };
    const env = (name: string) => vars[name];
    const cwd = join(root, "project", "sub");
    await Deno.mkdir(cwd, { recursive: true });
    assertEquals(
      await pyenvSelectedInterpreter({ env, cwd }),
      join(root, "versions", "3.11.7", "bin", "python3"),
    );
    await Deno.writeTextFile(join(root, "project", ".python-version"), "3.12.1\n");
    assertEquals(
      await pyenvSelectedInterpreter({ env, cwd }),
      join(root, "versions", "3.12.1", "bin", "python3"),
    );
    vars.PYENV_VERSION = "system";
    assertEquals(await pyenvSelectedInterpreter({ env, cwd }), undefined);
    assertEquals(await isScript(join(root, "version")), false);
    await Deno.writeTextFile(join(root, "shim"), "#!/bin/sh\n");
    assertEquals(await isScript(join(root, "shim")), true);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

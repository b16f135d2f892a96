import { assert, assertEquals } from "../../tests/helpers/assert.ts";

function assertThrows(fn: () => unknown, type: new (...args: never[]) => Error): void {
  try {
    fn();
  } catch (error) {
    assert(error instanceof type, `expected ${type.name}, got ${error}`);
    return;
  }
  throw new Error("expected a throw");
}
import { DistributionError } from "../errors/mod.ts";
import { formatRecord, recordHash } from "./record_writer.ts";
import {
  launcherScript,
  MAX_SHEBANG_BYTES,
  parseScriptEntryPoints,
  rewritePythonShebang,
  shebangFor,
} from "./scripts.ts";

Deno.test("parseScriptEntryPoints() reads console and GUI scripts, ignoring extras and other groups", () => {
  const text = [
    "# comment",
    "[console_scripts]",
    "tool = pkg.cli:main",
    "deep=pkg.cli:Group.command  [fancy, other]",
    "; another comment",
    "[gui_scripts]",
    "  tool-gui =  pkg.gui : run ",
    "[pytest11]",
    "plugin = pkg.plugin",
  ].join("\r\n");
  assertEquals(parseScriptEntryPoints(text), [
    { name: "tool", module: "pkg.cli", attribute: "main", kind: "console" },
    { name: "deep", module: "pkg.cli", attribute: "Group.command", kind: "console" },
    { name: "tool-gui", module: "pkg.gui", attribute: "run", kind: "gui" },
  ]);
});

Deno.test("parseScriptEntryPoints() refuses references and names that are not safe", () => {
  for (
    const line of [
      "x = pkg",
      "x = pkg:",
      "x = pkg:main; rm -rf /",
      "x = os.system('id'):x",
      "../x = pkg:main",
      "a/b = pkg:main",
      "= pkg:main",
    ]
  ) {
    assertThrows(
      () => parseScriptEntryPoints(`[console_scripts]\n${line}\n`, "w.whl"),
      DistributionError,
    );
  }
});

Deno.test("shebangFor() switches to the /bin/sh form past 127 bytes or with spaces", () => {
  const fits = "/" + "p".repeat(MAX_SHEBANG_BYTES - 3);
  assertEquals(shebangFor(fits), `#!${fits}`);
  const tooLong = fits + "p";
  assertEquals(shebangFor(tooLong), `#!/bin/sh\n'''exec' ${tooLong} "$0" "$@"\n' '''`);
  assertEquals(
    shebangFor("/a b/it's/python"),
    `#!/bin/sh\n'''exec' '/a b/it'\\''s/python' "$0" "$@"\n' '''`,
  );
  assertEquals(shebangFor("/é".repeat(42)).startsWith("#!/bin/sh"), true, "bytes, not chars");
});

Deno.test("launcherScript() imports the first name and calls the attribute path", () => {
  const text = launcherScript(
    { name: "x", module: "pkg.cli", attribute: "Group.run", kind: "console" },
    "/env/bin/python",
  );
  assertEquals(text.split("\n")[0], "#!/env/bin/python");
  assertEquals(text.includes("from pkg.cli import Group\n"), true);
  assertEquals(text.includes("    sys.exit(Group.run())\n"), true);
});

Deno.test("rewritePythonShebang() rewrites only #!python and #!pythonw first lines", () => {
  const enc = new TextEncoder(), dec = new TextDecoder();
  const rewrite = (s: string) => {
    const out = rewritePythonShebang(enc.encode(s), "/env/bin/python");
    return out === null ? null : dec.decode(out);
  };
  assertEquals(rewrite("#!python\nprint(1)\n"), "#!/env/bin/python\nprint(1)\n");
  assertEquals(rewrite("#!pythonw\r\nprint(1)\r\n"), "#!/env/bin/python\nprint(1)\r\n");
  assertEquals(rewrite("#!python"), "#!/env/bin/python\n");
  assertEquals(rewrite("#!python3\nprint(1)\n"), null);
  assertEquals(rewrite("#!/usr/bin/env python\n"), null);
  assertEquals(rewrite("\x7fELF..."), null);
});

Deno.test("formatRecord() writes sorted CSV rows with urlsafe unpadded hashes", () => {
  const hex = "a".repeat(64);
  assertEquals(recordHash(hex), "sha256=qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqo");
  assertEquals(
    formatRecord([
      { path: "b.py", sha256: hex, size: 3 },
      { path: 'a,"odd".py', sha256: hex, size: 1 },
      { path: "x.dist-info/RECORD", sha256: null, size: null },
    ]),
    `"a,""odd"".py",${recordHash(hex)},1\nb.py,${recordHash(hex)},3\nx.dist-info/RECORD,,\n`,
  );
});

import { assertEquals } from "../../tests/helpers/assert.ts";
import { join } from "../paths/mod.ts";
import { inspectVirtualenv } from "./layout.ts";

Deno.test("inspectVirtualenv() finds bin and site-packages, and refuses directories without pyvenv.cfg", async () => {
  const root = await Deno.makeTempDir();
  try {
    assertEquals(await inspectVirtualenv(root), undefined);
    assertEquals(await inspectVirtualenv(join(root, "missing")), undefined);
    await Deno.writeTextFile(join(root, "pyvenv.cfg"), "home = /usr/bin\n");
    await Deno.mkdir(join(root, "lib", "python3.12", "site-packages"), { recursive: true });
    await Deno.mkdir(join(root, "lib", "other"), { recursive: true });
    const layout = await inspectVirtualenv(root);
    if (Deno.build.os !== "windows") {
      assertEquals(layout, {
        root,
        binDir: join(root, "bin"),
        python: join(root, "bin", "python"),
        sitePackages: [join(root, "lib", "python3.12", "site-packages")],
      });
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

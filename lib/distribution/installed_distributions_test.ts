import { assertEquals } from "../../tests/helpers/assert.ts";
import { join } from "node:path";
import { freezeDistributions } from "./freeze.ts";
import { readInstalledDistributions } from "./installed_distributions.ts";

Deno.test("readInstalledDistributions() reads METADATA, INSTALLER and REQUESTED; freeze renders PEP 610 URLs", async () => {
  const site = await Deno.makeTempDir();
  try {
    const mk = async (dir: string, files: Record<string, string>) => {
      await Deno.mkdir(join(site, dir));
      for (const [name, text] of Object.entries(files)) {
        await Deno.writeTextFile(join(site, dir, name), text);
      }
    };
    await mk("Flask-3.0.0.dist-info", {
      METADATA: "Metadata-Version: 2.1\nName: Flask\nVersion: 3.0.0\n\nbody",
      INSTALLER: "uv\n",
      REQUESTED: "",
    });
    await mk("local_pkg-0.1.dist-info", {
      METADATA: "Name: local-pkg\nVersion: 0.1\n",
      "direct_url.json": JSON.stringify({ url: "file:///src/local", dir_info: { editable: true } }),
    });
    await mk("not_a_dist", {});
    const dists = await readInstalledDistributions([site]);
    assertEquals(dists.map((d) => [d.name, d.version, d.installer, d.requested]), [[
      "Flask",
      "3.0.0",
      "uv",
      true,
    ], ["local-pkg", "0.1", null, false]]);
    assertEquals(await freezeDistributions(dists), ["Flask==3.0.0", "-e file:///src/local"]);
  } finally {
    await Deno.remove(site, { recursive: true });
  }
});

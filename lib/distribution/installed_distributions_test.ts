import { assertEquals } from "../../tests/helpers/assert.ts";
import { join } from "node:path";
import { freezeDistributions } from "./freeze.ts";
import { readBrokenDistributions, readInstalledDistributions } from "./installed_distributions.ts";

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
      RECORD: "flask/__init__.py,,\n",
    });
    await mk("local_pkg-0.1.dist-info", {
      METADATA: "Name: local-pkg\nVersion: 0.1\n",
      "direct_url.json": JSON.stringify({ url: "file:///src/local", dir_info: { editable: true } }),
      RECORD: "",
    });
    // An installer killed before it wrote RECORD: not installed, but reported as broken.
    await mk("half-1.0.dist-info", { METADATA: "Name: half\nVersion: 1.0\n" });
    await mk("not_a_dist", {});
    const dists = await readInstalledDistributions([site]);
    assertEquals(dists.map((d) => [d.name, d.version, d.installer, d.requested]), [[
      "Flask",
      "3.0.0",
      "uv",
      true,
    ], ["local-pkg", "0.1", null, false]]);
    assertEquals(await freezeDistributions(dists), ["Flask==3.0.0", "-e file:///src/local"]);
    const broken = await readBrokenDistributions([site]);
    assertEquals(broken.map((b) => [b.name, b.version, b.reason]), [[
      "half",
      "1.0",
      "no RECORD (the installation did not finish)",
    ]]);
  } finally {
    await Deno.remove(site, { recursive: true });
  }
});

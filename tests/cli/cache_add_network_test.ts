/**
 * `cache add` for three machines against the real PyPI, compared with `pip download --platform`,
 * only with `GESTVENV_TEST_NETWORK=1` (the hermetic tests in `cache_add_test.ts` cover the same
 * paths on a local index).
 */
import { join } from "node:path";
import { assertEquals } from "../helpers/assert.ts";
import { assertOk, createTestContext } from "../helpers/test_context.ts";

const PYPI = "https://pypi.org/simple";

/**
 * The platform tags pip is given for each target: pip does not expand `manylinux_2_28` to the
 * older glibc versions it accepts (gestvenv does, as `packaging.tags` does on such a machine), so
 * they are listed; macOS versions are expanded by pip itself.
 */
const PIP_PLATFORMS: Record<string, string[]> = {
  win_amd64: ["win_amd64"],
  macosx_11_0_arm64: ["macosx_11_0_arm64"],
  manylinux_2_28_x86_64: [
    "manylinux_2_28_x86_64",
    ...Array.from({ length: 11 }, (_, i) => `manylinux_2_${27 - i}_x86_64`),
    "manylinux2014_x86_64",
    "manylinux2010_x86_64",
    "manylinux1_x86_64",
  ],
};

Deno.test({
  name:
    "network: cache add numpy pandas for win_amd64, macosx_11_0_arm64 and manylinux_2_28_x86_64 takes the wheels pip download takes",
  ignore: Deno.env.get("GESTVENV_TEST_NETWORK") !== "1",
  async fn() {
    await using ctx = await createTestContext([]);
    const platforms = Object.keys(PIP_PLATFORMS);
    const ours = await ctx.run([
      "cache",
      "add",
      "numpy",
      "pandas",
      "--platforms",
      platforms.join(","),
      "--python-version",
      "3.12",
      "--index-url",
      PYPI,
      "--format",
      "json",
    ]);
    assertOk(ours);
    const data = JSON.parse(ours.stdout).data as {
      platforms: { platform: string; files: { filename: string; kind: string }[] }[];
    };
    for (const target of data.platforms) {
      const dir = join(ctx.work, `pip-${target.platform}`);
      const pip = await ctx.exec("python3", [
        "-m",
        "pip",
        "download",
        "numpy",
        "pandas",
        "--only-binary=:all:",
        "--python-version",
        "3.12",
        "--implementation",
        "cp",
        ...PIP_PLATFORMS[target.platform]!.flatMap((p) => ["--platform", p]),
        "--index-url",
        PYPI,
        "-d",
        dir,
        "-q",
      ], { env: { PIP_CONFIG_FILE: "/dev/null", PIP_INDEX_URL: PYPI } });
      assertOk(pip, `pip download for ${target.platform}`);
      const pipFiles: string[] = [];
      for await (const e of Deno.readDir(dir)) pipFiles.push(e.name);
      assertEquals(
        target.files.map((f) => f.filename).sort(),
        pipFiles.sort(),
        `files for ${target.platform}`,
      );
      assertEquals(target.files.every((f) => f.kind === "wheel"), true);
    }
    // The same check offline passes from what was added.
    const check = await ctx.run([
      "cache",
      "check-offline",
      "numpy",
      "pandas",
      "--platforms",
      platforms.join(","),
      "--python-version",
      "3.12",
      "--index-url",
      PYPI,
    ]);
    assertOk(check);
  },
});

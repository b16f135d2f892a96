import { assertEquals } from "../../tests/helpers/assert.ts";
import { acceptedPlatformTags, fileFitsPlatforms } from "./platform_fits.ts";

Deno.test("acceptedPlatformTags: manylinux/musllinux by libc version, macOS by version and arch, legacy names, any", () => {
  const cases: [string, string, boolean][] = [
    ["any", "win_amd64", true],
    ["win_amd64", "win_amd64", true],
    ["win32", "win_amd64", false],
    ["manylinux_2_17_x86_64", "manylinux_2_28_x86_64", true],
    ["manylinux2014_x86_64", "manylinux_2_28_x86_64", true],
    ["manylinux1_x86_64", "manylinux_2_28_x86_64", true],
    ["manylinux_2_34_x86_64", "manylinux_2_28_x86_64", false],
    ["manylinux_2_17_aarch64", "manylinux_2_28_x86_64", false],
    ["musllinux_1_1_x86_64", "manylinux_2_28_x86_64", false],
    ["musllinux_1_1_x86_64", "musllinux_1_2_x86_64", true],
    ["macosx_10_9_x86_64", "macosx_11_0_arm64", false],
    ["macosx_10_9_universal2", "macosx_11_0_arm64", true],
    ["macosx_11_0_arm64", "macosx_11_0_arm64", true],
    ["macosx_12_0_arm64", "macosx_11_0_arm64", false],
    ["macosx_10_9_x86_64", "macosx_10_15_x86_64", true],
    ["macosx_10_9_intel", "macosx_10_15_x86_64", true],
    ["manylinux_2_17_x86_64", "linux_x86_64", false],
    ["linux_x86_64", "manylinux_2_28_x86_64", true],
  ];
  for (const [tag, target, expected] of cases) {
    assertEquals(acceptedPlatformTags(target).has(tag), expected, `${tag} on ${target}`);
  }
});

Deno.test("fileFitsPlatforms: sdists always, wheels by any of their tags, no targets = all", () => {
  const targets = ["manylinux_2_28_x86_64", "win_amd64"];
  assertEquals(fileFitsPlatforms("demo-1.0.tar.gz", targets), true);
  assertEquals(fileFitsPlatforms("demo-1.0-py3-none-any.whl", targets), true);
  assertEquals(
    fileFitsPlatforms(
      "numpy-2.0.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
      targets,
    ),
    true,
  );
  assertEquals(fileFitsPlatforms("numpy-2.0.0-cp312-cp312-macosx_11_0_arm64.whl", targets), false);
  assertEquals(fileFitsPlatforms("numpy-2.0.0-cp312-cp312-macosx_11_0_arm64.whl", []), true);
});

import { assert, assertEquals } from "../../tests/helpers/assert.ts";
import { tryParseSdistFilename, tryParseWheelFilename } from "./mod.ts";

Deno.test("wheel file names split into name, version, build and tag sets", () => {
  const w = tryParseWheelFilename(
    "numpy-2.1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
  )!;
  assertEquals([w.name, w.version.text, w.build], ["numpy", "2.1.0", null]);
  assertEquals(w.platformTags, ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]);
  const b = tryParseWheelFilename("Foo_Bar-1.0-1b-py2.py3-none-any.whl")!;
  assertEquals([b.name, b.build, b.pythonTags], ["foo-bar", "1b", ["py2", "py3"]]);
  assertEquals(tryParseWheelFilename("foo-1.0-none-any.whl"), null);
  assertEquals(tryParseWheelFilename("foo-1.0-x-py3-none-any.whl"), null);
  assertEquals(tryParseWheelFilename("foo-bad.version-py3-none-any.whl"), null);
});

Deno.test("sdist file names: PEP 625 and legacy forms", () => {
  assertEquals(tryParseSdistFilename("flask-3.0.0.tar.gz")!.version.text, "3.0.0");
  const legacy = tryParseSdistFilename("Zope.Interface-4.0.0.zip", "zope-interface")!;
  assertEquals([legacy.name, legacy.extension], ["zope-interface", ".zip"]);
  const dashed = tryParseSdistFilename("python-dateutil-2.8.2.tar.gz", "python-dateutil")!;
  assertEquals(dashed.version.text, "2.8.2");
  assertEquals(tryParseSdistFilename("other-1.0.tar.gz", "flask"), null);
  assert(tryParseSdistFilename("flask-3.0.0.exe") === null);
});

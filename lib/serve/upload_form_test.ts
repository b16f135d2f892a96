import { assertEquals } from "../../tests/helpers/assert.ts";
import { multipartBody, uploadFields } from "./upload_form.ts";

const METADATA = [
  "Metadata-Version: 2.1",
  "Name: Demo-Pkg",
  "Version: 1.0",
  "Summary: A demo",
  "Home-page: https://example.org",
  "Author-email: Ann <ann@example.org>",
  "Requires-Python: >=3.8",
  "Classifier: Programming Language :: Python :: 3",
  "Classifier: License :: OSI Approved :: MIT License",
  "Project-URL: Source, https://example.org/src",
  "Requires-Dist: idna>=3",
  'Requires-Dist: pysocks; extra == "socks"',
  "Provides-Extra: socks",
  "Description-Content-Type: text/markdown",
  "",
  "# Demo",
  "",
  "Long description with ünïcode.",
  "",
].join("\n");

Deno.test("uploadFields: twine's field names, repeated multi-valued fields, the body as description", () => {
  const fields = uploadFields(METADATA, "demo_pkg-1.0-py3-none-any.whl", "a".repeat(64));
  const all = (name: string) => fields.filter(([k]) => k === name).map(([, v]) => v);
  assertEquals(all(":action"), ["file_upload"]);
  assertEquals(all("protocol_version"), ["1"]);
  assertEquals(all("filetype"), ["bdist_wheel"]);
  assertEquals(all("pyversion"), ["py3"]);
  assertEquals(all("sha256_digest"), ["a".repeat(64)]);
  assertEquals(all("metadata_version"), ["2.1"]);
  assertEquals(all("name"), ["Demo-Pkg"]);
  assertEquals(all("version"), ["1.0"]);
  assertEquals(all("home_page"), ["https://example.org"]);
  assertEquals(all("author_email"), ["Ann <ann@example.org>"]);
  assertEquals(all("requires_python"), [">=3.8"]);
  assertEquals(all("classifiers"), [
    "Programming Language :: Python :: 3",
    "License :: OSI Approved :: MIT License",
  ]);
  assertEquals(all("project_urls"), ["Source, https://example.org/src"]);
  assertEquals(all("requires_dist"), ["idna>=3", 'pysocks; extra == "socks"']);
  assertEquals(all("provides_extra"), ["socks"]);
  assertEquals(all("description_content_type"), ["text/markdown"]);
  assertEquals(all("description"), ["# Demo\n\nLong description with ünïcode.\n"]);
  const sdist = uploadFields(METADATA, "demo_pkg-1.0.tar.gz", "b".repeat(64));
  assertEquals(sdist.find(([k]) => k === "filetype")?.[1], "sdist");
  assertEquals(sdist.find(([k]) => k === "pyversion")?.[1], "source");
});

Deno.test("multipartBody: a server's form parser reads back every field and the file's bytes", async () => {
  const bytes = new Uint8Array(70_000).map((_, i) => (i * 7) % 256);
  const fields = uploadFields(METADATA, "demo_pkg-1.0-py3-none-any.whl", "c".repeat(64));
  const { body, contentType } = multipartBody(fields, {
    field: "content",
    filename: "demo_pkg-1.0-py3-none-any.whl",
    bytes,
  });
  const form = await new Request("http://127.0.0.1/", {
    method: "POST",
    body,
    headers: { "content-type": contentType },
  }).formData();
  assertEquals(form.getAll("classifiers").length, 2);
  assertEquals(form.get("description"), "# Demo\n\nLong description with ünïcode.\n");
  assertEquals(form.get(":action"), "file_upload");
  const file = form.get("content") as File;
  assertEquals(file.name, "demo_pkg-1.0-py3-none-any.whl");
  assertEquals(new Uint8Array(await file.arrayBuffer()), bytes);
});

import { assertEquals, assertThrows } from "../../tests/helpers/assert.ts";
import { provenanceFor } from "../../tests/helpers/provenance.ts";
import { parseHtmlPage, parseJsonPage } from "../index/mod.ts";
import { checkProvenanceObject } from "./provenance.ts";

const SHA = "ab".repeat(32);
const FILE = "demo-1.0-py3-none-any.whl";

Deno.test("index pages: PEP 740 provenance URLs from PEP 691 JSON and PEP 503 HTML, resolved", () => {
  const json = JSON.stringify({
    meta: { "api-version": "1.3" },
    files: [
      { filename: FILE, url: "/f/demo.whl", hashes: { sha256: SHA }, provenance: "/p/demo" },
      { filename: "demo-1.0.tar.gz", url: "/f/demo.tar.gz", hashes: {}, provenance: null },
    ],
  });
  const files = parseJsonPage(json, "https://idx.example/simple/demo/");
  assertEquals(files.map((f) => f.provenance), ["https://idx.example/p/demo", undefined]);
  const html = `<a href="/f/${FILE}#sha256=${SHA}" data-provenance="../../p/x">${FILE}</a>` +
    `<a href="/f/demo-1.0.tar.gz">demo-1.0.tar.gz</a>`;
  const links = parseHtmlPage(html, "https://idx.example/simple/demo/");
  assertEquals(links.map((f) => f.provenance), ["https://idx.example/p/x", undefined]);
});

Deno.test("checkProvenanceObject: a matching statement gives the publisher; others say what differs", () => {
  const ok = checkProvenanceObject(provenanceFor(FILE, SHA), FILE, SHA);
  assertEquals(ok.problem, null);
  assertEquals(ok.attestations, 1);
  assertEquals({ ...ok.publishers[0] }, {
    kind: "GitHub",
    repository: "ann/demo",
    workflow: "release.yml",
    environment: "pypi",
  });
  assertEquals(
    checkProvenanceObject(provenanceFor(FILE, "cd".repeat(32)), FILE, SHA).problem,
    `an attestation's subject digest is sha256 ${
      "cd".repeat(32)
    }, not the installed artifact's ${SHA}`,
  );
  assertEquals(
    checkProvenanceObject(provenanceFor("other-1.0-py3-none-any.whl", SHA), FILE, SHA).problem,
    `an attestation names other-1.0-py3-none-any.whl, not ${FILE}`,
  );
  const two = provenanceFor(FILE, SHA, [
    { name: FILE, digest: { sha256: SHA } },
    { name: "x.whl", digest: { sha256: SHA } },
  ]);
  assertEquals(
    checkProvenanceObject(two, FILE, SHA).problem,
    "an attestation has 2 subjects (PEP 740: exactly one)",
  );
});

Deno.test("checkProvenanceObject: objects that are not PEP 740's shape are refused", () => {
  assertThrows(() => checkProvenanceObject({ version: 2 }, FILE, SHA), Error, "version 1");
  assertThrows(
    () => checkProvenanceObject({ version: 1, attestation_bundles: [] }, FILE, SHA),
    Error,
    "no attestation bundle",
  );
  const garbled = provenanceFor(FILE, SHA) as {
    attestation_bundles: { attestations: { envelope: { statement: string } }[] }[];
  };
  garbled.attestation_bundles[0]!.attestations[0]!.envelope.statement = "%%%";
  assertThrows(() => checkProvenanceObject(garbled, FILE, SHA), Error, "not base64-encoded JSON");
  assertThrows(
    () => checkProvenanceObject({ version: 1, attestation_bundles: [{}] }, FILE, SHA),
    Error,
    "no publisher kind",
  );
});

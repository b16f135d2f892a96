import { assertEquals } from "../../tests/helpers/assert.ts";
import { parseEnvironmentRecord } from "./environment_record.ts";

const OLD = {
  name: "web",
  path: "/home/u/.gestvenv/environments/web",
  python: { path: "/usr/bin/python3", version: "3.11.7", implementation: "cpython" },
  backend: "native",
  description: null,
  created_at: "2026-01-01T00:00:00Z",
  last_used_at: "2026-01-01T00:00:00Z",
  requirements: ["flask"],
  packages: [{ name: "flask", version: "3.0.0" }],
};

Deno.test("a record written before projects existed reads without `project`", () => {
  const record = parseEnvironmentRecord("web", OLD);
  assertEquals(typeof record === "object" && !("project" in record), true);
});

Deno.test("a record's project (path, groups, extras, installed) is kept; a broken one is named", () => {
  const project = { path: "/src/web", groups: ["dev"], extras: ["fast"], installed: true };
  const record = parseEnvironmentRecord("web", { ...OLD, project });
  assertEquals(typeof record === "object" ? record.project : record, project);
  for (
    const bad of [
      null,
      "x",
      { ...project, path: "" },
      { ...project, groups: "dev" },
      { ...project, extras: [1] },
      { path: "/src/web", groups: [], extras: [] },
    ]
  ) {
    assertEquals(parseEnvironmentRecord("web", { ...OLD, project: bad }), "`project` is invalid");
  }
});

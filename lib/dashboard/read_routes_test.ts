import { assert, assertEquals } from "../../tests/helpers/assert.ts";
import { readRoute } from "./read_routes.ts";

const route = (path: string) => {
  const url = new URL(`http://x${path}`);
  return readRoute(url.pathname, url.searchParams);
};

Deno.test("readRoute: paths and whitelisted filters become command lines", () => {
  assertEquals(route("/api/v1/environments"), {
    kind: "command",
    args: ["list", "--detailed", "--format", "json"],
  });
  assertEquals(route("/api/v1/environments/web"), {
    kind: "command",
    args: ["info", "--format", "json", "--", "web"],
  });
  assertEquals(route("/api/v1/environments/web/operations?last=5&level=error"), {
    kind: "command",
    args: ["logs", "--env=web", "--last=5", "--level=error", "--format", "json"],
  });
  assertEquals(route("/api/v1/stats?trend=1&detailed=0&period=7d"), {
    kind: "command",
    args: ["stats", "--trend", "--period=7d", "--format", "json"],
  });
  assertEquals(route("/api/v1/nothing"), undefined);
  assertEquals(route("/api/v1/environments/web/extra/more"), undefined);
});

Deno.test("readRoute: invalid names and filters are refused", () => {
  for (
    const path of [
      "/api/v1/environments/-x",
      "/api/v1/environments/.x",
      "/api/v1/environments/..%2Fx",
      "/api/v1/environments/a%20b/tree",
      "/api/v1/operations?last=-1",
      "/api/v1/operations?since=--all",
      "/api/v1/operations?env=-x",
      "/api/v1/operations?follow=1",
      "/api/v1/stats?trend=yes",
      "/api/v1/cache?x=1",
    ]
  ) {
    assertEquals(route(path)?.kind, "invalid", path);
  }
});

Deno.test("readRoute: every refusal says what to do next", () => {
  for (
    const path of ["/api/v1/stats?trend=yes", "/api/v1/operations?last=-1", "/api/v1/cache?x=1"]
  ) {
    const refused = route(path);
    assert(refused?.kind === "invalid", path);
    assert(refused.hint.trim() !== "", `${path} has a hint`);
  }
});

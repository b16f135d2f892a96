import { assertEquals, assertRejects } from "../../tests/helpers/assert.ts";
import { BackendError } from "../errors/mod.ts";
import { selectBackend } from "./select_backend.ts";

Deno.test("selectBackend() honours the choice; auto is gestvenv's own installer", async () => {
  assertEquals((await selectBackend("pip", "/configured/uv")).name, "pip");
  assertEquals((await selectBackend("uv", "/configured/uv")).name, "uv");
  assertEquals((await selectBackend("native", "/configured/uv")).name, "native");
  assertEquals((await selectBackend("auto", "/configured/uv")).name, "native");
  assertEquals((await selectBackend("auto", undefined)).name, "native");
});

Deno.test("selectBackend() reports a missing uv when uv is asked for", async () => {
  const path = Deno.env.get("PATH") ?? "";
  if (
    path.split(":").some((d) => {
      try {
        return Deno.statSync(`${d}/uv`).isFile;
      } catch {
        return false;
      }
    })
  ) return;
  await assertRejects(() => selectBackend("uv", undefined), BackendError, "no uv binary");
});

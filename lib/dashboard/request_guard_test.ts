import { assert, assertEquals } from "../../tests/helpers/assert.ts";
import {
  allowedHosts,
  authorizationToken,
  checkRequest,
  cookieValue,
  isBindAll,
  machineNames,
  TOKEN_COOKIE,
  tokenCookie,
} from "./request_guard.ts";
import { newToken, sameToken } from "./token.ts";

const token = newToken();
const options = { token, hosts: allowedHosts("127.0.0.1", 8080), readOnly: false };

function request(path: string, init: RequestInit & { host?: string } = {}): Request {
  const headers = new Headers(init.headers);
  headers.set("host", init.host ?? "127.0.0.1:8080");
  return new Request(`http://127.0.0.1:8080${path}`, { ...init, headers });
}

Deno.test("tokens: 64 hex digits, new each time, compared exactly", () => {
  const other = newToken();
  assert(/^[0-9a-f]{64}$/.test(token));
  assert(token !== other);
  assert(sameToken(token, token));
  assert(!sameToken(other, token));
  assert(!sameToken(token.slice(1), token));
  assert(!sameToken(undefined, token));
  assert(!sameToken("", token));
});

Deno.test("allowed hosts: the bound address and the loopback names, with the port", () => {
  assertEquals(
    [...allowedHosts("::1", 9000)],
    ["[::1]:9000", "localhost:9000", "127.0.0.1:9000"],
  );
  assert(allowedHosts("0.0.0.0", 1).has("0.0.0.0:1"));
  const extra = allowedHosts("0.0.0.0", 1, ["192.0.2.7", "fe80::1", "MyHost"]);
  assert(extra.has("192.0.2.7:1") && extra.has("[fe80::1]:1") && extra.has("myhost:1"));
});

Deno.test("bind-all addresses and this machine's names", () => {
  for (const host of ["0.0.0.0", "::", "[::]", "0:0::0"]) assert(isBindAll(host), host);
  for (const host of ["127.0.0.1", "::1", "192.0.2.7", "localhost", "fe80::"]) {
    assert(!isBindAll(host), host);
  }
  const names = machineNames();
  assert(names.includes("127.0.0.1"), "the interfaces' addresses");
  assert(names.includes(Deno.hostname()), "the host name");
  assert(names.every((n) => !n.includes("%")), "no IPv6 zone");
});

Deno.test("the bad_host hint names the real address, not a placeholder", () => {
  const refusal = checkRequest(request("/", { host: "192.0.2.7:8080" }), {
    ...options,
    address: "http://0.0.0.0:8080/",
  });
  assertEquals(refusal?.code, "bad_host");
  assert(refusal!.hint.includes("http://0.0.0.0:8080/"), refusal!.hint);
  assert(!refusal!.hint.includes("PORT"), refusal!.hint);
  assert(!checkRequest(request("/", { host: "x:1" }), options)!.hint.includes("PORT"));
});

Deno.test("the token cookie is named after the port; another port's cookie is not this one's", () => {
  assertEquals(tokenCookie(18931), "gestvenv_dashboard_token_18931");
  const mine = { ...options, cookie: tokenCookie(8080) };
  const get = (cookie: string) =>
    checkRequest(request("/api/v1/x", { headers: { cookie } }), mine)?.code;
  assertEquals(get(`${tokenCookie(8080)}=${token}`), undefined);
  assertEquals(get(`${tokenCookie(8081)}=${token}`), "no_token");
  assertEquals(get(`${TOKEN_COOKIE}=${token}`), "no_token");
});

Deno.test("an Authorization header is the only credential: no Origin exemption or cookie fallback without its token", () => {
  const cookie = `${TOKEN_COOKIE}=${token}`;
  const post = (headers: Record<string, string>) =>
    checkRequest(request("/api/v1/jobs", { method: "POST", headers }), options)?.code;
  assertEquals(post({ authorization: "Basic abc", cookie }), "cross_origin");
  assertEquals(post({ authorization: "", cookie }), "cross_origin");
  assertEquals(post({ authorization: "token", cookie }), "cross_origin");
  // A GET with a useless Authorization header and a good cookie: the header decides.
  const get = (headers: Record<string, string>) =>
    checkRequest(request("/api/v1/x", { headers }), options)?.code;
  assertEquals(get({ authorization: "Basic abc", cookie }), "no_token");
  assertEquals(get({ authorization: "token nope", cookie }), "bad_token");
  assertEquals(get({ cookie }), undefined);
});

Deno.test("headers: cookie and Authorization parsing", () => {
  assertEquals(cookieValue(`a=1; ${TOKEN_COOKIE}=xyz; b=2`, TOKEN_COOKIE), "xyz");
  assertEquals(cookieValue("a=1", TOKEN_COOKIE), undefined);
  assertEquals(cookieValue(null, TOKEN_COOKIE), undefined);
  assertEquals(authorizationToken("token abc"), "abc");
  assertEquals(authorizationToken("Bearer abc"), "abc");
  assertEquals(authorizationToken("Basic abc"), undefined);
});

Deno.test("checkRequest: Host, Origin, token and read-only, in that order", () => {
  const auth = { authorization: `token ${token}` };
  assertEquals(
    checkRequest(request("/api/v1/environments", { headers: auth }), options),
    undefined,
  );
  assertEquals(checkRequest(request("/"), options), undefined, "the page needs no token");
  assertEquals(
    checkRequest(request("/", { host: "evil.example:8080" }), options)?.code,
    "bad_host",
  );
  assertEquals(checkRequest(request("/", { host: "127.0.0.1:8081" }), options)?.code, "bad_host");
  assertEquals(checkRequest(request("/api/v1/environments"), options)?.code, "no_token");
  assertEquals(
    checkRequest(request("/api/v1/x", { headers: { cookie: `${TOKEN_COOKIE}=nope` } }), options)
      ?.code,
    "bad_token",
  );
  assertEquals(
    checkRequest(
      request("/api/v1/x", { headers: { cookie: `${TOKEN_COOKIE}=${token}` } }),
      options,
    ),
    undefined,
  );
  const post = (headers: Record<string, string>) =>
    checkRequest(request("/api/v1/jobs", { method: "POST", headers }), options)?.code;
  assertEquals(post({ ...auth, origin: "http://127.0.0.1:8080" }), undefined);
  assertEquals(post({ ...auth, origin: "http://localhost:8080" }), undefined);
  assertEquals(post({ ...auth }), undefined, "scripts: no Origin, an Authorization header");
  assertEquals(post({ ...auth, origin: "http://evil.example" }), "cross_origin");
  assertEquals(post({ ...auth, origin: "https://127.0.0.1:8080" }), "cross_origin");
  assertEquals(post({ cookie: `${TOKEN_COOKIE}=${token}` }), "cross_origin");
  assertEquals(
    checkRequest(
      request("/api/v1/jobs", { method: "POST", headers: auth }),
      { ...options, readOnly: true },
    )?.code,
    "read_only",
  );
  const refusal = checkRequest(
    request("/api/v1/x", { headers: { authorization: "token x" } }),
    options,
  );
  assert(!JSON.stringify(refusal).includes(token), "a refusal never shows the token");
});

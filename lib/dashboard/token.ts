/**
 * The dashboard's access token (Jupyter's model): 32 random bytes printed with the URL, then kept
 * in an `HttpOnly` cookie by the browser.
 *
 * @module
 */

/** Bytes of randomness in a token (hex-encoded: 64 characters). */
export const TOKEN_BYTES = 32;

/** A new token: {@linkcode TOKEN_BYTES} bytes from `crypto.getRandomValues`, as lowercase hex. */
export function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(TOKEN_BYTES));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const encoder = new TextEncoder();

/**
 * Whether `given` equals `token`, compared in constant time for inputs of the token's length (the
 * time does not say how many leading characters matched). Undefined or another length: false.
 */
export function sameToken(given: string | undefined | null, token: string): boolean {
  if (given === undefined || given === null) return false;
  const a = encoder.encode(given);
  const b = encoder.encode(token);
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

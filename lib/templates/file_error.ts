import { GestvenvError, OperationError } from "../errors/mod.ts";

/**
 * A filesystem error met while reading or writing a template or a project, as a typed
 * {@linkcode OperationError} (exit 1) that names the path and what was being done, with `hint`
 * (what to do next); a `GestvenvError` (e.g. an interruption) is returned as it is.
 *
 * @param error What the filesystem call threw (`Deno.errors.*`, usually).
 * @param doing What failed, as a verb phrase with the path (`create the directory /x`).
 * @param hint What the user can do next.
 * @returns The error to throw: code `permission_denied` for `Deno.errors.PermissionDenied`
 *   (EACCES, EPERM, EROFS), `file_error` otherwise.
 */
export function fileError(error: unknown, doing: string, hint: string): GestvenvError {
  if (error instanceof GestvenvError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  const denied = error instanceof Deno.errors.PermissionDenied;
  return new OperationError(
    `Cannot ${doing}: ${reason}`,
    denied ? "permission_denied" : "file_error",
    { cause: error, hint },
  );
}

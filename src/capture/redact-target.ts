/**
 * Removes credentials from a Redis target description before it is written to (or shown from) a
 * capture. Callers are expected to pass an already-redacted target; this is the second line of
 * defence, because a capture file outlives the terminal session and gets shared.
 */

// scheme://userinfo@  — the whole userinfo goes: some clients read a bare `secret@` as a password.
// Greedy up to the last `@` of the authority, so an unencoded `@` inside a password goes too.
const URL_USERINFO = /([a-z][a-z0-9+.-]*:\/\/)[^/\s?#]*@/gi;
// ?password=…, &pass=…, &auth=… query parameters (the secret, not the name, is dropped).
const SECRET_QUERY_PARAM = /([?&;](?:password|passwd|pass|pwd|auth|secret|token)=)[^&;#\s]*/gi;

export function redactTarget(target: string): string {
  return target.replace(URL_USERINFO, '$1').replace(SECRET_QUERY_PARAM, '$1***');
}

/**
 * Debian's NAME_REGEX for users and groups: lower case, digits, `_`, `-`, an optional final `$` (Samba
 * machines). Its own file without zod, so the web page can check names as they are typed without bundling zod.
 */
export const accountNamePattern = /^[a-z_][a-z0-9_-]*\$?$/;

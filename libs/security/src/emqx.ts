/**
 * EMQX 5 password authentication against unit_credentials (docs/security.md), with the authenticator
 * set to `password_hash_algorithm { name = pbkdf2, mac_fun = sha512, iterations = 101, dk_length = 64 }`.
 * EMQX compares the lower-case hex of PBKDF2(password, salt) with `password_hash`, the salt taken as
 * the text column's bytes; our `$7$` value holds the salt and key in base64, so the query converts
 * them (the salt bytes are printable by construction: device-credentials.ts). Only hashes made with
 * the configured iteration count match. test/emqx-query.test.ts runs this query on PostgreSQL and
 * checks it yields what EMQX would compute; EMQX itself is not run here.
 */
export const EMQX_AUTHN_QUERY =
  "SELECT encode(decode(split_part(password_hash, '$', 5), 'base64'), 'hex') AS password_hash, " +
  "convert_from(decode(split_part(password_hash, '$', 4), 'base64'), 'UTF8') AS salt " +
  "FROM unit_credentials WHERE unit_id = ${username} AND revoked_at IS NULL AND split_part(password_hash, '$', 3) = '101' LIMIT 1";

/** EMQX 5 PostgreSQL authorization: the topics a unit may publish (with `authorization.no_match = deny`). */
export const EMQX_AUTHZ_QUERY =
  "SELECT 'allow' AS permission, 'publish' AS action, t.topic FROM unit_credentials c, " +
  "LATERAL (VALUES ('ems/v1/units/' || c.unit_id || '/position'), ('ems/v1/units/' || c.unit_id || '/status'), " +
  "('ems/v1/units/' || c.unit_id || '/presence'), " +
  "(CASE WHEN c.unit_id ~ '^[A-Za-z0-9_]{1,31}-[A-Za-z0-9_-]{1,32}$' THEN 'owntracks/' || split_part(c.unit_id, '-', 1) || '/' || substr(c.unit_id, strpos(c.unit_id, '-') + 1) END)) AS t(topic) " +
  'WHERE c.unit_id = ${username} AND c.revoked_at IS NULL AND t.topic IS NOT NULL';

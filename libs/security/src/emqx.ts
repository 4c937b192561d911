import { COMMAND_FILTER } from '@rescue/contracts';
import { GATEWAY_TREES, INGEST_FILTERS, type ServiceRole } from './topic-acl';

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

/**
 * EMQX 5 PostgreSQL authorization (with `authorization.no_match = deny`): the topics a unit may publish,
 * and its own command topic, the only one it may subscribe to (its dispatch orders, issue 12). The same
 * as the Mosquitto units ACL and the embedded broker's topic-acl.ts.
 */
export const EMQX_AUTHZ_QUERY =
  "SELECT 'allow' AS permission, t.action, t.topic FROM unit_credentials c, " +
  "LATERAL (VALUES ('publish', 'ems/v1/units/' || c.unit_id || '/position'), ('publish', 'ems/v1/units/' || c.unit_id || '/status'), " +
  "('publish', 'ems/v1/units/' || c.unit_id || '/presence'), " +
  "('publish', CASE WHEN c.unit_id ~ '^[A-Za-z0-9_]{1,31}-[A-Za-z0-9_-]{1,32}$' THEN 'owntracks/' || split_part(c.unit_id, '-', 1) || '/' || substr(c.unit_id, strpos(c.unit_id, '-') + 1) END), " +
  "('subscribe', 'ems/v1/units/' || c.unit_id || '/commands')) AS t(action, topic) " +
  'WHERE c.unit_id = ${username} AND c.revoked_at IS NULL AND t.topic IS NOT NULL';

/** A service user as EMQX's ACL file names it. */
export interface EmqxService {
  username: string;
  roles: readonly ServiceRole[];
}

const quote = (topics: readonly string[]): string => `[${topics.map((t) => JSON.stringify(t)).join(', ')}]`;

/**
 * EMQX 5's `acl.conf` for the service users (units come from EMQX_AUTHZ_QUERY), the same rules as the
 * Mosquitto services ACL: `ingest` subscribes to the ingest filters (bare and as `$share/<group>/`, as it
 * is not verified which form EMQX checks); `gateway` (the JT/T 808 gateway, the demo on an external
 * broker) publishes in the unit trees and subscribes to every unit's commands; `orders` (the dispatch
 * server) publishes on the command topics. Everything else is denied.
 */
export function emqxAclFile(services: readonly EmqxService[], shareGroup = 'ingest'): string {
  const lines = ['%% rescue-circle service users (emqxAclFile, libs/security/src/emqx.ts). Units: EMQX_AUTHZ_QUERY.'];
  for (const s of services) {
    const who = `{username, ${JSON.stringify(s.username)}}`;
    if (s.roles.includes('ingest')) lines.push(`{allow, ${who}, subscribe, ${quote(INGEST_FILTERS.flatMap((f) => [f, `$share/${shareGroup}/${f}`]))}}.`);
    if (s.roles.includes('gateway')) {
      lines.push(`{allow, ${who}, publish, ${quote(GATEWAY_TREES.map((t) => `${t}#`))}}.`);
      lines.push(`{allow, ${who}, subscribe, ${quote([COMMAND_FILTER])}}.`);
    }
    if (s.roles.includes('orders')) lines.push(`{allow, ${who}, publish, ${quote([COMMAND_FILTER])}}.`);
  }
  lines.push('{deny, all}.', '');
  return lines.join('\n');
}

import type { Tags } from '../profile';

export interface OsmMember {
  type: string;
  ref: number;
  role: string;
}

/** What a reader hands over, element by element; a pass leaves out the kinds it does not need. */
export interface OsmVisitor {
  node?(id: number, lat: number, lon: number): void;
  /**
   * Nodes that carry tags (POIs, place nodes, addresses), with them. Only a pass that asks for it pays
   * for reading node tags; when both are given, node() still sees every node.
   */
  taggedNode?(id: number, lat: number, lon: number, tags: Tags): void;
  way?(id: number, refs: number[], tags: Tags): void;
  relation?(id: number, members: OsmMember[], tags: Tags): void;
}

export interface OsmRestriction {
  id: number;
  /** no_* forbids from→to; only_* forbids from→anything else. */
  kind: 'no' | 'only';
  fromWay: number;
  viaNode: number;
  toWay: number;
}

/**
 * A turn restriction we can honour, 'skipped' for one of type=restriction we cannot use (via-way,
 * missing members, unknown kind), or null for any other relation.
 */
export function readRestriction(id: number, members: OsmMember[], tags: Tags): OsmRestriction | 'skipped' | null {
  const t = tags['type'];
  if (t !== 'restriction' && t !== 'restriction:motorcar') return null;
  const r = tags['restriction'] ?? tags['restriction:motorcar'];
  const except = (tags['except'] ?? '').split(';').map((s) => s.trim());
  if (except.includes('emergency')) return null;
  const from = members.filter((m) => m.role === 'from' && m.type === 'way');
  const via = members.filter((m) => m.role === 'via');
  const to = members.filter((m) => m.role === 'to' && m.type === 'way');
  const kind = r?.startsWith('no_') ? 'no' : r?.startsWith('only_') ? 'only' : null;
  // Via-way restrictions need a path-based model; they are rare (see README) and skipped.
  if (kind === null || from.length !== 1 || to.length !== 1 || via.length !== 1 || via[0]!.type !== 'node') return 'skipped';
  return { id, kind, fromWay: from[0]!.ref, viaNode: via[0]!.ref, toWay: to[0]!.ref };
}

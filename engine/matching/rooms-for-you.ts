// "Rooms for you": live and upcoming rooms the member may see, ranked by how close the room's title, description
// and topics are to what the member looks for and has done (the matching embeddings: seeks and experience facets),
// plus a boost for the member's connections on stage (speakers of a live room; the host of an upcoming one).
//
//   score = 0.6 · max(0, cos(room, seeks)) + 0.4 · max(0, cos(room, experience))   (weights renormalised when the
//           member has only one of the two vectors; 0 without either)
//         + 0.05 per connection on stage, at most 0.15
// Ties: live before upcoming, then the default order. Room texts are embedded with the same encoder and cached in
// process by sha256 of model + text (a room's text changes rarely; a change is a new key).
import type pg from 'pg';
import type { Principal } from '../identity/account-service.js';
import type { RoomView } from '../rooms/room-service.js';
import { dot, MATCHING_EMBEDDING_MODEL, textSha256 } from './embedder.js';
import type { MemberVectors } from './embedding-service.js';

export interface RoomsForYouOptions {
  pool: pg.Pool;
  rooms: { discover(member: Principal, q: { status: 'live' | 'scheduled'; topic?: string; groupId?: string; limit: number }): Promise<{ items: RoomView[] }> };
  embeddings: { vectorsOf(memberId: string): Promise<MemberVectors> };
  embedder: () => Promise<{ embedTexts(texts: readonly string[]): Promise<Float32Array[]> }>;
  /** How many live and how many upcoming rooms are considered (default 100 each). */
  consider?: number;
  cacheSize?: number;
}

export function roomText(room: Pick<RoomView, 'title' | 'description' | 'topics'>): string {
  return [room.title, room.description, room.topics.length > 0 ? `Topics: ${room.topics.join(', ')}` : ''].filter((s) => s.trim() !== '').join('\n');
}

export class RoomsForYou {
  readonly #o: RoomsForYouOptions;
  readonly #cache = new Map<string, Float32Array>();

  constructor(o: RoomsForYouOptions) {
    this.#o = o;
  }

  async rank(member: Principal, q: { topic?: string; groupId?: string; limit: number }): Promise<{ items: RoomView[]; nextCursor: null }> {
    const consider = this.#o.consider ?? 100;
    const [live, upcoming, me] = await Promise.all([
      this.#o.rooms.discover(member, { status: 'live', topic: q.topic, groupId: q.groupId, limit: consider }),
      this.#o.rooms.discover(member, { status: 'scheduled', topic: q.topic, groupId: q.groupId, limit: consider }),
      this.#o.embeddings.vectorsOf(member.memberId),
    ]);
    const rooms = [...live.items, ...upcoming.items];
    if (rooms.length === 0) return { items: [], nextCursor: null };
    const vectors = await this.#vectors(rooms.map(roomText));
    const onStage = await this.#connectionsOnStage(member.memberId, rooms);
    const scored = rooms.map((room, i) => {
      const v = vectors[i]!;
      const parts: [number, number][] = [];
      if (me.seeks) parts.push([0.6, Math.max(0, dot(me.seeks, v))]);
      if (me.experience) parts.push([0.4, Math.max(0, dot(me.experience, v))]);
      const wsum = parts.reduce((s, [w]) => s + w, 0);
      const similarity = wsum > 0 ? parts.reduce((s, [w, x]) => s + w * x, 0) / wsum : 0;
      const boost = Math.min(0.15, 0.05 * (onStage.get(room.id) ?? 0));
      return { room, score: similarity + boost, order: i };
    });
    scored.sort((a, b) => b.score - a.score || Number(b.room.status === 'live') - Number(a.room.status === 'live') || a.order - b.order);
    return { items: scored.slice(0, q.limit).map((s) => s.room), nextCursor: null };
  }

  async #vectors(texts: string[]): Promise<Float32Array[]> {
    const keys = texts.map((t) => textSha256(MATCHING_EMBEDDING_MODEL, t));
    const missing = [...new Set(keys.filter((k) => !this.#cache.has(k)))];
    if (missing.length > 0) {
      const byKey = new Map(keys.map((k, i) => [k, texts[i]!]));
      const embedded = await (await this.#o.embedder()).embedTexts(missing.map((k) => byKey.get(k)!));
      const limit = this.#o.cacheSize ?? 10_000;
      missing.forEach((k, i) => {
        if (this.#cache.size >= limit) this.#cache.delete(this.#cache.keys().next().value!);
        this.#cache.set(k, embedded[i]!);
      });
    }
    return keys.map((k) => this.#cache.get(k)!);
  }

  /** For each room: how many of the member's connections are on its stage (live) or host it (upcoming). */
  async #connectionsOnStage(memberId: string, rooms: readonly RoomView[]): Promise<Map<string, number>> {
    const { rows } = await this.#o.pool.query<{ room_id: string; n: number }>(
      `WITH mine AS (
         SELECT CASE WHEN member_low = $1 THEN member_high ELSE member_low END AS id FROM connections WHERE member_low = $1 OR member_high = $1
       ), stage AS (
         SELECT s.room_id, (p->>'identity') AS id FROM room_stages s, jsonb_array_elements(s.snapshot->'participants') p
          WHERE s.room_id = ANY($2::uuid[]) AND p->>'role' IN ('host', 'co_host', 'speaker')
         UNION
         SELECT r.id, r.host_member_id::text FROM rooms r WHERE r.id = ANY($2::uuid[])
       )
       SELECT stage.room_id, count(DISTINCT stage.id)::int AS n FROM stage JOIN mine ON mine.id::text = stage.id GROUP BY stage.room_id`,
      [memberId, rooms.map((r) => r.id)],
    );
    return new Map(rows.map((r) => [r.room_id, r.n]));
  }
}

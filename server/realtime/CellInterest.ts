import type { Client } from '@colyseus/core';
import { StateView } from '@colyseus/schema';
import { NEAR_RADIUS_M } from '../../shared/protocol/limits.ts';
import { NEAR_TAG, type Avatar } from '../../shared/schema/SpatialState.ts';

/** Side of an interest cell on the floor (m). */
export const INTEREST_CELL_M = 1;

/** Packs a cell's integer coordinates into one number (rooms span ±64 m: far inside ±512 cells). */
const key = (i: number, j: number) => (i + 512) * 1024 + (j + 512);

interface SharedView {
  readonly view: StateView;
  /** Clients attached to it (a view nobody uses is disposed). */
  clients: number;
}

/**
 * Interest management by cells of the floor, with one StateView per occupied cell shared by every
 * client standing in it. Colyseus encodes each distinct view once per patch (its serializer caches
 * the encoding by view), so a dense room costs one view encoding per occupied cell, not per client:
 * the per-client cost scales with what differs between clients.
 *
 * A cell's view holds the full-rate pose (NEAR_TAG) of every avatar standing in a cell of its region:
 * the cells within `radiusM` of any point of it — a superset of every near set of its clients.
 * A client walking into another cell gets, for one patch, a bridge view of its own (what it had,
 * plus what the new cell sees, minus what it does not), then shares the new cell's view.
 */
export class CellInterest {
  private readonly members = new Map<number, Set<Avatar>>();
  private readonly cellOfAvatar = new Map<Avatar, number>();
  private readonly views = new Map<number, SharedView>();
  /** Cell of the shared view each client is (or will be, after its bridge) attached to. */
  private readonly viewCellOf = new Map<string, number>();
  private readonly bridges = new Map<string, { client: Client; view: StateView }>();
  /** Avatars seated since the last patch: shared views still owe their near fields. */
  private joined = new Set<Avatar>();
  /** Cell offsets of a region (the same for every cell). */
  private readonly region: readonly (readonly [number, number])[];

  constructor(
    private readonly clientOf: (sessionId: string) => Client | undefined,
    private readonly cellM = INTEREST_CELL_M,
    radiusM = NEAR_RADIUS_M,
  ) {
    const reach = Math.ceil(radiusM / cellM) + 1;
    const offsets: [number, number][] = [];
    for (let di = -reach; di <= reach; di += 1) {
      for (let dj = -reach; dj <= reach; dj += 1) {
        // the nearest points of two cells are (|d| - 1) cells apart on each axis
        const gap = cellM * Math.hypot(Math.max(0, Math.abs(di) - 1), Math.max(0, Math.abs(dj) - 1));
        if (gap <= radiusM) offsets.push([di, dj]);
      }
    }
    this.region = offsets;
  }

  /** Seats a client's avatar and attaches the client to its cell's view (call in onJoin). */
  join(client: Client, avatar: Avatar): void {
    const cell = this.cellAt(avatar);
    this.place(avatar, cell);
    this.joined.add(avatar);
    this.attach(client.sessionId, cell);
    client.view = this.views.get(cell)!.view;
  }

  /** Forgets a client and its avatar (call in onLeave, before the avatar leaves the state). */
  leave(sessionId: string, avatar: Avatar | undefined): void {
    const bridge = this.bridges.get(sessionId);
    if (bridge) {
      this.bridges.delete(sessionId);
      bridge.view.dispose();
    }
    const cell = this.viewCellOf.get(sessionId);
    if (cell !== undefined) this.detach(sessionId, cell);
    if (!avatar) return;
    const at = this.cellOfAvatar.get(avatar);
    if (at !== undefined) this.members.get(at)?.delete(avatar);
    this.cellOfAvatar.delete(avatar);
  }

  /**
   * Ends last patch's bridges, then re-cells `avatars` (a slice of the room, so every avatar is
   * looked at a few times a second): each shared view gains or loses the avatars that crossed its
   * region's edge, and each client whose own avatar changed cell gets its bridge. Call from
   * onBeforePatch.
   */
  update(avatars: Iterable<Avatar>): void {
    for (const [sessionId, bridge] of this.bridges) {
      // a dropped client's object too: Colyseus hands its view to the reconnected one
      bridge.client.view = this.views.get(this.viewCellOf.get(sessionId)!)!.view;
      bridge.view.dispose();
    }
    this.bridges.clear();
    const joined = this.joined;
    this.joined = new Set();
    const moved: [Avatar, number, number][] = [];
    for (const avatar of avatars) {
      const from = this.cellOfAvatar.get(avatar);
      const to = this.cellAt(avatar);
      if (from !== undefined && from !== to) moved.push([avatar, from, to]);
    }
    if (moved.length === 0) return;
    // what each moving client has on its screen now, before anything changes: its view's region,
    // but not the avatars that joined since the last patch (their near fields are still pending)
    const known: { avatar: Avatar; client: Client; had: Set<Avatar> }[] = [];
    for (const [avatar] of moved) {
      const client = this.clientOf(avatar.sessionId);
      const cell = this.viewCellOf.get(avatar.sessionId);
      if (!client || cell === undefined) continue;
      const had = this.regionMembers(cell);
      for (const a of joined) had.delete(a);
      known.push({ avatar, client, had });
    }
    for (const [avatar, from, to] of moved) this.move(avatar, from, to);
    for (const { avatar, client, had } of known) this.bridge(avatar, client, had);
  }

  /** The cell of an avatar's head on the floor. */
  private cellAt(avatar: Avatar): number {
    return key(Math.floor(avatar.hx / this.cellM), Math.floor(avatar.hz / this.cellM));
  }

  private *regionCells(cell: number): Generator<number> {
    const i = Math.floor(cell / 1024) - 512;
    const j = (cell % 1024) - 512;
    for (const [di, dj] of this.region) yield key(i + di, j + dj);
  }

  private regionMembers(cell: number): Set<Avatar> {
    const out = new Set<Avatar>();
    for (const c of this.regionCells(cell)) for (const a of this.members.get(c) ?? []) out.add(a);
    return out;
  }

  private place(avatar: Avatar, cell: number): void {
    let set = this.members.get(cell);
    if (!set) this.members.set(cell, (set = new Set()));
    set.add(avatar);
    this.cellOfAvatar.set(avatar, cell);
    for (const c of this.regionCells(cell)) this.views.get(c)?.view.add(avatar, NEAR_TAG);
  }

  /** Moves an avatar between cells: the shared views whose region it entered or left follow. */
  private move(avatar: Avatar, from: number, to: number): void {
    this.members.get(from)?.delete(avatar);
    let set = this.members.get(to);
    if (!set) this.members.set(to, (set = new Set()));
    set.add(avatar);
    this.cellOfAvatar.set(avatar, to);
    const before = new Set(this.regionCells(from));
    const after = new Set(this.regionCells(to));
    for (const c of before) if (!after.has(c)) this.views.get(c)?.view.remove(avatar, NEAR_TAG);
    for (const c of after) if (!before.has(c)) this.views.get(c)?.view.add(avatar, NEAR_TAG);
  }

  /** Attaches a session to its cell's shared view, making the view when the cell has none. */
  private attach(sessionId: string, cell: number): SharedView {
    let shared = this.views.get(cell);
    if (!shared) {
      const view = new StateView();
      for (const a of this.regionMembers(cell)) view.add(a, NEAR_TAG);
      shared = { view, clients: 0 };
      this.views.set(cell, shared);
    }
    shared.clients += 1;
    this.viewCellOf.set(sessionId, cell);
    return shared;
  }

  private detach(sessionId: string, cell: number): void {
    this.viewCellOf.delete(sessionId);
    const shared = this.views.get(cell);
    if (!shared) return;
    shared.clients -= 1;
    if (shared.clients > 0) return;
    this.views.delete(cell);
    shared.view.dispose();
  }

  /**
   * For one patch, a client that changed cell gets a view of its own: everything it `had` (already
   * on its screen, so no pending ADD), plus the new cell's region members, minus the others. After
   * the patch it shares the new cell's view, which then shows exactly what the client has.
   */
  private bridge(avatar: Avatar, client: Client, had: Set<Avatar>): void {
    const sessionId = avatar.sessionId;
    const to = this.cellOfAvatar.get(avatar)!;
    const from = this.viewCellOf.get(sessionId)!;
    const view = new StateView();
    for (const a of had) view.add(a, NEAR_TAG);
    view.changes.clear();
    const target = this.regionMembers(to);
    for (const a of target) if (!had.has(a)) view.add(a, NEAR_TAG);
    for (const a of had) if (!target.has(a)) view.remove(a, NEAR_TAG);
    this.detach(sessionId, from);
    const shared = this.attach(sessionId, to);
    // a view just made for this client shows what the bridge delivers: nothing left to send
    if (shared.clients === 1) shared.view.changes.clear();
    client.view = view;
    this.bridges.set(sessionId, { client, view });
  }
}

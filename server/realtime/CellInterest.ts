import { ClientState, type Client } from '@colyseus/core';
import { StateView } from '@colyseus/schema';
import { NEAR_RADIUS_M } from '../../shared/protocol/limits.ts';
import { distanceSq } from '../../shared/protocol/roomRules.ts';
import { NEAR_TAG, type Avatar } from '../../shared/schema/SpatialState.ts';

/** Side of an interest cell on the floor (m). */
export const INTEREST_CELL_M = 1;

/**
 * How a room makes its clients' views: `per-client` — a StateView per client holding exactly the
 * avatars within the near radius (cheapest when few clients share a cell: a sparse room);
 * `cells` — StateViews shared by the clients of every cell whose region holds the same occupied
 * cells (cheapest when many do: a meeting). `auto` chooses per room from the measured occupancy, with hysteresis.
 */
export type InterestMode = 'per-client' | 'cells';

/** Patches between two looks at the room's occupancy in `auto` (1 s at POSE_HZ). */
export const INTEREST_EVAL_PATCHES = 20;
/**
 * `auto` switches to shared cell views when their estimated encode cost (see `estimate`) is at most
 * TO_CELLS of the per-client views', and back when it rises above TO_PER_CLIENT: between the two
 * the room keeps its mode, so a room near the edge does not flap. Calibrated with
 * `npm run bench:realtime`'s encode table (cells carry some bookkeeping the estimate leaves out).
 */
export const INTEREST_TO_CELLS = 0.7;
export const INTEREST_TO_PER_CLIENT = 0.85;
/** Cells, and clients, whose regions and near sets `estimate` counts (the rest is scaled from them). */
const ESTIMATE_SAMPLE = 16;

/** Packs a cell's integer coordinates into one number (rooms span ±64 m: far inside ±512 cells). */
const key = (i: number, j: number) => (i + 512) * 1024 + (j + 512);

/**
 * A shared view of cells mode: the avatars standing in `cells`, which are the occupied cells within
 * the radius of every cell it serves (its users): cells whose regions hold the same occupied cells
 * see the same avatars, so they share one view, encoded once per patch.
 */
interface Group {
  readonly view: StateView;
  /** Its occupied cells, ascending, joined by ',' (the key in `groups`). */
  sig: string;
  /** The occupied cells whose avatars it holds. */
  cells: number[];
  /** The occupied cells whose clients read it. */
  readonly users: Set<number>;
  /** Sessions reading it (after their bridge, if they have one this patch). */
  readonly readers: Set<string>;
  /** The avatars it holds (NEAR_TAG). */
  readonly held: Set<Avatar>;
  /** Since the last patch: whether each avatar added or removed here was held before (its first change). */
  readonly touched: Map<Avatar, boolean>;
}

interface OwnView {
  readonly view: StateView;
  /** Whose view it is. */
  readonly me: Avatar;
  /** The avatars it holds (NEAR_TAG). */
  readonly near: Set<Avatar>;
}

/** Where an avatar's head stood when interest last looked at it (its join, then each of its slices). */
interface Seen {
  x: number;
  y: number;
  z: number;
}

/**
 * Interest management of a SpatialRoom: which avatars' full-rate pose (NEAR_TAG) each client gets.
 * The floor is in cells; every avatar's cell is kept whatever the mode.
 *
 * Interest looks at an avatar when it joins and then with its slice, the patch its coarse pose is
 * refreshed: where its head stood then (`seen`, the coarse pose every client holds of it) is what
 * both modes go by, and an avatar's holders change in the same patch as its coarse pose. A client
 * therefore never holds an avatar at its coarse place without its full-rate pose when the rule says
 * it should have it, nor loses the full-rate pose of one whose coarse place is still near.
 *
 * Per-client mode: each client's own StateView holds exactly the avatars whose `seen` head is within
 * `radiusM` of its own `seen` head. When an avatar joins or comes round in a slice, its pairs are
 * brought to the rule on both sides: its own view and the views of every client that should (or no
 * longer should) hold it. Colyseus encodes each client's view every patch.
 *
 * Cells mode: a cell's clients get every avatar standing in a cell of its region — the cells within
 * `radiusM` of any point of it, a superset of every near set of its clients. Cells whose regions hold
 * the same occupied cells see the same avatars, so they share one StateView (a `Group`, keyed by
 * those cells). Colyseus encodes each distinct view once per patch (its serializer caches the
 * encoding by view), so a meeting, where every cell's region holds every occupied cell, costs one
 * view encoding per patch whatever its size. When a cell becomes occupied or empty, the groups of the
 * cells around it are redrawn at the next patch (a group is renamed in place for the cells it still
 * serves, so its clients read on); a client whose cell is then served by another group — it walked
 * into a cell another group serves, or its cell's region changed apart from its group's — gets, for
 * one patch, a bridge view of its own (what it had, plus what the new group holds, minus what it does
 * not), then shares the new group's view.
 *
 * Switching modes (auto) is the same bridge for every client: for one patch each client's view is
 * its own, holding what it had with the avatars of the new rule added and the others removed, so
 * nothing it has is sent again and nothing it should have is missed.
 */
export class CellInterest {
  private readonly members = new Map<number, Set<Avatar>>();
  private readonly cellOfAvatar = new Map<Avatar, number>();
  /** The client object of each seated session (a dropped one keeps its old object: Colyseus hands its view over on reconnection). */
  private readonly clientBySession = new Map<string, Client>();
  private readonly avatarBySession = new Map<string, Avatar>();
  // cells mode
  /** The shared views by the occupied cells they hold (`Group.sig`). */
  private readonly groups = new Map<string, Group>();
  /** The group serving each occupied cell. */
  private readonly groupOfCell = new Map<number, Group>();
  /** The groups holding the avatars of each cell. */
  private readonly coveredBy = new Map<number, Set<Group>>();
  /** The groups holding each avatar. */
  private readonly heldBy = new Map<Avatar, Set<Group>>();
  /** The group each client reads (or will read, after its bridge). */
  private readonly readerGroup = new Map<string, Group>();
  /** Cells that became occupied or empty since the last patch: the groups near them are redrawn. */
  private readonly dirty = new Set<number>();
  private readonly bridges = new Map<string, StateView>();
  /** Avatars seated since the last patch: shared views still owe their near fields. */
  private joined = new Set<Avatar>();
  // per-client mode
  private readonly own = new Map<string, OwnView>();
  /** The per-client views holding each avatar. */
  private readonly holders = new Map<Avatar, Set<OwnView>>();
  /** Where interest last saw each avatar's head (see the class comment). */
  private readonly seen = new Map<Avatar, Seen>();
  /** Cell offsets of a region (the same for every cell). */
  private readonly region: readonly (readonly [number, number])[];
  private readonly radiusSq: number;
  /** Reused by `refresh`. */
  private readonly scratch = new Set<Avatar>();
  /** Reused by `dropUnencoded`. */
  private readonly readGroups = new Set<Group>();
  private current: InterestMode;
  private patches = 0;
  private sinceSwitch = 0;
  /** Mode switches so far (for the room's logs and the tests). */
  switches = 0;

  constructor(
    private readonly clientOf: (sessionId: string) => Client | undefined,
    private readonly policy: InterestMode | 'auto' = 'auto',
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
    this.radiusSq = radiusM * radiusM;
    this.current = policy === 'auto' ? 'per-client' : policy;
  }

  /** The mode in force. */
  get mode(): InterestMode {
    return this.current;
  }

  /** Distinct views the clients have now (what the next patch encodes). */
  get viewCount(): number {
    return this.current === 'cells' ? this.groups.size + this.bridges.size : this.own.size;
  }

  /** Seats a client's avatar and gives the client its view (call in onJoin). */
  join(client: Client, avatar: Avatar): void {
    this.look(avatar);
    const cell = this.cellAt(avatar);
    this.place(avatar, cell);
    this.clientBySession.set(client.sessionId, client);
    this.avatarBySession.set(client.sessionId, avatar);
    if (this.current === 'cells') {
      this.joined.add(avatar);
      // a cell just occupied has no group yet: the one of its occupied region (the groups around it
      // are redrawn at the next patch, `reconcile`)
      let group = this.groupOfCell.get(cell);
      if (!group) {
        const [sig, cells] = this.signature(cell);
        group = this.groups.get(sig) ?? this.newGroup(sig, cells);
        this.use(group, cell);
      }
      this.sync(avatar);
      this.read(client.sessionId, group);
      client.view = group.view;
    } else {
      const own: OwnView = { view: new StateView(), me: avatar, near: new Set() };
      this.own.set(client.sessionId, own);
      // its view, and every view that should hold it now, in the patch that brings it to everyone
      this.refresh(avatar);
      // the client gets the whole view in its full state once it confirms the join
      own.view.changes.clear();
      client.view = own.view;
    }
  }

  /** Forgets a client and its avatar (call in onLeave, before the avatar leaves the state). */
  leave(sessionId: string, avatar: Avatar | undefined): void {
    this.clientBySession.delete(sessionId);
    this.avatarBySession.delete(sessionId);
    this.bridges.get(sessionId)?.dispose();
    this.bridges.delete(sessionId);
    this.readerGroup.get(sessionId)?.readers.delete(sessionId);
    this.readerGroup.delete(sessionId);
    const mine = this.own.get(sessionId);
    if (mine) {
      for (const other of mine.near) this.holders.get(other)?.delete(mine);
      mine.view.dispose();
      this.own.delete(sessionId);
    }
    if (!avatar) return;
    this.joined.delete(avatar);
    const at = this.cellOfAvatar.get(avatar);
    if (at !== undefined) this.unplace(avatar, at);
    this.cellOfAvatar.delete(avatar);
    this.seen.delete(avatar);
    // it leaves the state for everyone (Colyseus drops it from every view): the groups forget it
    for (const group of this.heldBy.get(avatar) ?? []) {
      group.held.delete(avatar);
      group.touched.delete(avatar);
    }
    this.heldBy.delete(avatar);
    // per-client views forget it too
    for (const own of this.holders.get(avatar) ?? []) own.near.delete(avatar);
    this.holders.delete(avatar);
  }

  /**
   * Call from onBeforePatch with a slice of the room's avatars (so every avatar is looked at a few
   * times a second). Ends last patch's bridges; re-cells the slice; in cells mode each shared view
   * gains or loses the avatars that crossed its region's edge and each client whose own avatar
   * changed cell gets its bridge; in per-client mode the slice's clients' views are refreshed.
   * In `auto`, every INTEREST_EVAL_PATCHES patches the room's occupancy may switch the mode.
   */
  update(avatars: Iterable<Avatar>): void {
    for (const avatar of avatars) this.look(avatar);
    for (const [sessionId, bridge] of this.bridges) {
      this.client(sessionId)!.view = this.readerGroup.get(sessionId)!.view;
      bridge.dispose();
    }
    this.bridges.clear();
    const joined = this.joined;
    this.joined = new Set();
    this.patches += 1;
    this.sinceSwitch += 1;
    const next =
      this.policy === 'auto' && this.patches % INTEREST_EVAL_PATCHES === 0 ? this.choose() : this.current;
    if (next !== this.current) {
      if (next === 'cells') this.toCells(avatars);
      else this.toPerClient(avatars, joined);
    } else if (this.current === 'cells') {
      this.updateCells(avatars, joined);
    } else {
      this.updatePerClient(avatars);
    }
    if (this.current === 'cells') this.dropUnencoded();
  }

  /**
   * A shared view no joined client reads directly this patch is not encoded, so what it queued
   * would reach its clients next patch on top of what they already have: a client still joining
   * gets the whole view in its full state, a bridged one got it through its bridge. Forget it.
   */
  private dropUnencoded(): void {
    const read = this.readGroups;
    read.clear();
    for (const [sessionId, group] of this.readerGroup) {
      if (read.has(group) || this.bridges.has(sessionId)) continue;
      if (this.clientOf(sessionId)?.state === ClientState.JOINED) read.add(group);
    }
    for (const group of this.groups.values()) if (!read.has(group)) group.view.changes.clear();
    read.clear();
  }

  /**
   * The encode cost of each mode, estimated from the occupancy: a view costs about the avatars it
   * holds. Cells: one view per occupied cell holding its region's avatars (counted for a sample of
   * about ESTIMATE_SAMPLE cells and scaled) — an upper bound, as cells seeing the same share one view,
   * kept so that the mode chosen for a room is the one it was before views were shared. Per-client: one view per client holding the avatars
   * within the radius — the views' sizes in per-client mode, else counted for a sample of about
   * ESTIMATE_SAMPLE clients and scaled. Bounded work once per INTEREST_EVAL_PATCHES whatever the room.
   */
  estimate(): { cells: number; perClient: number } {
    const occupied = this.members.size;
    const everyCell = Math.max(1, Math.floor(occupied / ESTIMATE_SAMPLE));
    let counted = 0;
    let inRegions = 0;
    let k = 0;
    for (const cell of this.members.keys()) {
      if (k++ % everyCell !== 0) continue;
      inRegions += this.regionCount(cell);
      counted += 1;
    }
    const cells = counted > 0 ? (inRegions * occupied) / counted : 0;
    let perClient = 0;
    if (this.current === 'per-client') {
      for (const own of this.own.values()) perClient += own.near.size;
      return { cells, perClient };
    }
    const avatars = [...this.avatarBySession.values()];
    const step = Math.max(1, Math.floor(avatars.length / ESTIMATE_SAMPLE));
    let sampled = 0;
    for (let i = 0; i < avatars.length; i += step) {
      const me = avatars[i]!;
      sampled += 1;
      this.forEachInRegion(this.cellOfAvatar.get(me)!, (other) => {
        if (this.near(me, other)) perClient += 1;
      });
    }
    return { cells, perClient: sampled > 0 ? (perClient * avatars.length) / sampled : 0 };
  }

  /** The mode the occupancy asks for, with hysteresis (and at least one evaluation period in a mode). */
  private choose(): InterestMode {
    if (this.sinceSwitch < INTEREST_EVAL_PATCHES) return this.current;
    const { cells, perClient } = this.estimate();
    if (this.current === 'per-client' && cells <= perClient * INTEREST_TO_CELLS) return 'cells';
    if (this.current === 'cells' && cells > perClient * INTEREST_TO_PER_CLIENT) return 'per-client';
    return this.current;
  }

  private client(sessionId: string): Client | undefined {
    const live = this.clientOf(sessionId);
    if (live) this.clientBySession.set(sessionId, live);
    return live ?? this.clientBySession.get(sessionId);
  }

  private moves(avatars: Iterable<Avatar>): [Avatar, number, number][] {
    const moved: [Avatar, number, number][] = [];
    for (const avatar of avatars) {
      const from = this.cellOfAvatar.get(avatar);
      const to = this.cellAt(avatar);
      if (from !== undefined && from !== to) moved.push([avatar, from, to]);
    }
    return moved;
  }

  private updatePerClient(avatars: Iterable<Avatar>): void {
    for (const [avatar, from, to] of this.moves(avatars)) this.move(avatar, from, to);
    for (const avatar of avatars) this.refresh(avatar);
    for (const [sessionId, own] of this.own) this.unsentWhileJoining(sessionId, own.view);
  }

  /** Records where `avatar`'s head stands now: what interest goes by until its next look. */
  private look(avatar: Avatar): void {
    const at = this.seen.get(avatar);
    if (at) [at.x, at.y, at.z] = [avatar.hx, avatar.hy, avatar.hz];
    else this.seen.set(avatar, { x: avatar.hx, y: avatar.hy, z: avatar.hz });
  }

  /** The per-client rule: `b`'s head within the radius of `a`'s, as interest last saw them. */
  private near(a: Avatar, b: Avatar): boolean {
    if (a === b) return true;
    const p = this.seen.get(a)!;
    const q = this.seen.get(b)!;
    return distanceSq(p.x, p.y, p.z, q.x, q.y, q.z) <= this.radiusSq;
  }

  /**
   * A client still joining gets its whole view in its full state when it confirms: what its own
   * view queued meanwhile would reach it a second time.
   */
  private unsentWhileJoining(sessionId: string, view: StateView): void {
    if (this.client(sessionId)?.state === ClientState.JOINING) view.changes.clear();
  }

  /**
   * Brings every pair of `me` to the per-client rule, both ways: its own view holds exactly the
   * avatars near it, and every client's view holds it exactly when it is near that client. Looked
   * for in the cells of its cell's region (a superset of the radius); the views that held it and are
   * no longer near are known from `holders`.
   */
  private refresh(me: Avatar): void {
    const mine = this.own.get(me.sessionId);
    const found = this.scratch;
    found.clear();
    this.forEachInRegion(this.cellOfAvatar.get(me)!, (other) => {
      if (!this.near(me, other)) return;
      found.add(other);
      if (mine) this.hold(mine, other);
      const theirs = other === me ? undefined : this.own.get(other.sessionId);
      if (theirs) this.hold(theirs, me);
    });
    if (mine) for (const other of mine.near) if (!found.has(other)) this.release(mine, other);
    const holding = this.holders.get(me);
    if (holding) for (const own of holding) if (!found.has(own.me)) this.release(own, me);
  }

  private hold(own: OwnView, other: Avatar): void {
    if (own.near.has(other)) return;
    own.view.add(other, NEAR_TAG);
    own.near.add(other);
    let holding = this.holders.get(other);
    if (!holding) this.holders.set(other, (holding = new Set()));
    holding.add(own);
  }

  private release(own: OwnView, other: Avatar): void {
    if (!own.near.delete(other)) return;
    own.view.remove(other, NEAR_TAG);
    this.holders.get(other)?.delete(own);
  }

  private forEachInRegion(cell: number, fn: (avatar: Avatar) => void): void {
    const i = Math.floor(cell / 1024) - 512;
    const j = (cell % 1024) - 512;
    for (const [di, dj] of this.region) {
      const set = this.members.get(key(i + di, j + dj));
      if (set) for (const a of set) fn(a);
    }
  }

  /**
   * Cells mode, each patch: the slice's avatars that changed cell move; the groups near a cell that
   * became occupied or empty are redrawn (`reconcile`); each moved avatar is held by exactly the
   * groups whose cells hold its new cell; and a client whose cell is now served by another group
   * than the one it reads gets its bridge to it. An avatar moving between two cells one group serves
   * (a meeting, where everyone sees everyone) changes nothing but its place.
   */
  private updateCells(avatars: Iterable<Avatar>, joined: Set<Avatar>): void {
    const moved = this.moves(avatars);
    for (const [avatar, from, to] of moved) this.move(avatar, from, to);
    const candidates = this.reconcile();
    for (const [avatar] of moved) this.sync(avatar);
    if (moved.length > 0 || candidates.size > 0) this.rebridge(joined, candidates);
    this.patched();
  }

  /** Bridges every client whose cell's group is not the one it reads, then retires the groups nobody uses. */
  private rebridge(joined: Set<Avatar>, candidates: Set<Group>): void {
    const hadOf = new Map<Group, Set<Avatar>>();
    // bridge() re-points the entry being visited (never adds or removes one)
    for (const [sessionId, from] of this.readerGroup) {
      const avatar = this.avatarBySession.get(sessionId);
      const to = avatar && this.groupOfCell.get(this.cellOfAvatar.get(avatar)!);
      if (!to || to === from) continue;
      let had = hadOf.get(from);
      if (!had) hadOf.set(from, (had = this.received(from, joined)));
      const view = new StateView();
      for (const a of had) view.add(a, NEAR_TAG);
      view.changes.clear();
      this.bridge(sessionId, view, had, to);
    }
    for (const group of candidates) if (group.users.size === 0) this.retire(group);
    for (const group of hadOf.keys()) if (group.users.size === 0) this.retire(group);
  }

  /**
   * What the clients of a group have received: what it held at the last patch (its avatars, with
   * the changes since undone), less the avatars that joined since (their near fields are pending).
   */
  private received(group: Group, joined: Set<Avatar>): Set<Avatar> {
    const had = new Set(group.held);
    for (const [avatar, was] of group.touched) {
      if (was) had.add(avatar);
      else had.delete(avatar);
    }
    for (const a of joined) had.delete(a);
    return had;
  }

  /**
   * Redraws the groups near the cells that became occupied or empty since the last patch: every
   * occupied cell within the radius of one gets its new signature (the occupied cells of its region),
   * each signature the existing group that serves the most of its clients (renamed in place: its
   * clients read on, its view gains the avatars of the cells it now holds) or a new group, and the
   * avatars of every cell whose groups changed are held again by exactly the groups holding their
   * cell. A group still serving a cell nothing changed around keeps its signature. Returns the
   * groups that lost cells (retired once no cell uses them).
   */
  private reconcile(): Set<Group> {
    const candidates = new Set<Group>();
    if (this.dirty.size === 0) return candidates;
    const affected = new Set<number>();
    for (const d of this.dirty) {
      for (const c of this.regionCells(d)) if (this.members.has(c)) affected.add(c);
      if (this.members.has(d)) continue;
      const group = this.groupOfCell.get(d);
      if (group) {
        group.users.delete(d);
        candidates.add(group);
      }
      this.groupOfCell.delete(d);
    }
    this.dirty.clear();
    const wanted = new Map<string, { cells: number[]; users: number[] }>();
    for (const c of affected) {
      const [sig, cells] = this.signature(c);
      let w = wanted.get(sig);
      if (!w) wanted.set(sig, (w = { cells, users: [] }));
      w.users.push(c);
      const group = this.groupOfCell.get(c);
      if (group) candidates.add(group);
    }
    // a group also serving a cell whose region did not change keeps its signature
    const pinned = new Set<Group>();
    for (const group of candidates) {
      for (const u of group.users) {
        if (!affected.has(u)) {
          pinned.add(group);
          break;
        }
      }
    }
    const target = new Map<string, Group>();
    const claimed = new Set<Group>();
    for (const sig of wanted.keys()) {
      const existing = this.groups.get(sig);
      if (existing && (pinned.has(existing) || !candidates.has(existing))) {
        target.set(sig, existing);
        claimed.add(existing);
      }
    }
    // the other signatures: the free group serving most of their clients, greedily
    const claims: { sig: string; group: Group; weight: number }[] = [];
    for (const [sig, w] of wanted) {
      if (target.has(sig)) continue;
      const weight = new Map<Group, number>();
      for (const u of w.users) {
        const group = this.groupOfCell.get(u);
        if (!group || pinned.has(group)) continue;
        weight.set(group, (weight.get(group) ?? 0) + this.members.get(u)!.size);
      }
      for (const [group, clients] of weight) {
        claims.push({ sig, group, weight: clients + (group.sig === sig ? 0.5 : 0) });
      }
    }
    claims.sort((a, b) => b.weight - a.weight);
    for (const { sig, group } of claims) {
      if (target.has(sig) || claimed.has(group)) continue;
      target.set(sig, group);
      claimed.add(group);
    }
    const changed = new Set<number>();
    for (const [sig, w] of wanted) {
      let group = target.get(sig);
      if (!group) group = this.newGroup(sig, w.cells);
      else if (group.sig !== sig) this.redraw(group, sig, w.cells, changed);
      for (const u of w.users) {
        const old = this.groupOfCell.get(u);
        if (old === group) continue;
        old?.users.delete(u);
        this.use(group, u);
      }
    }
    for (const c of changed) for (const a of this.members.get(c) ?? []) this.sync(a);
    return candidates;
  }

  /** The occupied cells of a cell's region, ascending, as a key and as a list. */
  private signature(cell: number): [string, number[]] {
    const cells: number[] = [];
    // region offsets ascend in (di, dj), so their cells ascend in key
    for (const c of this.regionCells(cell)) if (this.members.has(c)) cells.push(c);
    return [cells.join(','), cells];
  }

  /** A group holding the avatars of `cells` (registered under `sig`). */
  private newGroup(sig: string, cells: number[]): Group {
    const group: Group = {
      view: new StateView(),
      sig,
      cells,
      users: new Set(),
      readers: new Set(),
      held: new Set(),
      touched: new Map(),
    };
    this.groups.set(sig, group);
    for (const c of cells) {
      this.cover(c).add(group);
      for (const a of this.members.get(c) ?? []) this.holdIn(group, a);
    }
    return group;
  }

  /** Renames a group in place to hold `cells`: the cells whose coverage changed are noted in `changed`. */
  private redraw(group: Group, sig: string, cells: number[], changed: Set<number>): void {
    if (this.groups.get(group.sig) === group) this.groups.delete(group.sig);
    group.sig = sig;
    this.groups.set(sig, group);
    const next = new Set(cells);
    for (const c of group.cells) {
      if (next.has(c)) continue;
      this.coveredBy.get(c)?.delete(group);
      changed.add(c);
    }
    const before = new Set(group.cells);
    for (const c of cells) {
      if (before.has(c)) continue;
      this.cover(c).add(group);
      changed.add(c);
    }
    group.cells = cells;
  }

  /** Disposes a group no cell uses. */
  private retire(group: Group): void {
    if (this.groups.get(group.sig) === group) this.groups.delete(group.sig);
    for (const c of group.cells) this.coveredBy.get(c)?.delete(group);
    for (const a of group.held) this.heldBy.get(a)?.delete(group);
    group.held.clear();
    group.view.dispose();
  }

  private cover(cell: number): Set<Group> {
    let set = this.coveredBy.get(cell);
    if (!set) this.coveredBy.set(cell, (set = new Set()));
    return set;
  }

  private use(group: Group, cell: number): void {
    group.users.add(cell);
    this.groupOfCell.set(cell, group);
  }

  private read(sessionId: string, group: Group): void {
    this.readerGroup.get(sessionId)?.readers.delete(sessionId);
    group.readers.add(sessionId);
    this.readerGroup.set(sessionId, group);
  }

  /** Makes exactly the groups holding an avatar's cell hold the avatar. */
  private sync(avatar: Avatar): void {
    const want = this.coveredBy.get(this.cellOfAvatar.get(avatar)!);
    const have = this.heldBy.get(avatar);
    // releaseIn deletes the group being visited from `have`: a Set iteration allows it
    if (have) for (const group of have) if (!want?.has(group)) this.releaseIn(group, avatar);
    if (want) for (const group of want) if (!have?.has(group)) this.holdIn(group, avatar);
  }

  private holdIn(group: Group, avatar: Avatar): void {
    if (group.held.has(avatar)) return;
    if (!group.touched.has(avatar)) group.touched.set(avatar, false);
    group.held.add(avatar);
    group.view.add(avatar, NEAR_TAG);
    let holding = this.heldBy.get(avatar);
    if (!holding) this.heldBy.set(avatar, (holding = new Set()));
    holding.add(group);
  }

  private releaseIn(group: Group, avatar: Avatar): void {
    if (!group.held.delete(avatar)) return;
    if (!group.touched.has(avatar)) group.touched.set(avatar, true);
    group.view.remove(avatar, NEAR_TAG);
    this.heldBy.get(avatar)?.delete(group);
  }

  /** The patch is encoded next: what the groups hold now is what their clients will have. */
  private patched(): void {
    for (const group of this.groups.values()) group.touched.clear();
  }

  /**
   * Per-client → cells: the groups of the occupied cells are drawn, and every client's own view
   * becomes its bridge (it holds what the client has, pending additions included); after this patch
   * the client reads its cell's group.
   */
  private toCells(avatars: Iterable<Avatar>): void {
    for (const [avatar, from, to] of this.moves(avatars)) this.move(avatar, from, to);
    this.current = 'cells';
    this.switched();
    this.dirty.clear();
    for (const cell of this.members.keys()) {
      const [sig, cells] = this.signature(cell);
      this.use(this.groups.get(sig) ?? this.newGroup(sig, cells), cell);
    }
    for (const [sessionId, own] of this.own) {
      const group = this.groupOfCell.get(this.cellOfAvatar.get(own.me)!)!;
      this.bridge(sessionId, own.view, own.near, group);
    }
    this.own.clear();
    this.holders.clear();
    this.patched();
  }

  /**
   * Cells → per-client: each client gets its own view at once, holding what it received from its
   * group, then every pair is brought to the per-client rule; the groups go.
   */
  private toPerClient(avatars: Iterable<Avatar>, joined: Set<Avatar>): void {
    const had = new Map<string, Set<Avatar>>();
    for (const [sessionId, group] of this.readerGroup) had.set(sessionId, this.received(group, joined));
    for (const [avatar, from, to] of this.moves(avatars)) this.move(avatar, from, to);
    this.current = 'per-client';
    this.switched();
    for (const [sessionId, received] of had) {
      const me = this.avatarBySession.get(sessionId);
      const client = this.client(sessionId);
      if (!me || !client) continue;
      const view = new StateView();
      const own: OwnView = { view, me, near: new Set() };
      for (const a of received) this.hold(own, a);
      view.changes.clear();
      this.own.set(sessionId, own);
      client.view = view;
    }
    for (const own of this.own.values()) this.refresh(own.me);
    for (const [sessionId, own] of this.own) this.unsentWhileJoining(sessionId, own.view);
    for (const group of this.groups.values()) group.view.dispose();
    this.groups.clear();
    this.groupOfCell.clear();
    this.coveredBy.clear();
    this.heldBy.clear();
    this.readerGroup.clear();
    this.dirty.clear();
  }

  private switched(): void {
    this.switches += 1;
    this.sinceSwitch = 0;
  }

  /** The cell of an avatar's head on the floor, where interest last saw it. */
  private cellAt(avatar: Avatar): number {
    const at = this.seen.get(avatar)!;
    return key(Math.floor(at.x / this.cellM), Math.floor(at.z / this.cellM));
  }

  private *regionCells(cell: number): Generator<number> {
    const i = Math.floor(cell / 1024) - 512;
    const j = (cell % 1024) - 512;
    for (const [di, dj] of this.region) yield key(i + di, j + dj);
  }

  private regionCount(cell: number): number {
    const i = Math.floor(cell / 1024) - 512;
    const j = (cell % 1024) - 512;
    let count = 0;
    for (const [di, dj] of this.region) count += this.members.get(key(i + di, j + dj))?.size ?? 0;
    return count;
  }

  /** Puts an avatar in a cell; in cells mode a cell that becomes occupied is noted for `reconcile`. */
  private place(avatar: Avatar, cell: number): void {
    let set = this.members.get(cell);
    if (!set) {
      this.members.set(cell, (set = new Set()));
      if (this.current === 'cells') this.dirty.add(cell);
    }
    set.add(avatar);
    this.cellOfAvatar.set(avatar, cell);
  }

  private unplace(avatar: Avatar, cell: number): void {
    const set = this.members.get(cell);
    if (!set) return;
    set.delete(avatar);
    if (set.size > 0) return;
    this.members.delete(cell);
    if (this.current === 'cells') this.dirty.add(cell);
  }

  /** Moves an avatar between cells (which groups hold it follows in `updateCells`). */
  private move(avatar: Avatar, from: number, to: number): void {
    this.unplace(avatar, from);
    this.place(avatar, to);
  }

  /**
   * For one patch, the client gets `view`, a view of its own already holding what it `had` (on its
   * screen, or pending in this view): the avatars of the group it moves to are added, the others
   * removed. After the patch it reads that group's view, which then shows exactly what it has.
   */
  private bridge(sessionId: string, view: StateView, had: Set<Avatar>, to: Group): void {
    const client = this.client(sessionId);
    if (!client || !this.avatarBySession.has(sessionId)) {
      view.dispose();
      return;
    }
    for (const a of to.held) if (!had.has(a)) view.add(a, NEAR_TAG);
    for (const a of had) if (!to.held.has(a)) view.remove(a, NEAR_TAG);
    this.read(sessionId, to);
    this.unsentWhileJoining(sessionId, view);
    client.view = view;
    this.bridges.set(sessionId, view);
  }
}

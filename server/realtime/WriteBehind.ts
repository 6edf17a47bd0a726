import type { Room } from '@colyseus/core';
import { SPATIAL_SERVER } from '../../shared/protocol/spatialProtocol.ts';
import type { SpatialState } from '../../shared/schema/SpatialState.ts';
import type { RealtimeDeps } from './realtimeContext.ts';
import type { AnchorRow, ObjectRow, SpatialChanges } from './spatialStore.ts';

/**
 * Write-behind persistence of a spatial room's anchors and objects: changes are collected, written
 * in one transaction WRITE_BEHIND after the first one (debounced), and on dispose. Flushes run one
 * at a time; a failed flush puts its changes back and retries. After a commit the room broadcasts
 * `saved` with the ids written: what was acknowledged survives a restart.
 */
export class WriteBehind {
  private readonly anchors = new Map<string, string | null>();
  private readonly objects = new Set<string>();
  private readonly deletedAnchors = new Set<string>();
  private readonly deletedObjects = new Set<string>();
  private scheduled = false;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly room: Room<{ state: SpatialState }>,
    private readonly deps: RealtimeDeps,
    private readonly ownerIdentityId: string,
    private readonly xrRoomId: string,
  ) {}

  anchorChanged(id: string, createdBy: string | null): void {
    this.anchors.set(id, createdBy);
    this.schedule();
  }

  objectChanged(id: string): void {
    this.objects.add(id);
    this.schedule();
  }

  objectRemoved(id: string): void {
    this.objects.delete(id);
    this.deletedObjects.add(id);
    this.schedule();
  }

  /** Writes everything pending now; resolves once it is durable (or has failed and been re-queued). */
  flush(): Promise<void> {
    this.chain = this.chain.then(() => this.write());
    return this.chain;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.room.clock.setTimeout(() => {
      this.scheduled = false;
      void this.flush();
    }, this.deps.timings.writeBehindMs);
  }

  private async write(): Promise<void> {
    const state = this.room.state;
    const changes: SpatialChanges = { anchors: [], objects: [], deletedAnchors: [], deletedObjects: [] };
    for (const [id, createdBy] of this.anchors) {
      const a = state.anchors.get(id);
      if (!a) continue;
      const row: AnchorRow = {
        id,
        label: a.label,
        position: [a.px, a.py, a.pz],
        orientation: [a.qx, a.qy, a.qz, a.qw],
        xrAnchorId: a.xrAnchorId || null,
        createdBy,
      };
      changes.anchors.push(row);
    }
    for (const id of this.objects) {
      const o = state.objects.get(id);
      if (!o) continue;
      const row: ObjectRow = {
        id,
        kind: o.kind,
        refId: o.refId || null,
        anchorId: o.anchorId || null,
        position: [o.px, o.py, o.pz],
        orientation: [o.qx, o.qy, o.qz, o.qw],
        scale: [o.sx, o.sy, o.sz],
        data: JSON.parse(o.data) as Record<string, unknown>,
        version: o.version,
      };
      changes.objects.push(row);
    }
    changes.deletedAnchors = [...this.deletedAnchors];
    changes.deletedObjects = [...this.deletedObjects];
    const pending = {
      anchors: new Map(this.anchors),
      objects: new Set(this.objects),
      deletedAnchors: new Set(this.deletedAnchors),
      deletedObjects: new Set(this.deletedObjects),
    };
    this.anchors.clear();
    this.objects.clear();
    this.deletedAnchors.clear();
    this.deletedObjects.clear();
    const count =
      changes.anchors.length +
      changes.objects.length +
      changes.deletedAnchors.length +
      changes.deletedObjects.length;
    if (count === 0) return;
    try {
      await this.deps.store.save(this.ownerIdentityId, this.xrRoomId, changes);
      this.room.broadcast(SPATIAL_SERVER.saved, {
        anchors: changes.anchors.map((a) => a.id),
        objects: changes.objects.map((o) => ({ id: o.id, version: o.version })),
        deleted: [...changes.deletedAnchors, ...changes.deletedObjects],
      });
    } catch (error) {
      this.deps.log('room.persist_failed', { roomId: this.room.roomId, error: (error as Error).message });
      // put back what did not get written (newer changes may have arrived meanwhile) and retry
      for (const [id, by] of pending.anchors) if (!this.anchors.has(id)) this.anchors.set(id, by);
      for (const id of pending.objects) this.objects.add(id);
      for (const id of pending.deletedAnchors) this.deletedAnchors.add(id);
      for (const id of pending.deletedObjects) this.deletedObjects.add(id);
      if (this.room.clients.length > 0) this.schedule();
    }
  }
}

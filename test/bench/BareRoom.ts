import { Room, type Client } from '@colyseus/core';
import { schema, t, type SchemaType } from '@colyseus/schema';

const f = () => t.float32().default(0);

/** The bare comparison avatar: head + hands as float32, an echo stamp, nothing else. */
const BareAvatar = schema(
  {
    echo: t.uint32().default(0),
    hx: f(),
    hy: f(),
    hz: f(),
    hqx: f(),
    hqy: f(),
    hqz: f(),
    hqw: f(),
    lx: f(),
    ly: f(),
    lz: f(),
    lqx: f(),
    lqy: f(),
    lqz: f(),
    lqw: f(),
    rx: f(),
    ry: f(),
    rz: f(),
    rqx: f(),
    rqy: f(),
    rqz: f(),
    rqw: f(),
  },
  'BareAvatar',
);
type BareAvatar = SchemaType<typeof BareAvatar>;

const BareState = schema({ avatars: t.map(BareAvatar) }, 'BareState');
type BareState = SchemaType<typeof BareState>;

type Part = [number, number, number, number, number, number, number];

/**
 * The benchmark's baseline: a bare Colyseus room with the same message pattern as SpatialRoom
 * (head + hands at 20 Hz) and no auth, validation, rate limits, views or persistence.
 */
export class BareRoom extends Room<{ state: BareState }> {
  override state = new BareState();
  override patchRate = 50;
  override maxClients = 2000;

  override onCreate(): void {
    this.onMessage('pose', (client: Client, m: { h: Part; l: Part; r: Part; t?: number }) => {
      const a = this.state.avatars.get(client.sessionId);
      if (!a) return;
      [a.hx, a.hy, a.hz, a.hqx, a.hqy, a.hqz, a.hqw] = m.h;
      [a.lx, a.ly, a.lz, a.lqx, a.lqy, a.lqz, a.lqw] = m.l;
      [a.rx, a.ry, a.rz, a.rqx, a.rqy, a.rqz, a.rqw] = m.r;
      if (m.t !== undefined) a.echo = m.t;
    });
  }

  override onJoin(client: Client): void {
    this.state.avatars.set(client.sessionId, new BareAvatar());
  }

  override onLeave(client: Client): void {
    this.state.avatars.delete(client.sessionId);
  }
}

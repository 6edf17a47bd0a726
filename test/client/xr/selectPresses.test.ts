import { describe, expect, it } from 'vitest';
import { trackSelectPresses } from '../../../client/xr/selectPresses.ts';

const right = { handedness: 'right' } as XRInputSource;
const left = { handedness: 'left' } as XRInputSource;

function session() {
  const target = new EventTarget();
  const log: string[] = [];
  const stop = trackSelectPresses(target, {
    press: (s) => log.push(`press ${s.handedness}`),
    release: (s) => log.push(`release ${s.handedness}`),
  });
  const send = (type: string, inputSource: XRInputSource) =>
    target.dispatchEvent(Object.assign(new Event(type), { inputSource }));
  return { log, send, stop };
}

describe('trackSelectPresses', () => {
  it('spec order: selectstart at the press, select then selectend at the release', () => {
    const { log, send } = session();
    send('selectstart', right);
    expect(log).toEqual(['press right']);
    send('select', right);
    send('selectend', right);
    expect(log).toEqual(['press right', 'release right']);
  });

  it("IWER's order: select then selectstart at the press, only selectend at the release", () => {
    const { log, send } = session();
    send('select', right);
    send('selectstart', right);
    expect(log).toEqual(['press right']);
    send('selectend', right);
    expect(log).toEqual(['press right', 'release right']);
  });

  it('a cancelled action (selectend without select) is no release; sources are apart', () => {
    const { log, send, stop } = session();
    send('selectstart', right);
    send('selectstart', left);
    send('selectend', right);
    send('select', left);
    send('selectend', left);
    expect(log).toEqual(['press right', 'press left', 'release left']);
    stop();
    send('selectstart', right);
    send('select', right);
    send('selectend', right);
    expect(log).toHaveLength(3);
  });
});

// @vitest-environment jsdom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { micFailure, openMicrophone, VOICE_CONSTRAINTS } from '../../../client/voice/microphone.ts';
import { attachPushToTalk, PUSH_TO_TALK_KEY } from '../../../client/voice/pushToTalk.ts';
import type { SpatialAudio } from '../../../client/voice/spatialAudio.ts';
import { VoicePanel } from '../../../client/voice/VoicePanel.tsx';
import { createVoiceSession } from '../../../client/voice/voiceSession.ts';
import type { VoiceParticipant, VoiceSelf, VoiceSignal } from '../../../client/voice/VoiceSignal.ts';
import { createVoiceStore, micOpen } from '../../../client/voice/voiceStore.ts';
import { en } from '../../../client/i18n/en.ts';
import { initI18n } from '../../../client/i18n/i18n.ts';
import type { VoiceServerMessage } from '../../../shared/protocol/voiceProtocol.ts';

Object.assign(globalThis, { IS_REACT_ACT_ENVIRONMENT: true });
initI18n({ lng: 'en' });

let root: Root | undefined;
afterEach(() => {
  act(() => root?.unmount());
  root = undefined;
  document.body.innerHTML = '';
});

/** A signal that records what the session sends and lets the test play the room. */
function fakeSignal(
  self: VoiceSelf = { muted: false, role: 'participant' },
  participants: readonly VoiceParticipant[] = [],
) {
  const sent: string[] = [];
  const handlers = {
    message: new Set<(m: VoiceServerMessage) => void>(),
    self: new Set<(s: VoiceSelf) => void>(),
    participants: new Set<(p: readonly VoiceParticipant[]) => void>(),
  };
  const signal: VoiceSignal = {
    selfId: 'me',
    join: () => sent.push('join'),
    answer: () => sent.push('answer'),
    candidate: () => sent.push('candidate'),
    leave: () => sent.push('leave'),
    onMessage: (cb) => (handlers.message.add(cb), () => handlers.message.delete(cb)),
    onRefusal: () => () => undefined,
    onReconnect: () => () => undefined,
    self: () => self,
    onSelf: (cb) => (handlers.self.add(cb), () => handlers.self.delete(cb)),
    muteAll: (m) => sent.push(`muteAll:${m}`),
    mute: (id, m) => sent.push(`mute:${id}:${m}`),
    participants: () => participants,
    onParticipants: (cb) => (handlers.participants.add(cb), () => handlers.participants.delete(cb)),
  };
  return {
    signal,
    sent,
    setSelf: (s: VoiceSelf) => handlers.self.forEach((cb) => cb(s)),
    setParticipants: (p: readonly VoiceParticipant[]) => handlers.participants.forEach((cb) => cb(p)),
  };
}

const refusingMedia = (name: string) =>
  ({
    getUserMedia: () => Promise.reject(new DOMException('no', name)),
    enumerateDevices: () => Promise.resolve([]),
  }) as unknown as MediaDevices;

const noAudio = () =>
  ({
    context: { resume: () => Promise.resolve() },
    voices: () => new Map(),
    close: () => Promise.resolve(),
  }) as unknown as SpatialAudio;

describe('microphone', () => {
  it('asks for echo cancellation, noise suppression and auto gain, on the chosen device', async () => {
    const asked: MediaStreamConstraints[] = [];
    const media = {
      getUserMedia: (c: MediaStreamConstraints) => (asked.push(c), Promise.resolve({} as MediaStream)),
    } as unknown as MediaDevices;
    expect((await openMicrophone(media, 'usb-mic')).ok).toBe(true);
    expect(asked[0]!.audio).toMatchObject({ ...VOICE_CONSTRAINTS, deviceId: { exact: 'usb-mic' } });
    expect(VOICE_CONSTRAINTS).toMatchObject({
      echoCancellation: true,
      noiseSuppression: true,
      autoGainControl: true,
    });
  });

  it('names why there is no microphone instead of throwing', async () => {
    expect(await openMicrophone(undefined, null)).toEqual({ ok: false, state: 'missing' });
    expect(await openMicrophone(refusingMedia('NotAllowedError'), null)).toEqual({
      ok: false,
      state: 'denied',
    });
    expect(micFailure(new DOMException('x', 'NotFoundError'))).toBe('missing');
    expect(micFailure(new DOMException('x', 'NotReadableError'))).toBe('busy');
    expect(micFailure(new Error('strange'))).toBe('failed');
  });
});

describe('push to talk', () => {
  it('opens the microphone only while the key is held, never while typing, and lets go on blur', () => {
    const store = createVoiceStore();
    store.setState({ mic: 'ok', pushToTalk: true });
    const off = attachPushToTalk(store, window);
    expect(micOpen(store.getState())).toBe(false);
    window.dispatchEvent(new KeyboardEvent('keydown', { code: PUSH_TO_TALK_KEY }));
    expect(micOpen(store.getState())).toBe(true);
    window.dispatchEvent(new KeyboardEvent('keyup', { code: PUSH_TO_TALK_KEY }));
    expect(store.getState().talking).toBe(false);
    const input = document.body.appendChild(document.createElement('input'));
    input.dispatchEvent(new KeyboardEvent('keydown', { code: PUSH_TO_TALK_KEY, bubbles: true }));
    expect(store.getState().talking).toBe(false);
    window.dispatchEvent(new KeyboardEvent('keydown', { code: PUSH_TO_TALK_KEY }));
    window.dispatchEvent(new Event('blur'));
    expect(store.getState().talking).toBe(false);
    off();
  });

  it('keeps the microphone closed when muted, whatever the key', () => {
    expect(micOpen({ mic: 'ok', muted: true, pushToTalk: true, talking: true })).toBe(false);
    expect(micOpen({ mic: 'denied', muted: false, pushToTalk: false, talking: false })).toBe(false);
    expect(micOpen({ mic: 'ok', muted: false, pushToTalk: false, talking: false })).toBe(true);
  });
});

describe('voice lobby', () => {
  it('says the microphone is blocked, and still joins, muted and listening', async () => {
    const store = createVoiceStore();
    const { signal, sent } = fakeSignal();
    const session = createVoiceSession(signal, store, refusingMedia('NotAllowedError'), noAudio);
    const container = document.body.appendChild(document.createElement('div'));
    root = createRoot(container);
    await act(async () => root!.render(<VoicePanel store={store} session={session} />));
    await act(async () => undefined);
    expect(container.querySelector('[role="alert"]')!.textContent).toBe(en.voice.mic.denied);
    const join = [...container.querySelectorAll('button')].find((b) => b.textContent === en.voice.join)!;
    await act(async () => join.click());
    expect(sent).toEqual(['join']);
    expect(store.getState()).toMatchObject({ phase: 'joining', muted: true, mic: 'denied' });
    session.dispose();
  });

  it('shows a moderator "mute everyone" and a host mute as the room says', async () => {
    const store = createVoiceStore();
    const { signal, sent, setSelf } = fakeSignal({ muted: false, role: 'host' });
    const session = createVoiceSession(signal, store, refusingMedia('NotFoundError'), noAudio);
    store.setState({ phase: 'live' });
    const container = document.body.appendChild(document.createElement('div'));
    root = createRoot(container);
    await act(async () => root!.render(<VoicePanel store={store} session={session} />));
    const muteAll = [...container.querySelectorAll('button')].find(
      (b) => b.textContent === en.voice.muteAll,
    )!;
    await act(async () => muteAll.click());
    expect(sent).toContain('muteAll:true');
    await act(async () => setSelf({ muted: true, role: 'participant' }));
    expect(container.textContent).toContain(en.voice.mutedByHost);
    expect([...container.querySelectorAll('button')].some((b) => b.textContent === en.voice.muteAll)).toBe(
      false,
    );
    session.dispose();
  });

  it("lets a moderator mute and unmute one person (all of that person's devices), never the host", async () => {
    const seat = (
      sessionId: string,
      identityId: string,
      displayName: string,
      role: VoiceParticipant['role'],
    ) => ({ sessionId, identityId, displayName, role, muted: false, speaking: false }) as VoiceParticipant;
    const bobPhone = seat('s-bob-1', 'bob', 'Bob', 'participant');
    const bobHeadset = seat('s-bob-2', 'bob', 'Bob', 'participant');
    const host = seat('s-host', 'hana', 'Hana', 'host');
    const { signal, sent, setParticipants } = fakeSignal({ muted: false, role: 'moderator' }, [
      bobPhone,
      bobHeadset,
      host,
    ]);
    const store = createVoiceStore();
    const session = createVoiceSession(signal, store, refusingMedia('NotFoundError'), noAudio);
    const container = document.body.appendChild(document.createElement('div'));
    root = createRoot(container);
    await act(async () => root!.render(<VoicePanel store={store} session={session} />));
    const buttons = () => [...container.querySelectorAll('button')].map((b) => b.textContent);
    const press = (label: string) =>
      act(async () =>
        [...container.querySelectorAll('button')].find((b) => b.textContent === label)!.click(),
      );
    // one row per person: Bob once for his two devices, the host without a mute button
    expect(container.querySelectorAll('.voice-people li')).toHaveLength(2);
    expect(buttons()).toContain('Mute Bob');
    expect(buttons().some((b) => b?.includes('Hana'))).toBe(false);
    await press('Mute Bob');
    expect(sent).toContain('mute:s-bob-1:true');
    // the room's state says Bob is muted (and speaking is off): the button lifts it
    await act(async () =>
      setParticipants([{ ...bobPhone, muted: true }, { ...bobHeadset, muted: true }, host]),
    );
    expect(container.querySelector('.voice-people li[data-muted="true"]')!.textContent).toContain(
      en.voice.muted,
    );
    await press('Unmute Bob');
    expect(sent).toContain('mute:s-bob-1:false');
    await press(en.voice.unmuteAll);
    expect(sent).toContain('muteAll:false');
    session.dispose();
  });
});

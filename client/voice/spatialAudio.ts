/**
 * The room's voices as positioned sound: each remote voice goes through a PannerNode (HRTF, inverse
 * distance) placed at that participant's head, the AudioListener at the local head; the meeting's
 * current speaker is heard room-wide (no distance roll-off, still from where they stand). Vanilla Web
 * Audio: VoiceAudio.tsx moves the nodes every frame without allocating.
 */

/** Distance (m) under which a voice is at full level; it halves at twice this distance (inverse law). */
const REF_DISTANCE_M = 1.5;

interface Voice {
  sessionId: string;
  readonly element: HTMLAudioElement;
  readonly source: MediaStreamAudioSourceNode;
  readonly panner: PannerNode;
  roomWide: boolean;
}

/** Energy readings behind one voice's panner, for tests and diagnostics. */
export interface VoiceProbe {
  /** RMS of the panned signal, both channels. */
  level(): number;
  left(): number;
  right(): number;
}

export interface SpatialAudio {
  readonly context: AudioContext;
  /** Plays `track` (arriving on m-line `mid`) as `sessionId`'s voice, replacing what `mid` carried. */
  setVoice(mid: string, sessionId: string, track: MediaStreamTrack): void;
  removeVoice(mid: string): void;
  /** Voices currently played: mid → session id. */
  voices(): ReadonlyMap<string, string>;
  /** The sessions heard room-wide (the meeting's current speaker). */
  setRoomWide(sessionIds: ReadonlySet<string>): void;
  /** Places the listener: a camera's world matrix (column-major, three.js `matrixWorld.elements`); a matrix with a non-finite entry is skipped. */
  placeListener(m: ArrayLike<number>): void;
  /** Places `sessionId`'s voice (every m-line carrying it) at its head position; a non-finite position is skipped. */
  placeVoice(sessionId: string, x: number, y: number, z: number): void;
  /** Visits each played voice's session id (per frame, no allocation). */
  forEachSession(cb: (sessionId: string) => void): void;
  /** Taps a voice after its panner (a channel splitter and analysers), made on first ask. */
  probe(sessionId: string): VoiceProbe | undefined;
  close(): Promise<void>;
}

const setParam = (param: AudioParam, value: number, at: number) => {
  // a per-frame target, not an automation: setValueAtTime replaces what the last frame set
  param.setValueAtTime(value, at);
};

/** The listener matrix entries placeListener reads (position, forward, up). */
const LISTENER_ENTRIES = [12, 13, 14, 8, 9, 10, 4, 5, 6] as const;

/**
 * Whether a placement is all finite numbers. An AudioParam throws on a non-finite value (and the
 * legacy setters do too), so a pose that is not whole is skipped: the node stays where it last was.
 */
const finite3 = (x: number, y: number, z: number) =>
  Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(z);

export function createSpatialAudio(context: AudioContext = new AudioContext()): SpatialAudio {
  const master = context.createGain();
  master.connect(context.destination);
  const byMid = new Map<string, Voice>();
  const sessions = new Map<string, string>();
  let roomWide: ReadonlySet<string> = new Set();
  const probes = new Map<string, { voice: Voice; probe: VoiceProbe }>();

  const applyRoomWide = (voice: Voice) => {
    voice.roomWide = roomWide.has(voice.sessionId);
    voice.panner.rolloffFactor = voice.roomWide ? 0 : 1;
  };

  const removeVoice = (mid: string) => {
    const voice = byMid.get(mid);
    if (!voice) return;
    byMid.delete(mid);
    sessions.delete(mid);
    voice.source.disconnect();
    voice.panner.disconnect();
    voice.element.srcObject = null;
    for (const [id, p] of probes) if (p.voice === voice) probes.delete(id);
  };

  return {
    context,
    setVoice(mid, sessionId, track) {
      const current = byMid.get(mid);
      if (current && current.source.mediaStream.getAudioTracks()[0] === track) {
        current.sessionId = sessionId;
        sessions.set(mid, sessionId);
        applyRoomWide(current);
        return;
      }
      removeVoice(mid);
      const stream = new MediaStream([track]);
      // Chromium feeds a remote track to Web Audio only while a media element plays it (muted is fine)
      const element = new Audio();
      element.muted = true;
      element.srcObject = stream;
      void element.play().catch(() => undefined);
      const source = context.createMediaStreamSource(stream);
      const panner = new PannerNode(context, {
        panningModel: 'HRTF',
        distanceModel: 'inverse',
        refDistance: REF_DISTANCE_M,
        maxDistance: 10_000,
        rolloffFactor: 1,
      });
      source.connect(panner).connect(master);
      const voice: Voice = { sessionId, element, source, panner, roomWide: false };
      byMid.set(mid, voice);
      sessions.set(mid, sessionId);
      applyRoomWide(voice);
    },
    removeVoice,
    voices: () => sessions,
    setRoomWide(ids) {
      roomWide = ids;
      for (const voice of byMid.values()) applyRoomWide(voice);
    },
    placeListener(m) {
      for (const i of LISTENER_ENTRIES) if (!Number.isFinite(m[i])) return;
      const l = context.listener;
      const at = context.currentTime;
      if (l.positionX) {
        setParam(l.positionX, m[12]!, at);
        setParam(l.positionY, m[13]!, at);
        setParam(l.positionZ, m[14]!, at);
        // a camera looks down its -Z axis; its Y axis is up
        setParam(l.forwardX, -m[8]!, at);
        setParam(l.forwardY, -m[9]!, at);
        setParam(l.forwardZ, -m[10]!, at);
        setParam(l.upX, m[4]!, at);
        setParam(l.upY, m[5]!, at);
        setParam(l.upZ, m[6]!, at);
      } else {
        l.setPosition(m[12]!, m[13]!, m[14]!);
        l.setOrientation(-m[8]!, -m[9]!, -m[10]!, m[4]!, m[5]!, m[6]!);
      }
    },
    placeVoice(sessionId, x, y, z) {
      if (!finite3(x, y, z)) return;
      const at = context.currentTime;
      for (const voice of byMid.values()) {
        if (voice.sessionId !== sessionId) continue;
        setParam(voice.panner.positionX, x, at);
        setParam(voice.panner.positionY, y, at);
        setParam(voice.panner.positionZ, z, at);
      }
    },
    forEachSession(cb) {
      for (const voice of byMid.values()) cb(voice.sessionId);
    },
    probe(sessionId) {
      const known = probes.get(sessionId);
      if (known && byMid.get([...sessions].find(([, s]) => s === sessionId)?.[0] ?? '') === known.voice) {
        return known.probe;
      }
      const voice = [...byMid.values()].find((v) => v.sessionId === sessionId);
      if (!voice) return undefined;
      const splitter = context.createChannelSplitter(2);
      const [left, right] = [context.createAnalyser(), context.createAnalyser()];
      left.fftSize = right.fftSize = 2048;
      voice.panner.connect(splitter);
      splitter.connect(left, 0);
      splitter.connect(right, 1);
      const rms = (a: AnalyserNode) => {
        const data = new Float32Array(a.fftSize);
        a.getFloatTimeDomainData(data);
        let sum = 0;
        for (const v of data) sum += v * v;
        return Math.sqrt(sum / data.length);
      };
      const probe: VoiceProbe = {
        left: () => rms(left),
        right: () => rms(right),
        level: () => Math.hypot(rms(left), rms(right)),
      };
      probes.set(sessionId, { voice, probe });
      return probe;
    },
    async close() {
      for (const mid of [...byMid.keys()]) removeVoice(mid);
      await context.close();
    },
  };
}

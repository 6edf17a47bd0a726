import { canModerate } from '../../shared/protocol/roomRules.ts';
import type { VoiceServerMessage } from '../../shared/protocol/voiceProtocol.ts';
import { roomRefusal } from '../i18n/uiError.ts';
import { listMicrophones, openMicrophone, stopStream } from './microphone.ts';
import { createSpatialAudio, type SpatialAudio } from './spatialAudio.ts';
import type { VoiceSignal } from './VoiceSignal.ts';
import { micOpen, type VoiceStore } from './voiceStore.ts';

type Offer = Extract<VoiceServerMessage, { kind: 'offer' }>;

/** The local participant's voice in one room: microphone, peer connection, remote voices. */
export interface VoiceSession {
  /** Opens the microphone for the lobby's check (and the session after it); null when refused. */
  preview(): Promise<MediaStream | null>;
  /** Joins the room's voice, with the microphone when it opens (else muted, with the reason). */
  join(options: { muted: boolean }): Promise<void>;
  /** Leaves the voice (the room connection stays); back to the lobby. */
  leave(): void;
  /** Switches the input device (the current microphone keeps sending until the new one opens). */
  setDevice(deviceId: string | null): Promise<void>;
  /** The open microphone, for the meters. */
  microphone(): MediaStream | null;
  /** The spatial audio once joined (VoiceAudio places it every frame). */
  audio(): SpatialAudio | null;
  /** A moderator's "mute everyone" (the room refuses it from anyone else). */
  muteAll(muted: boolean): void;
  /** A moderator's mute of one person (all its devices; the room refuses it from anyone else). */
  mute(sessionId: string, muted: boolean): void;
  /** The media connection, for diagnostics (getStats) and end-to-end tests. */
  peerConnection(): RTCPeerConnection | null;
  dispose(): void;
}

/**
 * The voice session of a room connection: the SFU offers, this answers (publishing the microphone
 * on the m-line the offer names, playing every other m-line as the voice of the session the offer
 * maps it to), trickles ICE candidates, and gates the microphone track on mute, push-to-talk and a
 * moderator's mute. It joins again by itself when the room connection comes back after a drop.
 */
export function createVoiceSession(
  signal: VoiceSignal,
  store: VoiceStore,
  media: MediaDevices | undefined = globalThis.navigator?.mediaDevices,
  makeAudio: () => SpatialAudio = () => createSpatialAudio(),
): VoiceSession {
  let mic: MediaStream | null = null;
  let pc: RTCPeerConnection | null = null;
  let publishTx: RTCRtpTransceiver | null = null;
  let audio: SpatialAudio | null = null;
  let wantLive = false;
  let offers = Promise.resolve();

  const gate = () => {
    const track = mic?.getAudioTracks()[0];
    const s = store.getState();
    if (track) track.enabled = micOpen(s) && !s.mutedByHost;
  };

  const refreshDevices = async () => {
    store.setState({ devices: await listMicrophones(media).catch(() => []) });
  };

  const openMic = async (deviceId: string | null): Promise<MediaStream | null> => {
    const result = await openMicrophone(media, deviceId);
    if (!result.ok) {
      store.setState({ mic: result.state });
      return null;
    }
    store.setState({ mic: 'ok' });
    void refreshDevices();
    return result.stream;
  };

  const closePc = () => {
    pc?.close();
    pc = null;
    publishTx = null;
    for (const mid of [...(audio?.voices().keys() ?? [])]) audio?.removeVoice(mid);
  };

  const answer = async (offer: Offer) => {
    if (!wantLive) return;
    if (!pc) {
      pc = new RTCPeerConnection({ iceServers: offer.iceServers, bundlePolicy: 'max-bundle' });
      const own = pc;
      own.onicecandidate = (e) => {
        if (e.candidate && pc === own) signal.candidate(e.candidate.toJSON());
      };
      own.onconnectionstatechange = () => {
        if (pc === own && own.connectionState === 'failed') {
          store.setState({
            error: { code: 'voice.connection_failed', message: 'the media connection failed' },
          });
        }
      };
    }
    await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
    const live = new Set<string>();
    for (const tx of pc.getTransceivers()) {
      if (tx.mid === null || tx.currentDirection === 'stopped') continue;
      try {
        if (tx.mid === offer.publishMid) {
          const track = mic?.getAudioTracks()[0] ?? null;
          await tx.sender.replaceTrack(track);
          tx.direction = track ? 'sendonly' : 'inactive';
          publishTx = tx;
          continue;
        }
        const speaker = offer.tracks[tx.mid];
        tx.direction = speaker ? 'recvonly' : 'inactive';
        if (!speaker) continue;
        audio!.setVoice(tx.mid, speaker, tx.receiver.track);
        live.add(tx.mid);
      } catch {
        // an m-line the offer just stopped: nothing to play on it
      }
    }
    for (const mid of [...audio!.voices().keys()]) if (!live.has(mid)) audio!.removeVoice(mid);
    await pc.setLocalDescription(await pc.createAnswer());
    signal.answer(offer.revision, pc.localDescription!.sdp);
    store.setState({ phase: 'live', error: null });
    gate();
  };

  const offs = [
    signal.onMessage((m) => {
      if (m.kind === 'offer') {
        offers = offers
          .then(() => answer(m))
          .catch((error: unknown) => {
            store.setState({ error: { code: 'voice.failed', message: (error as Error).message } });
          });
        return;
      }
      if (m.kind === 'floor') {
        audio?.setRoomWide(new Set(m.speakers));
        return;
      }
      // the server ended the session (left, removed, SFU lost); a dropped connection never hears
      // this and joins again when it is back (onReconnect)
      closePc();
      if (wantLive) {
        wantLive = false;
        store.setState({ phase: 'lobby', error: { code: 'voice.ended', message: m.reason } });
      }
    }),
    signal.onRefusal((e) => {
      if (e.type === 'voiceJoin') {
        wantLive = false;
        store.setState({ phase: 'lobby' });
      }
      store.setState({ error: roomRefusal(e) });
    }),
    signal.onReconnect(() => {
      if (!wantLive) return;
      closePc();
      store.setState({ phase: 'joining' });
      signal.join();
    }),
    signal.onParticipants((others) => store.setState({ others })),
    signal.onSelf((self) => {
      store.setState({
        mutedByHost: self.muted,
        canModerate: canModerate(self.role),
        others: signal.participants(),
      });
      gate();
    }),
    store.subscribe((s, prev) => {
      if (s.muted !== prev.muted || s.pushToTalk !== prev.pushToTalk || s.talking !== prev.talking) gate();
    }),
  ];
  const self = signal.self();
  store.setState({
    mutedByHost: self.muted,
    canModerate: canModerate(self.role),
    others: signal.participants(),
  });

  return {
    async preview() {
      mic ??= await openMic(store.getState().deviceId);
      gate();
      return mic;
    },
    async join({ muted }) {
      wantLive = true;
      store.setState({ phase: 'joining', error: null, muted: muted || store.getState().muted });
      audio ??= makeAudio();
      await audio.context.resume().catch(() => undefined);
      mic ??= await openMic(store.getState().deviceId);
      // no microphone (refused, missing, busy): enter muted, listening
      if (!mic) store.setState({ muted: true });
      gate();
      signal.join();
    },
    leave() {
      wantLive = false;
      signal.leave();
      closePc();
      store.setState({ phase: 'lobby', talking: false });
    },
    async setDevice(deviceId) {
      store.setState({ deviceId });
      const next = await openMic(deviceId);
      if (!next) return;
      const hadMic = mic !== null;
      stopStream(mic);
      mic = next;
      gate();
      if (publishTx && hadMic) {
        await publishTx.sender.replaceTrack(next.getAudioTracks()[0] ?? null);
      } else if (wantLive) {
        // the session was negotiated without a microphone: join again to publish one
        closePc();
        store.setState({ phase: 'joining' });
        signal.join();
      }
    },
    microphone: () => mic,
    audio: () => audio,
    muteAll: (muted) => signal.muteAll(muted),
    mute: (sessionId, muted) => signal.mute(sessionId, muted),
    peerConnection: () => pc,
    dispose() {
      for (const off of offs) off();
      wantLive = false;
      closePc();
      stopStream(mic);
      mic = null;
      void audio?.close().catch(() => undefined);
      audio = null;
    },
  };
}

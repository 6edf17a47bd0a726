import ipaddr from 'ipaddr.js';
import { RTCPeerConnection, RTCRtpCodecParameters, useAudioLevelIndication, useSdesMid } from 'werift';

/** Where an SFU's media sockets bind and what clients are told to reach. */
export interface SfuNetwork {
  bindAddress: string;
  announcedAddress: string;
  portRange?: [number, number];
}

/**
 * A participant's peer connection on the SFU: Opus only, the MID and RFC 6464 audio-level header
 * extensions, one BUNDLEd transport, IPv4 sockets bound to `bindAddress` (a port of `portRange`),
 * offering `announcedAddress`.
 */
export function createSfuPeerConnection({
  bindAddress,
  announcedAddress,
  portRange,
}: SfuNetwork): RTCPeerConnection {
  return new RTCPeerConnection({
    codecs: {
      audio: [
        new RTCRtpCodecParameters({
          mimeType: 'audio/opus',
          clockRate: 48_000,
          channels: 2,
          parameters: 'minptime=10;useinbandfec=1',
        }),
      ],
    },
    headerExtensions: { audio: [useSdesMid(), useAudioLevelIndication()] },
    bundlePolicy: 'max-bundle',
    iceUseIpv4: true,
    iceUseIpv6: false,
    iceInterfaceAddresses: { udp4: bindAddress },
    iceAdditionalHostAddresses: [announcedAddress],
    ...(portRange ? { icePortRange: portRange } : {}),
  });
}

/** Resolves once the connection gathered its candidates (at once when it already has). */
export function gathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const { unSubscribe } = pc.iceGatheringStateChange.subscribe((state) => {
      if (state !== 'complete') return;
      unSubscribe();
      resolve();
    });
  });
}

/** Keeps only the host candidates on the announced address (werift also lists every interface). */
export function onlyCandidatesOf(sdp: string, address: string): string {
  return sdp
    .split('\r\n')
    .filter((line) => !line.startsWith('a=candidate:') || line.split(' ')[4] === address)
    .join('\r\n');
}

/** ICE candidates one client may name per session: trickled, or inside one answer. */
export const MAX_CANDIDATES = 32;

/**
 * Why an answer does not answer the offer (werift takes any text): it must be an SDP with the
 * offer's m-lines (same mids, same order), the ICE and DTLS parameters a connection needs, and valid
 * candidates naming at most MAX_CANDIDATES transport addresses.
 */
export function answerMismatch(offer: string, answer: string): string | undefined {
  const mids = (sdp: string) => [...sdp.matchAll(/^a=mid:(\S+)\r?$/gm)].map((m) => m[1]);
  if (!answer.startsWith('v=0')) return 'not an SDP';
  const [offered, answered] = [mids(offer), mids(answer)];
  if (offered.join(' ') !== answered.join(' ')) return 'its m-lines are not the offer’s';
  for (const field of ['a=ice-ufrag:', 'a=ice-pwd:', 'a=fingerprint:']) {
    if (!answer.includes(field)) return `no ${field.slice(2, -1)}`;
  }
  // candidates inside the answer are targets too: as bounded and as checked as trickled ones. A
  // BUNDLEd answer repeats its candidates in every m-line (werift does, with one m-line per speaker):
  // what is bounded is the distinct transport addresses, and the lines at MAX_CANDIDATES per m-line
  const candidates = answer.split(/\r?\n/).filter((line) => line.startsWith('a=candidate:'));
  if (candidates.length > MAX_CANDIDATES * Math.max(1, offered.length)) return 'too many ICE candidates';
  const targets = new Set<string>();
  for (const line of candidates) {
    const problem = candidateMismatch(line.slice(2).trim());
    if (problem) return `an invalid ICE candidate (${problem})`;
    const [, , transport, , address, port] = line.split(' ');
    targets.add(`${transport!.toLowerCase()} ${address!.toLowerCase()} ${port}`);
  }
  if (targets.size > MAX_CANDIDATES) return 'too many ICE candidates';
  return undefined;
}

const CANDIDATE_TYPES = new Set(['host', 'srflx', 'prflx', 'relay']);

/**
 * Why a trickled ICE candidate is not one (werift takes any text): RFC 8839's
 * `candidate:<foundation> <component> <udp|tcp> <priority> <address> <port> typ <type> …`, the
 * address an IP or a browser's mDNS name (`<uuid>.local`, which stays unresolved here).
 */
export function candidateMismatch(candidate: string): string | undefined {
  const [head, component, transport, priority, address, port, typ, type] = candidate.split(' ');
  if (!head || !/^candidate:[A-Za-z0-9+/]{1,32}$/.test(head)) return 'no candidate foundation';
  if (!component || !/^\d{1,3}$/.test(component) || Number(component) < 1 || Number(component) > 256)
    return 'no component id';
  if (!transport || !/^(udp|tcp)$/i.test(transport)) return 'not a UDP or TCP candidate';
  if (!priority || !/^\d{1,10}$/.test(priority)) return 'no priority';
  if (!address || !(ipaddr.isValid(address) || /^[A-Za-z0-9-]{1,63}\.local$/.test(address)))
    return 'not an IP address or mDNS name';
  if (!port || !/^\d{1,5}$/.test(port) || Number(port) > 65_535) return 'no port';
  if (typ !== 'typ' || !type || !CANDIDATE_TYPES.has(type)) return 'no candidate type';
  return undefined;
}

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

/**
 * Why an answer does not answer the offer (werift takes any text): it must be an SDP with the
 * offer's m-lines (same mids, same order) and the ICE and DTLS parameters a connection needs.
 */
export function answerMismatch(offer: string, answer: string): string | undefined {
  const mids = (sdp: string) => [...sdp.matchAll(/^a=mid:(\S+)\r?$/gm)].map((m) => m[1]);
  if (!answer.startsWith('v=0')) return 'not an SDP';
  const [offered, answered] = [mids(offer), mids(answer)];
  if (offered.join(' ') !== answered.join(' ')) return 'its m-lines are not the offer’s';
  for (const field of ['a=ice-ufrag:', 'a=ice-pwd:', 'a=fingerprint:']) {
    if (!answer.includes(field)) return `no ${field.slice(2, -1)}`;
  }
  return undefined;
}

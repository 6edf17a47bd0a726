/**
 * The ICE servers a voice session gets: STUN as configured, TURN with coturn's REST credential
 * (use-auth-secret: username `<expiry unix s>:<user>`, password base64 HMAC-SHA1 of it under
 * static-auth-secret). The expected password below was computed with openssl, apart from this code:
 *   printf '%s' '1700003600:ident-1' | openssl dgst -sha1 -hmac 'coturn-static-auth-secret' -binary | base64
 */
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../server/env.ts';
import { turnCredential, voiceOptionsOf, VoiceService } from '../../server/voice/VoiceService.ts';

const SECRET = 'coturn-static-auth-secret';
const NOW_MS = 1_700_000_000_000;

describe('voice ICE servers', () => {
  it("builds coturn's time-limited TURN credential", () => {
    expect(turnCredential(SECRET, 'ident-1', 3600, NOW_MS)).toEqual({
      username: '1700003600:ident-1',
      credential: 't4w9gQ4ZSyfp0v7w/IBoYgnWwag=',
    });
  });

  it('hands each session STUN and its own TURN credential, from the environment', () => {
    const env = parseEnv({
      CHENU_SFU_URLS: 'ws://127.0.0.1:7000',
      CHENU_SFU_SECRET: 'x'.repeat(32),
      CHENU_ICE_STUN_URLS: 'stun:stun.example.org:3478',
      CHENU_ICE_TURN_URLS:
        'turn:turn.example.org:3478?transport=udp, turns:turn.example.org:5349?transport=tcp',
      CHENU_ICE_TURN_SECRET: SECRET,
      CHENU_ICE_TURN_TTL: '3600',
    });
    const service = new VoiceService(voiceOptionsOf(env)!, () => {});
    const servers = service.iceServers('ident-1', NOW_MS);
    expect(servers).toEqual([
      { urls: ['stun:stun.example.org:3478'] },
      {
        urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349?transport=tcp'],
        username: '1700003600:ident-1',
        credential: 't4w9gQ4ZSyfp0v7w/IBoYgnWwag=',
      },
    ]);
    // another identity, another credential
    expect(service.iceServers('ident-2', NOW_MS)[1]!.credential).not.toBe(servers[1]!.credential);
    service.stop();
  });

  it('refuses TURN URLs without the secret, and URLs that are not STUN or TURN', () => {
    expect(() => parseEnv({ CHENU_ICE_TURN_URLS: 'turn:turn.example.org:3478' })).toThrow(
      /CHENU_ICE_TURN_SECRET/,
    );
    expect(() => parseEnv({ CHENU_ICE_STUN_URLS: 'http://stun.example.org' })).toThrow(/CHENU_ICE_STUN_URLS/);
    expect(() => parseEnv({ CHENU_ICE_TURN_URLS: 'stun:x', CHENU_ICE_TURN_SECRET: SECRET })).toThrow(
      /CHENU_ICE_TURN_URLS/,
    );
  });
});

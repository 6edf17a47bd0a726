/**
 * The app's deep links, built in one place: a dataspace's room, a thread in it, a meeting, a share
 * link, the bureau. The router (AppRoutes.tsx) declares the same patterns.
 */
export const paths = {
  home: () => '/',
  signUp: () => '/signup',
  onboarding: () => '/onboarding',
  bureau: () => '/bureau',
  plans: () => '/plans',
  dataspace: (dataspaceId: string) => `/d/${dataspaceId}`,
  thread: (dataspaceId: string, threadId: string) => `/d/${dataspaceId}/t/${threadId}`,
  meeting: (meetingId: string) => `/m/${meetingId}`,
  join: (link: string) => `/join/${link}`,
} as const;

export const ROUTE_PATTERNS = {
  home: '/',
  signUp: '/signup',
  onboarding: '/onboarding',
  bureau: '/bureau',
  plans: '/plans',
  dataspace: '/d/:dataspaceId',
  thread: '/d/:dataspaceId/t/:threadId',
  meeting: '/m/:meetingId',
  join: '/join/:link',
} as const;

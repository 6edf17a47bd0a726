import { lazy, Suspense } from 'react';
import { Route, Routes } from 'react-router';
import { BureauScreen } from '../bureau/BureauScreen.tsx';
import { HomeScreen } from '../home/HomeScreen.tsx';
import { OnboardingScreen } from '../onboarding/OnboardingScreen.tsx';
import { PlansScreen } from '../plans/PlansScreen.tsx';
import { JoinScreen } from '../session/JoinScreen.tsx';
import { RequireSession } from '../session/RequireSession.tsx';
import { SignUpScreen } from '../session/SignUpScreen.tsx';
import { NotFoundScreen } from './NotFoundScreen.tsx';
import { ROUTE_PATTERNS } from './routes.ts';
import { Splash } from './Splash.tsx';

// the room (three, R3F, its stores and HUD) is its own chunk: the 2D screens load without it
const RoomRoute = lazy(() => import('../room/RoomRoute.tsx'));

/**
 * Every screen by URL. Screens that need a session show the sign-in form in place when there is
 * none, so a deep link opens where it points once the person has signed in; the room routes share
 * one element so moving between a dataspace, its threads and a meeting keeps the room joined.
 */
export function AppRoutes() {
  const room = (
    <RequireSession>
      <Suspense fallback={<Splash />}>
        <RoomRoute />
      </Suspense>
    </RequireSession>
  );
  return (
    <Routes>
      <Route
        path={ROUTE_PATTERNS.home}
        element={
          <RequireSession>
            <HomeScreen />
          </RequireSession>
        }
      />
      <Route path={ROUTE_PATTERNS.signUp} element={<SignUpScreen />} />
      <Route
        path={ROUTE_PATTERNS.onboarding}
        element={
          <RequireSession onboarding>
            <OnboardingScreen />
          </RequireSession>
        }
      />
      <Route
        path={ROUTE_PATTERNS.bureau}
        element={
          <RequireSession>
            <BureauScreen />
          </RequireSession>
        }
      />
      <Route
        path={ROUTE_PATTERNS.plans}
        element={
          <RequireSession>
            <PlansScreen />
          </RequireSession>
        }
      />
      <Route path={ROUTE_PATTERNS.dataspace} element={room} />
      <Route path={ROUTE_PATTERNS.thread} element={room} />
      <Route path={ROUTE_PATTERNS.meeting} element={room} />
      <Route path={ROUTE_PATTERNS.join} element={<JoinScreen />} />
      <Route path="*" element={<NotFoundScreen />} />
    </Routes>
  );
}

// Every page of the SPA: public pages at the root, the account area under /account, the console under /admin.
import { lazy, Suspense } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { AccountApiKeysPage } from '../features/account/AccountApiKeysPage';
import { AccountSessionsPage } from '../features/account/AccountSessionsPage';
import { PasswordPage } from '../features/account/PasswordPage';
import { ProfilePage } from '../features/account/ProfilePage';
import { SecurityPage } from '../features/account/SecurityPage';
import { ApiKeysPage } from '../features/api-keys/ApiKeysPage';
import { RequireAuth } from '../features/auth/RequireAuth';
import { EventsPage } from '../features/events/EventsPage';
import { GroupsPage } from '../features/groups/GroupsPage';
import { InvitationsPage } from '../features/invitations/InvitationsPage';
import { MailOutboxPage } from '../features/mail/MailOutboxPage';
import { OrganizationsPage } from '../features/organizations/OrganizationsPage';
import { AcceptInvitationPage } from '../features/public/AcceptInvitationPage';
import { ForgotPasswordPage } from '../features/public/ForgotPasswordPage';
import { RegisterPage } from '../features/public/RegisterPage';
import { ResetPasswordPage } from '../features/public/ResetPasswordPage';
import { VerifyEmailPage } from '../features/public/VerifyEmailPage';
import { RolesPage } from '../features/roles/RolesPage';
import { SessionsPage } from '../features/sessions/SessionsPage';
import { SettingsPage } from '../features/settings/SettingsPage';
import { SignInPage } from '../features/sign-in/SignInPage';
import { UserCreatePage } from '../features/users/UserCreatePage';
import { UserDetailPage } from '../features/users/UserDetailPage';
import { UsersPage } from '../features/users/UsersPage';
import { AccountLayout } from './layout/AccountLayout';
import { AdminLayout } from './layout/AdminLayout';
import { NotFoundPage } from './NotFoundPage';
import { Loading } from './states';

// Charts are the heaviest dependency and only this page draws them: load it on demand.
const StatsPage = lazy(() => import('../features/stats/StatsPage').then((module) => ({ default: module.StatsPage })));

export const router = createBrowserRouter([
  { path: '/', element: <SignInPage /> },
  { path: '/register', element: <RegisterPage /> },
  { path: '/forgot-password', element: <ForgotPasswordPage /> },
  { path: '/reset-password', element: <ResetPasswordPage /> },
  { path: '/verify-email', element: <VerifyEmailPage /> },
  { path: '/invitations/:token', element: <AcceptInvitationPage /> },
  { path: '/invite', element: <AcceptInvitationPage /> },
  {
    path: '/account',
    element: (
      <RequireAuth>
        <AccountLayout />
      </RequireAuth>
    ),
    children: [
      { index: true, element: <ProfilePage /> },
      { path: 'password', element: <PasswordPage /> },
      { path: 'security', element: <SecurityPage /> },
      { path: 'sessions', element: <AccountSessionsPage /> },
      { path: 'api-keys', element: <AccountApiKeysPage /> },
    ],
  },
  {
    path: '/admin',
    element: (
      <RequireAuth console>
        <AdminLayout />
      </RequireAuth>
    ),
    children: [
      { index: true, element: <Navigate to="/admin/users" replace /> },
      { path: 'users', element: <UsersPage /> },
      { path: 'users/new', element: <UserCreatePage /> },
      { path: 'users/:id/*', element: <UserDetailPage /> },
      { path: 'groups', element: <GroupsPage /> },
      { path: 'roles', element: <RolesPage /> },
      { path: 'organizations', element: <OrganizationsPage /> },
      { path: 'invitations', element: <InvitationsPage /> },
      { path: 'sessions', element: <SessionsPage /> },
      { path: 'api-keys', element: <ApiKeysPage /> },
      { path: 'events', element: <EventsPage /> },
      { path: 'settings', element: <SettingsPage /> },
      { path: 'mail', element: <MailOutboxPage /> },
      {
        path: 'stats',
        element: (
          <Suspense fallback={<Loading />}>
            <StatsPage />
          </Suspense>
        ),
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
  { path: '*', element: <NotFoundPage /> },
]);

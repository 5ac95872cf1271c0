import type { PlatformRole, Role } from '@/lib/generated/prisma/enums';

// Kept apart from lib/seed.ts so that scripts can print them without opening a database client.
export const DEMO_ORGANIZATION_ID = '0b6f1c1e-5d0c-4a53-9e57-2f0a4d7f1c01';

export const DEMO_USERS: ReadonlyArray<{ email: string; name: string; role?: Role; platformRole?: PlatformRole }> = [
  { email: 'admin@acme.test', name: 'Ada Admin', role: 'ADMIN' },
  { email: 'viewer@acme.test', name: 'Victor Viewer', role: 'VIEWER' },
  { email: 'support@portal.test', name: 'Sam Support', platformRole: 'SUPPORT' },
];

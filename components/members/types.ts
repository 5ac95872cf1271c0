import type { Role } from '@/lib/generated/prisma/enums';

/** A member as the page hands it to the browser: dates as ISO text. */
export interface MemberRow {
  userId: string;
  name: string;
  email: string;
  role: Role;
  twoFactorEnabled: boolean;
  lastSignInAt: string | null;
  joinedAt: string;
}

export interface InvitationRow {
  id: string;
  email: string;
  role: Role;
  invitedByName: string | null;
  createdAt: string;
  expiresAt: string;
  state: 'pending' | 'expired';
}

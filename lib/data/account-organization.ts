import { Prisma } from '@/lib/generated/prisma/client';

/**
 * SQL for the one membership a user acts in, and files an event about their account under (the actor, an audit
 * row, an outbox event): the one in the chosen organization when the user is a member there (the organization
 * their session works in), else their oldest; no row for someone with none (support staff). A person in
 * several organizations thus acts in one at a time, and gets one row per event, never one per membership.
 * `userColumn` is a column of the calling statement, never input; `chosen` an organization id, or SQL that
 * reads one.
 */
export function accountMembership(userColumn: 'u.id', chosen: string | null | undefined | Prisma.Sql): Prisma.Sql {
  const organization = chosen instanceof Prisma.Sql ? chosen : Prisma.sql`${chosen ?? null}::uuid`;
  return Prisma.sql`
    SELECT mm.organization_id, mm.role FROM memberships mm
    WHERE mm.user_id = ${Prisma.raw(userColumn)}
    ORDER BY (mm.organization_id IS NOT DISTINCT FROM ${organization}) DESC, mm.created_at, mm.id
    LIMIT 1`;
}

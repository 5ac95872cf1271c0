'use client';

import { useState } from 'react';
import type { CredentialRow } from '@/components/credentials/credential-row';

type Activated = { basis: CredentialRow[]; ids: ReadonlySet<string> };

/**
 * The rows as the server last rendered them, with those that Activate has just activated shown active: the
 * action answers before the refreshed page arrives. The marks belong to the list they were made on, so the
 * server's next list (the refresh that follows) replaces them.
 */
export function useActivatedRows(rows: CredentialRow[]): [CredentialRow[], (id: string) => void] {
  const [activated, setActivated] = useState<Activated>({ basis: rows, ids: new Set() });
  const ids = activated.basis === rows ? activated.ids : null;
  const shown =
    ids && ids.size > 0
      ? rows.map((row) =>
          ids.has(row.id) ? { ...row, status: 'ACTIVE' as const, displayStatus: 'ACTIVE' as const } : row,
        )
      : rows;
  const markActivated = (id: string) =>
    setActivated((current) => ({
      basis: rows,
      ids: new Set(current.basis === rows ? current.ids : []).add(id),
    }));
  return [shown, markActivated];
}

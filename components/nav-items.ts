import { KeyRound, type LucideIcon } from 'lucide-react';

export interface NavSection {
  title: string;
  items: { href: string; label: string; icon: LucideIcon }[];
}

/** Every entry leads to a built page; add one only with its page. */
export const NAV_SECTIONS: NavSection[] = [
  { title: 'Development', items: [{ href: '/credentials', label: 'Credentials', icon: KeyRound }] },
];
